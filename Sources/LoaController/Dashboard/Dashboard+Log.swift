import Foundation
import Hummingbird
import LoaControlAPI
import LoaSchedule

/// Nhật ký & báo cáo (`/ui/nhat-ky?date=YYYY-MM-DD&zone=Z`): the as-played log of one day in commune time (the
/// `GET /log` call), for every zone or one, the month's report (the `GET /report` call), the day as CSV
/// (`/ui/nhat-ky.csv`), and the month's report as a page to print (`/ui/bao-cao?month=YYYY-MM`).
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
            let chosen = RequestInput(request: request).text("zone") ?? ""
            let context: [String: Any] = [
                "onLog": true, "date": date.description, "rows": rows, "noRows": rows.isEmpty,
                "zoneChoices": await programme.zoneNames.map { ["name": $0, "selected": $0 == chosen] },
                "zone": chosen,
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
        router.get("/ui/bao-cao") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let words = DashboardText.words(language(request))
            let today = programme.localTime.date(programme.clock.now())
            let asked = RequestInput(request: request).text("month").flatMap { LocalDate($0 + "-01") }
            let month = asked ?? LocalDate(year: today.year, month: today.month, day: 1)
            let rows = try await refusing { try await programme.report(year: month.year, month: month.month) }
            let context: [String: Any] = [
                "onLog": true, "monthText": String(format: "%02d/%04d", month.month, month.year),
                "month": String(month.description.prefix(7)),
                "rows": rows.map {
                    [
                        "zone": $0.zone, "priority": words[$0.priority.rawValue] ?? "", "items": $0.items,
                        "minutes": String(format: "%d:%02d", $0.seconds / 60, $0.seconds % 60),
                    ]
                },
                "noRows": rows.isEmpty, "totalItems": rows.reduce(0) { $0 + $1.items },
                "totalMinutes": String(
                    format: "%d:%02d", rows.reduce(0) { $0 + $1.seconds } / 60, rows.reduce(0) { $0 + $1.seconds } % 60),
                "printedAt": programme.localTime.text(programme.clock.now()).prefix(16),
            ]
            return page("report", request, session: session, context)
        }
    }

    /// The day the request names (today by default) and its as-played log.
    private func day(_ request: Request, _ words: [String: String]) async throws -> (LocalDate, [LogRow]) {
        let localTime = programme.localTime
        let text = RequestInput(request: request).text("date")
        let date = text.flatMap(LocalDate.init) ?? localTime.date(programme.clock.now())
        let start = localTime.wall(date, minutes: 0)
        let end = start + 86_400_000
        let zone = RequestInput(request: request).text("zone").flatMap { $0.isEmpty ? nil : $0 }
        let entries = try await refusing { try await programme.log(since: start, zone: zone) }
        let rows = entries.filter { ($0.startedAt ?? $0.plannedAt) < end }.map { entry in
            LogRow(
                time: String(localTime.text(entry.startedAt ?? entry.plannedAt).dropFirst(11).prefix(8)),
                zone: entry.zone, title: entry.title,
                priority: words[entry.priority.rawValue] ?? entry.priority.rawValue,
                outcome: words["outcome-" + entry.outcome.rawValue] ?? entry.outcome.rawValue)
        }
        return (date, rows)
    }
}
