import LoaControlAPI

/// A failure the CLI reports as one line on stderr, exiting non-zero.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// A line of the catalogue, in the user's language.
    init(_ message: Message, _ arguments: any CustomStringConvertible...) {
        description = message.filled(arguments, in: .current)
    }

    /// The client's one line, in the user's language: a known failure (no controller, a file that is no sound,
    /// a library's words) as the catalogue says it (`ClientErrorWords`), anything else as it came.
    init(_ error: ControlClientError) { description = ClientErrorWords.translated(error.description) }

    func appending(_ text: String) -> CLIError { CLIError(description + text) }
}
