import Foundation

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

/// `localText` of an ISO 8601 time from the controller ("2026-11-22T10:00:05.123Z"); the text as it is if it is
/// not one.
func localText(iso: String, timeZone: TimeZone) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let plain = ISO8601DateFormatter()
    guard let date = formatter.date(from: iso) ?? plain.date(from: iso) else { return iso }
    return localText(Int64(date.timeIntervalSince1970 * 1000), timeZone: timeZone)
}
