import Foundation
import LoaSchedule

/// Local dates and times of the commune (Asia/Ho_Chi_Minh unless configured).
public struct LocalTime: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// Unix ms of `minutes` after local midnight on `date`.
    public func wall(_ date: LocalDate, minutes: Int) -> Int64 {
        let components = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: minutes / 60, minute: minutes % 60)
        return Int64((calendar.date(from: components)!.timeIntervalSince1970 * 1000).rounded())
    }

    /// The local month `year`-`month`, from its first midnight to the next month's (Unix ms).
    public func month(year: Int, month: Int) -> Range<Int64> {
        let start = wall(LocalDate(year: year, month: month, day: 1), minutes: 0)
        let end = wall(
            month == 12 ? LocalDate(year: year + 1, month: 1, day: 1) : LocalDate(year: year, month: month + 1, day: 1),
            minutes: 0)
        return start..<end
    }

    /// The local date of a Unix ms time.
    public func date(_ wall: Int64) -> LocalDate {
        let components = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: Double(wall) / 1000))
        return LocalDate(year: components.year!, month: components.month!, day: components.day!)
    }

    /// "2026-12-01 05:30" in local time.
    public func text(_ wall: Int64) -> String {
        let c = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(wall) / 1000))
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
