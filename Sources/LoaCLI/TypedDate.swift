import Foundation

/// A local date, or date and time, as a person types it on the command line: the Vietnamese `dd/mm/yyyy` and
/// `dd/mm/yyyy HH:mm` (day and month may have one digit), or ISO `yyyy-mm-dd`, `yyyy-mm-dd HH:mm`, `yyyy-mm-ddTHH:mm`.
/// Only real calendar days are accepted (no 31/02), hours 0–23 and minutes 0–59.
struct TypedDate: Equatable, Sendable {
    var year: Int
    var month: Int
    var day: Int
    /// Hour and minute, nil for a date alone.
    var time: (hour: Int, minute: Int)?

    init(year: Int, month: Int, day: Int, time: (hour: Int, minute: Int)? = nil) {
        (self.year, self.month, self.day, self.time) = (year, month, day, time)
    }

    /// The date in `text`, nil if it is neither form or no real day.
    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(
            omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let numbers: [Int]
        let date = String(parts[0])
        if date.contains("/") {
            guard let dmy = Self.numbers(date, separator: "/", widths: [1...2, 1...2, 4...4]) else { return nil }
            numbers = [dmy[2], dmy[1], dmy[0]]
        } else {
            guard let ymd = Self.numbers(date, separator: "-", widths: [4...4, 1...2, 1...2]) else { return nil }
            numbers = ymd
        }
        (year, month, day) = (numbers[0], numbers[1], numbers[2])
        guard (1...12).contains(month), (1...Self.days(in: month, of: year)).contains(day) else { return nil }
        if parts.count == 2 {
            guard let hm = Self.numbers(String(parts[1]), separator: ":", widths: [1...2, 2...2]),
                (0...23).contains(hm[0]), (0...59).contains(hm[1])
            else { return nil }
            time = (hm[0], hm[1])
        }
    }

    static func == (a: TypedDate, b: TypedDate) -> Bool {
        (a.year, a.month, a.day) == (b.year, b.month, b.day) && a.time?.hour == b.time?.hour
            && a.time?.minute == b.time?.minute
    }

    /// "2026-12-01", as the controller's API takes a day.
    var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// Unix ms of this local date (its midnight, or its time) in `timeZone`.
    func unixMilliseconds(in timeZone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(
            year: year, month: month, day: day, hour: time?.hour ?? 0, minute: time?.minute ?? 0)
        let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    /// "2026-12" for `YYYY-MM` or the Vietnamese `mm/yyyy` (month may have one digit); nil otherwise.
    static func month(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let ym: [Int]
        if trimmed.contains("/") {
            guard let my = numbers(trimmed, separator: "/", widths: [1...2, 4...4]) else { return nil }
            ym = [my[1], my[0]]
        } else {
            guard let parsed = numbers(trimmed, separator: "-", widths: [4...4, 1...2]) else { return nil }
            ym = parsed
        }
        guard (1...12).contains(ym[1]) else { return nil }
        return String(format: "%04d-%02d", ym[0], ym[1])
    }

    /// The decimal fields of `text` split at `separator`, each with a digit count in its range; nil otherwise.
    private static func numbers(_ text: String, separator: Character, widths: [ClosedRange<Int>]) -> [Int]? {
        let fields = text.split(separator: separator, omittingEmptySubsequences: false)
        guard fields.count == widths.count else { return nil }
        var values: [Int] = []
        for (field, width) in zip(fields, widths) {
            guard width.contains(field.count), field.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(field)
            else { return nil }
            values.append(value)
        }
        return values
    }

    private static func days(in month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
