import Foundation

/// When a one-off notice airs (`loa queue --at 17:00 --repeat 3 --every 1h`): the instants, worked out in the
/// commune's time zone before anything is sent. Pure: `now` and the zone are given.
struct AirTimes: Equatable, Sendable {
    /// Unix ms of each airing, the first at `--at`.
    var instants: [Int64]

    /// The most airings one command may queue.
    static let maximumRepeats = 48

    /// The instants for `at` (nil: now), `repeats` times in all, `every` apart. `at` is `HH:MM` or `HH:MM:SS` today,
    /// or a date and time as `TypedDate` reads them (`05/12/2026 17:00`, `2026-12-05 17:00`); `every` is a duration
    /// such as `1h`, `30m`, `1h30m` or `90s` (at least 10 s). Throws the line that says what is wrong.
    init(at: String?, repeats: Int, every: String?, now: Int64, timeZone: TimeZone) throws(CLIError) {
        guard (1...Self.maximumRepeats).contains(repeats) else {
            throw CLIError(.badRepeat, repeats, Self.maximumRepeats)
        }
        var interval: Int64 = 0
        if let every {
            guard let seconds = Self.seconds(every), seconds >= 10 else { throw CLIError(.badEvery, every) }
            interval = seconds * 1000
        } else if repeats > 1 {
            throw CLIError(.repeatNeedsEvery)
        }
        var first = now
        if let at {
            guard let instant = Self.instant(at, now: now, timeZone: timeZone) else { throw CLIError(.badAt, at) }
            guard instant >= now - 60_000 else { throw CLIError(.atPassed, at) }
            first = instant
        }
        instants = (0..<repeats).map { first + Int64($0) * interval }
    }

    /// Unix ms of `text` in `timeZone`: a time of day today, or a date and time; nil if it is neither.
    static func instant(_ text: String, now: Int64, timeZone: TimeZone) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = TypedDate(trimmed), date.time != nil { return date.unixMilliseconds(in: timeZone) }
        let fields = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let parts = fields.map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), (1...2).contains(fields[0].count),
            fields.dropFirst().allSatisfy({ $0.count == 2 })
        else { return nil }
        let (hour, minute, second) = (parts[0]!, parts[1]!, parts.count == 3 ? parts[2]! : 0)
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: Double(now) / 1000))
        var components = today
        (components.hour, components.minute, components.second) = (hour, minute, second)
        guard let date = calendar.date(from: components) else { return nil }
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    /// Seconds in a duration such as `1h30m`, `45m`, `90s`, `2h`; nil if it is not one.
    static func seconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        var sawUnit = false
        for character in text.lowercased() {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + Int64(digit)
                guard number! < 1_000_000 else { return nil }
            } else if let value = number, let unit = ["h": 3600, "m": 60, "s": 1][character] {
                total += value * Int64(unit)
                number = nil
                sawUnit = true
            } else {
                return nil
            }
        }
        return number == nil && sawUnit ? total : nil
    }
}
