import ArgumentParser
import Foundation
import LoaControlAPI

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The as-played log: what actually aired, when, and how it ended.")

    @Option(
        name: .long,
        help: "From this date or time in the controller's time zone: YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (default: today)."
    )
    var since: String?

    @Option(name: .long, help: "Only this zone.")
    var zone: String?

    @Flag(name: .long, help: "Comma-separated values, for a spreadsheet.")
    var csv = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            // A bad --since is said before anything is asked of the controller.
            _ = try parseSince(since, in: TimeZone(secondsFromGMT: 0)!)
            let client = try options.client()
            let timeZone = try await CommuneTimeZone.of(client)
            let local = { (stamp: Int64?) in localText(stamp, timeZone: timeZone) }
            let start = try parseSince(since, in: timeZone)
            let entries = try await client.log(since: start, zone: zone)
            if csv {
                print("item,zone,title,priority,planned,started,ended,outcome,reason,text")
                for e in entries {
                    let fields = [
                        String(e.itemId), e.zone, e.title, e.priority.rawValue, local(e.plannedAt), local(e.startedAt),
                        local(e.endedAt), e.outcome.rawValue, e.reason ?? "", e.text ?? "",
                    ]
                    print(fields.map(csvField).joined(separator: ","))
                }
                return
            }
            if entries.isEmpty { print("nothing aired since \(local(start))") }
            for e in entries {
                print(
                    "\(local(e.startedAt ?? e.plannedAt))  \(e.zone)  #\(e.itemId) [\(e.priority.rawValue)] \(e.title)  → \(e.outcome.rawValue)\(e.reason.map { " (\($0))" } ?? "")  until \(local(e.endedAt))"
                )
                // An item read aloud shows the text it came from, indented under it.
                if let text = e.text {
                    print("    said: " + text.split(whereSeparator: \.isNewline).joined(separator: " "))
                }
            }
        }
    }

    /// Unix ms of `text`, a local date or date and time in `timeZone`; of today's midnight there for nil.
    private func parseSince(_ text: String?, in timeZone: TimeZone) throws(CLIError) -> Int64 {
        guard let text else {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return Int64(calendar.startOfDay(for: Date()).timeIntervalSince1970 * 1000)
        }
        let formatter = DateFormatter()
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        throw CLIError("--since '\(text)' must be YYYY-MM-DD or 'YYYY-MM-DD HH:MM'")
    }
}

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Broadcast hours and item counts per zone and priority for a month.")

    @Option(name: .long, help: "The month, YYYY-MM, in the controller's time zone (default: this month).")
    var month: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            var month = self.month ?? ""
            if self.month == nil { month = Self.thisMonth(in: try await CommuneTimeZone.of(client)) }
            let rows = try await client.report(month: month)
            print("Báo cáo phát thanh \(month)")
            print("zone".padding(toLength: 16, withPad: " ", startingAt: 0) + "priority   items    hours")
            var totalSeconds = 0
            var totalItems = 0
            for row in rows {
                totalSeconds += row.seconds
                totalItems += row.items
                print(
                    row.zone.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + row.priority.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(format: "%6d %8.2f", row.items, Double(row.seconds) / 3600))
            }
            print(
                "total".padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%6d %8.2f", totalItems, Double(totalSeconds) / 3600))
        }
    }
}

func csvField(_ text: String) -> String {
    text.contains(",") || text.contains("\"") || text.contains("\n")
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

extension Report {
    /// "YYYY-MM" of `now` in the commune's time zone.
    static func thisMonth(in zone: TimeZone, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month], from: now)
        return String(format: "%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
    }
}
