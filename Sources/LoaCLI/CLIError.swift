import LoaControlAPI

/// A failure the CLI reports as one line on stderr, exiting non-zero.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// The client's one line, as it is.
    init(_ error: ControlClientError) { description = error.description }

    func appending(_ text: String) -> CLIError { CLIError(description + text) }
}
