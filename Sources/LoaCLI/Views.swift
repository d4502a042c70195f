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
