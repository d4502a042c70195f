import COpus

/// A libopus call that failed, with libopus's own error code.
public struct CodecError: Error, Equatable, Sendable {
    /// What was being done: "create the Opus encoder", "decode".
    public var operation: String
    /// The negative libopus error code (OPUS_BAD_ARG, OPUS_INVALID_PACKET, …).
    public var code: Int32

    public init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// "decode: corrupted stream".
    public var message: String { operation + ": " + String(cString: opus_strerror(code)) }
}
