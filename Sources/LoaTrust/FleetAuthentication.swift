import LoaCrypto
import LoaWire

/// The trailer of a fleet message (see `FleetMessage`): the one place that writes and checks it.
///
/// Enrolments and welcomes end with the sender's Ed25519 signature; heartbeats, commands and acknowledgements
/// with a 16-byte tag made with the key the receiver and the controller share. The trailer covers every byte
/// before it. Writing and checking allocate nothing.
public enum FleetAuthentication {
    /// Encodes `message` into `buffer` (at least `FleetMessage.maximumBytes`) followed by its trailer: signed
    /// by `signer` (enrolment, welcome) or tagged with `key` (the rest). Returns the datagram's length, or 0
    /// if the key its kind needs was not given.
    public static func write(
        _ message: FleetMessage, into buffer: UnsafeMutableRawBufferPointer, signer: SigningKeyPair? = nil,
        key: MessageKey? = nil
    ) -> Int {
        let length = message.encode(into: buffer)
        let end = length + message.trailerBytes
        let signed = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        let trailer = UnsafeMutableRawBufferPointer(rebasing: buffer[length..<end])
        switch message {
        case .enrolment, .welcome:
            guard let signer else { return 0 }
            signer.sign(signed, into: trailer)
        case .heartbeat, .command, .acknowledgement, .heartbeatAnswer, .clipOffer, .clipRequest, .clipChunk, .timetable:
            guard let key else { return 0 }
            key.tag(signed, into: trailer)
        }
        return end
    }

    /// The datagram of `message` with its trailer, as bytes (for tests and tools; `write` allocates nothing).
    public static func bytes(_ message: FleetMessage, signer: SigningKeyPair? = nil, key: MessageKey? = nil)
        -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: FleetMessage.maximumBytes + FleetMessage.signatureBytes)
        let length = bytes.withUnsafeMutableBytes { write(message, into: $0, signer: signer, key: key) }
        return Array(bytes[0..<length])
    }

    /// True if the last `FleetMessage.tagBytes` of `datagram` are `key`'s tag of the bytes before them. Checked
    /// before the body is parsed, so a datagram that is not from the box costs one tag and nothing more.
    public static func isTagged(_ datagram: UnsafeRawBufferPointer, by key: MessageKey) -> Bool {
        guard datagram.count > FleetMessage.tagBytes else { return false }
        let end = datagram.count - FleetMessage.tagBytes
        return key.verify(
            UnsafeRawBufferPointer(rebasing: datagram[end...]), of: UnsafeRawBufferPointer(rebasing: datagram[..<end]))
    }

    /// True if the trailer of `parsed` (read from `datagram`) is `publicKey`'s signature of the signed part.
    public static func isSigned(
        _ parsed: FleetMessage.Parsed, in datagram: UnsafeRawBufferPointer, by publicKey: [UInt8]
    ) -> Bool {
        publicKey.withUnsafeBytes {
            SigningKeyPair.verify(
                UnsafeRawBufferPointer(rebasing: datagram[parsed.trailer]),
                of: UnsafeRawBufferPointer(rebasing: datagram[parsed.signed]), by: $0)
        }
    }

    /// True if the trailer of `parsed` (read from `datagram`) is `key`'s tag of the signed part.
    public static func isTagged(_ parsed: FleetMessage.Parsed, in datagram: UnsafeRawBufferPointer, by key: MessageKey)
        -> Bool
    {
        key.verify(
            UnsafeRawBufferPointer(rebasing: datagram[parsed.trailer]),
            of: UnsafeRawBufferPointer(rebasing: datagram[parsed.signed]))
    }
}
