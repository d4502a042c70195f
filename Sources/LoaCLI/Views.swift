import Foundation

/// The control API's JSON shapes, as the CLI reads them (see `APIViews` in LoaController).
struct ItemInfo: Codable, Sendable {
    var id: Int64
    var title: String
    var priority: String
    var zones: [String]
    var durationMs: Int
    var states: [String: String]
}

struct ZoneItemInfo: Codable, Sendable {
    var id: Int64
    var title: String
    var priority: String
    var durationMs: Int
    var positionMs: Int?
    var plannedAt: Int64
    var source: String
}

struct ZoneStatus: Codable, Sendable {
    var name: String
    var playing: ZoneItemInfo?
    var queued: [ZoneItemInfo]
    var packetsSent: Int
}

struct Status: Codable, Sendable {
    var zones: [ZoneStatus]
}

struct LogEntryInfo: Codable, Sendable {
    var itemId: Int64
    var zone: String
    var title: String
    var priority: String
    var plannedAt: Int64
    var startedAt: Int64?
    var endedAt: Int64?
    var outcome: String
    var reason: String?
}

struct ReportRowInfo: Codable, Sendable {
    var zone: String
    var priority: String
    var items: Int
    var seconds: Int
}

struct TimetableEntryInfo: Codable, Sendable {
    var zone: String
    var date: String
    var time: String
    var slot: String
    var titles: [String]
    var durationMs: Int
}

/// "1:05" for 65 000 ms.
func minutesSeconds(_ milliseconds: Int) -> String {
    let seconds = milliseconds / 1000
    let remainder = seconds % 60
    return "\(seconds / 60):\(remainder < 10 ? "0" : "")\(remainder)"
}

/// Local date and time of a Unix ms stamp in `timeZone` (the commune's, see `CommuneTimeZone`),
/// "2026-11-22 17:00:05"; "-" for nil.
func localText(_ milliseconds: Int64?, timeZone: TimeZone) -> String {
    guard let milliseconds else { return "-" }
    let formatter = DateFormatter()
    formatter.timeZone = timeZone
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
}
