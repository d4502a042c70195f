import Foundation
import LoaControlAPI

/// The commune's time zone as `loa` uses it: every local time it shows and every local date or time it reads.
///
/// Talking to a controller, it is the controller's configured `timezone:` (`timeZone` in `GET /health`), so that
/// `loa` agrees with the schedule, the log's days and the report's months. `LOA_TIMEZONE` (else Asia/Ho_Chi_Minh)
/// is used only when that is not known: offline, or with a controller older than the field, or one naming a zone
/// this machine does not know.
enum CommuneTimeZone {
    /// The controller's time zone; `offline()` if the controller does not report one this machine knows.
    /// Throws the client's one-line error if the controller cannot be reached.
    static func of(_ client: ControlClient) async throws(CLIError) -> TimeZone {
        let health: HealthView
        do { health = try await client.health() } catch { throw CLIError(error) }
        if let name = health.timeZone, let zone = TimeZone(identifier: name) {
            return zone
        }
        return try offline()
    }

    /// `LOA_TIMEZONE`, else Asia/Ho_Chi_Minh. Throws one line if `LOA_TIMEZONE` names no time zone.
    static func offline(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIError)
        -> TimeZone
    {
        if let name = environment["LOA_TIMEZONE"], !name.isEmpty {
            guard let zone = TimeZone(identifier: name) else {
                throw CLIError(.badTimeZone, name)
            }
            return zone
        }
        return TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
    }
}
