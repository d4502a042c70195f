/// The body of every 4xx/5xx answer: one line for the broadcaster, saying what is wrong and what to do.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String

    public init(error: String) { self.error = error }
}
