import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// `loa` shows and reads local times in the controller's configured `timezone:`, not its own default.
    @Suite("CLI time zone")
    struct TimeZoneCLITests {
        /// "yyyy-MM-dd HH:mm:ss" (or `format`) of a Unix ms stamp in `zone`.
        static func text(_ milliseconds: Int64, _ zone: String, format: String = "yyyy-MM-dd HH:mm:ss") -> String {
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: zone)!
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = format
            return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        }

        @Test func logShowsAndReadsTimesInTheControllersTimeZone() throws {
            let harness = try Harness(groupOctet: 56)
            let config = """
                timezone: Asia/Tokyo
                zones:
                  - name: all
                    group: \(harness.group):\(harness.port)
                    interface: 127.0.0.1
                    ttl: 0
                """
            try config.write(toFile: harness.path("tokyo.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("tokyo.yaml"))
            let health = try harness.api("/health") as? [String: Any]
            #expect(health?["timeZone"] as? String == "Asia/Tokyo")

            let id = try harness.queueAndWait([try harness.sweep("short.wav", seconds: 1)])[0]
            let entries = try #require(try harness.api("/log?since=0") as? [[String: Any]])
            let entry = try #require(entries.first { ($0["itemId"] as? Int) == id })
            let started = try #require((entry["startedAt"] as? NSNumber)?.int64Value)
            let ended = try #require((entry["endedAt"] as? NSNumber)?.int64Value)
            let tokyo = Self.text(started, "Asia/Tokyo")
            #expect(tokyo != Self.text(started, "Asia/Ho_Chi_Minh"))

            // Today (the item's day) in Tokyo: the line starts with Tokyo's local start time and ends with its end.
            let today = Self.text(started, "Asia/Tokyo", format: "yyyy-MM-dd")
            let log = try harness.loa(["log", "--since", today])
            #expect(log.status == 0, "\(log.err)")
            let line = log.out.split(separator: "\n").first { $0.contains("#\(id) ") }.map(String.init)
            #expect(line?.hasPrefix(tokyo + "  all  #\(id) [normal]") == true, "got \(log.out)")
            #expect(line?.hasSuffix("until " + Self.text(ended, "Asia/Tokyo")) == true, "got \(log.out)")

            let csv = try harness.loa(["log", "--since", today, "--csv"])
            #expect(csv.status == 0, "\(csv.err)")
            #expect(
                csv.out.contains("\n\(id),all,short.wav,normal,") && csv.out.contains(",\(tokyo),"), "got \(csv.out)")

            // A since at the start's Tokyo minute includes it (read in Ho Chi Minh it would be 2 h later); the next
            // minute leaves it out.
            let minute = Self.text(started, "Asia/Tokyo", format: "yyyy-MM-dd HH:mm")
            #expect(try harness.loa(["log", "--since", minute]).out.contains("#\(id) "))
            let next = Self.text(started / 60_000 * 60_000 + 60_000, "Asia/Tokyo", format: "yyyy-MM-dd HH:mm")
            let after = try harness.loa(["log", "--since", next])
            #expect(after.status == 0 && !after.out.contains("#\(id) "), "got \(after.out)")
            #expect(after.out.contains("nothing aired since \(next):00"), "got \(after.out)")

            // LOA_TIMEZONE is for a controller that does not say its zone; this one does, and it wins.
            let loaPath = Harness.binaries.appendingPathComponent("loa").path
            let overridden = try harness.run(
                "/usr/bin/env",
                [
                    "LOA_TIMEZONE=America/New_York", loaPath, "log", "--since", minute, "--controller",
                    harness.controllerURL,
                ])
            #expect(
                overridden.status == 0 && overridden.out.hasPrefix(tokyo), "got \(overridden.out) \(overridden.err)")
        }

        @Test func aBadSinceIsOneLineBeforeAnythingElse() throws {
            let harness = try Harness(groupOctet: 56)
            // 01/12/2026 is a date now (dd/mm/yyyy, as Vietnamese write it); 31/02/2026 is no day.
            let result = try harness.loa(["log", "--since", "31/02/2026"], controller: false)
            #expect(result.status != 0)
            #expect(
                result.err
                    == "loa: --since '31/02/2026' must be a date such as 01/12/2026 or 2026-12-01, or a date and time such as '01/12/2026 17:00'\n",
                "got \(result.err)")
        }
    }
}
