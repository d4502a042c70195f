import Foundation
import Hummingbird
import LoaControlAPI
import LoaSchedule

/// Nhật ký & báo cáo (`/ui/nhat-ky?date=YYYY-MM-DD`): the as-played log of one day in commune time (the
/// `GET /log` call), the month's report (the `GET /report` call), and the day as CSV (`/ui/nhat-ky.csv`).
extension Dashboard {
    struct LogRow {
        var time: String
        var zone: String
        var title: String
        var priority: String
        var outcome: String
    }

    func addLogRoutes(to router: Router<ControlContext>) {
        router.get("/ui/nhat-ky") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let words = DashboardText.words(language(request))
            let (date, rows) = try await day(request, words)
            let report = try await refusing { try await programme.report(year: date.year, month: date.month) }
            let context: [String: Any] = [
                "onLog": true, "date": date.description, "rows": rows, "noRows": rows.isEmpty,
                "report": report.map {
                    [
                        "zone": $0.zone, "priority": words[$0.priority.rawValue] ?? "", "items": $0.items,
                        "minutes": $0.seconds / 60,
                    ]
                },
                "month": String(date.description.prefix(7)),
            ]
            return page("log", request, session: session, context)
        }
        router.get("/ui/nhat-ky.csv") { request, _ -> Response in
            guard try session(request) != nil else { return Self.redirect("/ui/login") }
            let (date, rows) = try await day(request, DashboardText.words(.vi))
            let lines =
                ["time,zone,title,priority,outcome"]
                + rows.map { row in
                    [row.time, row.zone, row.title, row.priority, row.outcome].map {
                        "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    }.joined(separator: ",")
                }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"nhat-ky-\(date.description).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
        }
    }

    /// The day the request names (today by default) and its as-played log.
    private func day(_ request: Request, _ words: [String: String]) async throws -> (LocalDate, [LogRow]) {
        let localTime = programme.localTime
        let text = RequestInput(request: request).text("date")
        let date = text.flatMap(LocalDate.init) ?? localTime.date(programme.clock.now())
        let start = localTime.wall(date, minutes: 0)
        let end = start + 86_400_000
        let entries = try await refusing { try await programme.log(since: start, zone: nil) }
        let rows = entries.filter { ($0.startedAt ?? $0.plannedAt) < end }.map { entry in
            LogRow(
                time: String(localTime.text(entry.startedAt ?? entry.plannedAt).dropFirst(11).prefix(8)),
                zone: entry.zone, title: entry.title,
                priority: words[entry.priority.rawValue] ?? entry.priority.rawValue,
                outcome: entry.outcome.rawValue)
        }
        return (date, rows)
    }
}
