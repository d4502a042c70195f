import Hummingbird
import LoaControlAPI

/// Phát thanh (`/ui/phat-thanh`): a text read aloud (the `POST /say` path) to chosen zones at a priority, now or
/// in turn; the queue with expected air times (commune time); cancel (the `DELETE /items/ID` path). Needs the role
/// those routes need (`Route.requiredRole`); emergencies stay with signed commands.
extension Dashboard {
    struct SayForm: SessionForm {
        var csrf: String?
        var text: String
        var title: String?
        var zones: [String]?
        var priority: String?
        var now: String?
    }

    struct CancelForm: SessionForm {
        var csrf: String?
        var id: Int64
    }

    /// One queued or playing item of the queue table.
    struct QueueRow {
        var id: Int64
        var title: String
        var zone: String
        var priority: String
        var at: String
        var playing: Bool
    }

    func addBroadcastRoutes(to router: Router<ControlContext>) {
        router.get("/ui/phat-thanh") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            return try await broadcastPage(request, session, [:])
        }
        router.post("/ui/phat-thanh") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: SayForm = try await checkedForm(request, session)
            return try await acting(request, session, route: .say) {
                let text = form.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty, text.utf8.count <= Limits.speechBytes else {
                    throw APIError(.badRequest, DashboardText.words(language(request))["noText"] ?? "")
                }
                let title = form.title.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                let priority = Priority(rawValue: form.priority ?? "") ?? .normal
                guard priority != .emergency else { throw APIError(.forbidden, EmergencyRequest.startNeedsCommand) }
                let options = QueueOptions(
                    zones: (form.zones ?? []).isEmpty ? ["all"] : form.zones ?? [], priority: priority,
                    immediate: form.now == "1")
                let queued = try await programmeAPI.say(
                    text,
                    title: String((title ?? Programme.title(reading: text)).prefix(Limits.titleCharacters.upperBound)),
                    options)
                auditLog.record(
                    actor: .account(session.account.name), action: .itemQueued,
                    target: "/ui/phat-thanh item \(queued.responseGenerator.id)", from: context.callerAddress,
                    result: .accepted)
                return "/ui/phat-thanh?queued=\(queued.responseGenerator.id)"
            }
        }
        router.post("/ui/phat-thanh/huy") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: CancelForm = try await checkedForm(request, session)
            return try await acting(request, session, route: .cancelItem) {
                _ = try await programmeAPI.cancel(form.id, from: context.callerAddress)
                auditLog.record(
                    actor: .account(session.account.name), action: .itemCancelled,
                    target: "/ui/phat-thanh item \(form.id)", from: context.callerAddress, result: .accepted)
                return "/ui/phat-thanh"
            }
        }
    }

    /// Runs `body` as the session's account if its role may call `route`; redirects where `body` says, or shows
    /// the page again with the refusal's line.
    private func acting(
        _ request: Request, _ session: Session, route: Route, _ body: () async throws -> String
    ) async throws -> Response {
        do {
            if let required = route.requiredRole, !session.account.role.satisfies(required) {
                throw APIError(
                    .forbidden, (DashboardText.words(language(request))["needsRole"] ?? "") + required.rawValue)
            }
            return Self.redirect(try await Caller.$account.withValue(session.account) { try await body() })
        } catch let error as APIError {
            return try await broadcastPage(request, session, ["error": error.message], status: error.status)
        }
    }

    private func broadcastPage(
        _ request: Request, _ session: Session, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let localTime = programme.localTime
        let zones = try await refusing { try await programme.status() }
        let words = DashboardText.words(language(request))
        let rows = zones.flatMap { zone in
            (zone.playing.map { [$0] } ?? []).map { (zone.name, $0, true) } + zone.queued.map { (zone.name, $0, false) }
        }.map { zone, item, playing in
            QueueRow(
                id: item.id, title: item.title, zone: zone,
                priority: words[item.priority.rawValue] ?? item.priority.rawValue,
                at: String(localTime.text(item.plannedAt).dropFirst(11).prefix(5)), playing: playing)
        }
        var context: [String: Any] = [
            "onBroadcast": true, "zoneNames": zones.map(\.name), "queue": rows, "emptyQueue": rows.isEmpty,
        ]
        if let queued = RequestInput(request: request).text("queued"), let id = Int64(queued) {
            context["queued"] = "#\(id)"
        }
        return page("broadcast", request, session: session, context.merging(values) { $1 }, status: status)
    }
}
