/// One thing wrong with a schedule file, at a place in it.
public struct ScheduleIssue: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// "lich.yaml:12:5: unknown zone 'thon-bac'; zones are: thon-dong, thon-tay".
    public var description: String { "\(file):\(line):\(column): \(message)" }
}
