import ArgumentParser
import Foundation
import LoaControlAPI

struct LogCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "log", abstract: Message.logAbstract.text())
    }

    @Option(name: .long, help: Message.sinceHelp.help)
    var since: String?

    @Option(name: .long, help: Message.logZoneHelp.help)
    var zone: String?

    @Flag(name: .long, help: Message.csvHelp.help)
    var csv = false

    @Flag(name: .long, help: Message.perBoxHelp.help)
    var perBox = false

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
            let boxes = perBox ? try await client.boxLog(since: start, zone: zone) : []
            if csv && perBox {
                print("item,zone,box,receiver,frames,from_copy,from_stream,rebuilt,concealed,reported,started,offline")
                for b in boxes {
                    let fields = [
                        String(b.itemId), b.zone ?? "", b.name, b.receiver, String(b.frames), String(b.fromFile),
                        String(b.fromStream), String(b.rebuilt), String(b.concealed), local(b.reportedAt),
                        local(b.startedAt), b.offline ? "yes" : "no",
                    ]
                    print(fields.map(csvField).joined(separator: ","))
                }
                return
            }
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
            if entries.isEmpty { print(Message.nothingAired.text(local(start))) }
            for e in entries {
                print(
                    Message.logLine.text(
                        local(e.startedAt ?? e.plannedAt), e.zone, e.itemId, e.priority.name(), e.title,
                        e.outcome.name() + (e.reason.map { " (\($0))" } ?? ""), local(e.endedAt)))
                // An item read aloud shows the text it came from, indented under it.
                if let text = e.text {
                    print(Message.logSaid.text(text.split(whereSeparator: \.isNewline).joined(separator: " ")))
                }
                // A live broadcast names its recording.
                if let clip = e.recording { print(Message.logRecorded.text(clip)) }
                // With --per-box: how each box of the zone played it.
                if perBox && e.startedAt != nil {
                    let played = boxes.filter { $0.itemId == e.itemId && ($0.zone == nil || $0.zone == e.zone) }
                    if played.isEmpty { print(Message.logNoBox.text()) }
                    for b in played { print(boxLine(b, local)) }
                }
            }
            // Items boxes played on their own that the controller did not air (it was down): said apart.
            let aired = Set(entries.filter { $0.startedAt != nil }.map(\.itemId))
            let alone = boxes.filter { $0.offline && !aired.contains($0.itemId) }
            if perBox && !alone.isEmpty {
                print(Message.logBoxesOnTheirOwn.text())
                for b in alone { print("  #\(b.itemId) \(b.zone ?? "")\n" + boxLine(b, local)) }
            }
        }
    }

    /// One box's play of an item: its frames by origin, when it started, and whether it played on its own.
    private func boxLine(_ b: BoxPlayView, _ local: (Int64?) -> String) -> String {
        Message.logBoxLine.text(b.name, b.frames, b.fromFile, b.fromStream, b.rebuilt, b.concealed)
            + (b.startedAt.map { Message.logBoxStarted.text(local($0)) } ?? "")
            + (b.offline ? Message.logBoxOffline.text() : "")
    }

    /// Unix ms of `text`, a local date or date and time in `timeZone`; of today's midnight there for nil.
    private func parseSince(_ text: String?, in timeZone: TimeZone) throws(CLIError) -> Int64 {
        guard let text else {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return Int64(calendar.startOfDay(for: Date()).timeIntervalSince1970 * 1000)
        }
        guard let date = TypedDate(text) else { throw CLIError(.badSince, text) }
        return date.unixMilliseconds(in: timeZone)
    }
}

struct Report: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(abstract: Message.reportAbstract.text()) }

    @Option(name: .long, help: Message.monthHelp.help)
    var month: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            var month = ""
            if let typed = self.month {
                guard let parsed = TypedDate.month(typed) else { throw CLIError(.badMonth, typed) }
                month = parsed
            } else {
                month = Self.thisMonth(in: try await CommuneTimeZone.of(client))
            }
            let rows = try await client.report(month: month)
            print("Báo cáo phát thanh \(month)")
            print(
                Message.reportZone.text().padding(toLength: 16, withPad: " ", startingAt: 0)
                    + Message.reportPriority.text().padding(toLength: 10, withPad: " ", startingAt: 0)
                    + Message.reportItems.text().leftPadded(6) + " " + Message.reportHours.text().leftPadded(8))
            var totalSeconds = 0
            var totalItems = 0
            for row in rows {
                totalSeconds += row.seconds
                totalItems += row.items
                print(
                    row.zone.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + row.priority.name().padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(format: "%6d %8.2f", row.items, Double(row.seconds) / 3600))
            }
            print(
                Message.reportTotal.text().padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%6d %8.2f", totalItems, Double(totalSeconds) / 3600))
            // The same record per hamlet box, from what each box reported playing.
            let boxes = try await client.boxReport(month: month)
            print("")
            print(Message.reportPerBox.text())
            guard !boxes.isEmpty else {
                print(Message.reportNoBox.text())
                return
            }
            print(
                Message.reportBox.text().padding(toLength: 20, withPad: " ", startingAt: 0)
                    + Message.reportZone.text().padding(toLength: 16, withPad: " ", startingAt: 0)
                    + Message.reportItems.text().leftPadded(6) + " " + Message.reportHours.text().leftPadded(8) + " "
                    + Message.reportFromCopy.text().leftPadded(11) + " " + Message.reportConcealed.text().leftPadded(9))
            for row in boxes {
                let frames = max(row.fromFile + row.fromStream + row.rebuilt + row.concealed, 1)
                print(
                    row.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                        + (row.zone ?? "").padding(toLength: 16, withPad: " ", startingAt: 0)
                        + String(
                            format: "%6d %8.2f %10.1f%% %8.2f%%", row.items, Double(row.seconds) / 3600,
                            Double(row.fromFile) * 100 / Double(frames), Double(row.concealed) * 100 / Double(frames)))
            }
        }
    }
}

extension String {
    /// The text right-aligned in `width` characters (as it is if longer).
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
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
