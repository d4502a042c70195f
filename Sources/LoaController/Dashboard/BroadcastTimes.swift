import LoaSchedule

/// When a notice sent from Phát thanh airs: in its turn (one nil), or at an instant of commune time typed in the
/// page's date-and-time field (`2026-12-05T17:00`), then again every `every` minutes, `repeats` times in all.
/// Pure: `now` and the commune's `LocalTime` are given.
enum BroadcastTimes {
    /// The most airings one form may queue (as `loa queue --repeat`).
    static let maximumRepeats = 48

    /// What is wrong with the fields; the raw value is the key of its words (`DashboardText`).
    enum Problem: String, Error {
        case badAt, atPassed, badRepeat, badEvery
    }

    /// The instants (Unix ms); without `at` the first is nil ("in turn") and repeats follow from `now`. A time
    /// more than a minute past is refused, as `POST /items` refuses it.
    static func instants(at: String?, repeats: String?, every: String?, localTime: LocalTime, now: Int64)
        throws(Problem) -> [Int64?]
    {
        let count = try number(repeats, default: 1, in: 1...maximumRepeats, else: .badRepeat)
        let minutes = try number(every, default: 60, in: 1...10_080, else: .badEvery)
        let step = Int64(minutes) * 60_000
        guard let at, !at.isEmpty else { return [nil] + (1..<count).map { now + Int64($0) * step } }
        let parts = at.split(separator: "T")
        guard parts.count == 2, let date = LocalDate(String(parts[0])) else { throw .badAt }
        let clock = parts[1].split(separator: ":").prefix(2).compactMap { Int($0) }
        guard clock.count == 2, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]) else { throw .badAt }
        let first = localTime.wall(date, minutes: clock[0] * 60 + clock[1])
        guard first >= now - 60_000 else { throw .atPassed }
        return (0..<count).map { first + Int64($0) * step }
    }

    private static func number(_ text: String?, default value: Int, in range: ClosedRange<Int>, else problem: Problem)
        throws(Problem) -> Int
    {
        guard let text, !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else { throw problem }
        return number
    }
}
