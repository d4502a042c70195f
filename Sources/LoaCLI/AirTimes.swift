import Foundation

/// When a one-off notice airs (`loa queue --at 17:00 --repeat 3 --every 1h`, or `--every 1d --until 10/12/2026`):
/// the instants, worked out in the commune's time zone before anything is sent. Pure: `now` and the zone are given.
struct AirTimes: Equatable, Sendable {
    /// Unix ms of each airing, the first at `--at`.
    var instants: [Int64]

    /// The most airings one command may queue.
    static let maximumRepeats = 48

    /// The instants for `at` (nil: now), `every` apart, `repeats` times in all or (with `until`) as many times as
    /// fall on or before `until` — with both, whichever ends first. `at` is `HH:MM` or `HH:MM:SS` today, or a date
    /// and time as `TypedDate` reads them (`05/12/2026 17:00`, `2026-12-05 17:00`); `until` is a date and time, or a
    /// date alone (to the end of that day); `every` is a duration such as `1d`, `1h`, `30m`, `1h30m` or `90s` (at
    /// least 10 s). At most `maximumRepeats` airings. Throws the line that says what is wrong.
    init(at: String?, repeats: Int?, every: String?, until: String? = nil, now: Int64, timeZone: TimeZone)
        throws(CLIError)
    {
        if let repeats, !(1...Self.maximumRepeats).contains(repeats) {
            throw CLIError(.badRepeat, repeats, Self.maximumRepeats)
        }
        var interval: Int64 = 0
        if let every {
            guard let seconds = Self.seconds(every), seconds >= 10 else { throw CLIError(.badEvery, every) }
            interval = seconds * 1000
        } else if until != nil {
            throw CLIError(.untilNeedsEvery)
        } else if let repeats, repeats > 1 {
            throw CLIError(.repeatNeedsEvery)
        }
        var first = now
        if let at {
            guard let instant = Self.instant(at, now: now, timeZone: timeZone) else { throw CLIError(.badAt, at) }
            guard instant >= now - 60_000 else { throw CLIError(.atPassed, at) }
            first = instant
        }
        var count = repeats ?? (until == nil ? 1 : Self.maximumRepeats)
        if let until {
            guard let date = TypedDate(until) else { throw CLIError(.badUntil, until) }
            // A date alone runs to the end of that day.
            let last = date.unixMilliseconds(in: timeZone) + (date.time == nil ? 86_400_000 - 1 : 0)
            guard last >= first else { throw CLIError(.untilBeforeAt, until) }
            let fitting = (last - first) / interval + 1
            if repeats == nil, fitting > Int64(Self.maximumRepeats) {
                throw CLIError(.tooManyAirings, fitting, Self.maximumRepeats)
            }
            count = min(count, Int(fitting))
        }
        instants = (0..<count).map { first + Int64($0) * interval }
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

    /// Seconds in a duration such as `1d`, `1h30m`, `45m`, `90s`, `2h`; nil if it is not one.
    static func seconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        var sawUnit = false
        for character in text.lowercased() {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + Int64(digit)
                guard number! < 1_000_000 else { return nil }
            } else if let value = number, let unit = ["d": 86_400, "h": 3600, "m": 60, "s": 1][character] {
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
