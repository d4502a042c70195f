import Foundation
import Hummingbird
import LoaControlAPI

/// Phát thanh (`/ui/phat-thanh`): a text read aloud (the `POST /say` path) or a sound file uploaded (the
/// `POST /clips` and `POST /items` paths: streamed to disk, size-checked, decoded and encoded once) to chosen zones
/// at a priority, in turn, now, or at a time in commune time and repeated (`BroadcastTimes`); the queue with
/// expected air times (commune time); cancel (the `DELETE /items/ID` path). Needs the role those routes need
/// (`Route.requiredRole`); emergencies stay with signed commands.
///
/// The file goes as the body of `POST /ui/phat-thanh/tep?FIELDS` (sent by `/ui/app.js`, which shows its
/// progress), the form's fields and token in the query: a form upload would need the whole file in memory first.
extension Dashboard {
    /// The fields of both forms (the text form's body, the file form's query).
    struct BroadcastForm: SessionForm {
        var csrf: String?
        var text: String?
        /// A clip of the library, by name, instead of a text.
        var library: String?
        var title: String?
        var zones: [String]?
        var priority: String?
        var now: String?
        var at: String?
        var repeats: String?
        var every: String?
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

        init(_ zone: String, _ item: ZoneItem, at: String, playing: Bool, _ words: [String: String]) {
            (id, title, self.zone, self.at, self.playing) = (item.id, item.title, zone, at, playing)
            priority = words[item.priority.rawValue] ?? item.priority.rawValue
        }
    }

    func addBroadcastRoutes(to router: Router<ControlContext>) {
        router.get("/ui/phat-thanh") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            return try await broadcastPage(request, session, [:])
        }
        router.post("/ui/phat-thanh") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: BroadcastForm = try await checkedForm(request, session)
            do {
                let words = DashboardText.words(language(request))
                if let name = form.library, !name.isEmpty {
                    guard
                        let named = try await refusing({ try await programme.library() }).first(where: {
                            $0.name == name
                        })
                    else { throw APIError(.notFound, (words["unknownLibraryClip"] ?? "") + " '\(name.prefix(64))'") }
                    let ids = try await broadcast(
                        form, request, session, route: .queueItem, from: context.callerAddress
                    ) {
                        _ in named.clip
                    }
                    return Self.redirect("/ui/phat-thanh?queued=" + ids)
                }
                let text = (form.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty, text.utf8.count <= Limits.speechBytes else {
                    throw APIError(.badRequest, words["noText"] ?? "")
                }
                let ids = try await broadcast(form, request, session, route: .say, from: context.callerAddress) {
                    title in
                    try await refusing {
                        try await programme.storeSpeech(text, title: title ?? Programme.title(reading: text))
                    }
                }
                return Self.redirect("/ui/phat-thanh?queued=" + ids)
            } catch let error as APIError {
                return try await broadcastPage(request, session, ["error": error.message], status: error.status)
            }
        }
        router.post("/ui/phat-thanh/tep") { request, context -> Response in
            guard let session = try session(request) else {
                throw APIError(.unauthorized, DashboardText.words(language(request))["expired"] ?? "")
            }
            let form: BroadcastForm = try checkedQuery(request, session)
            let ids = try await broadcast(form, request, session, route: .queueItem, from: context.callerAddress) {
                title in try await programmeAPI.storeUpload(request, title: title ?? "clip")
            }
            return Response(
                status: .created, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "/ui/phat-thanh?queued=" + ids)))
        }
        router.post("/ui/phat-thanh/duyet") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: CancelForm = try await checkedForm(request, session)
            do {
                try permit(session, .releaseItem, request)
                _ = try await refusing { try await programme.release(form.id, by: session.account.name) }
                auditLog.record(
                    actor: .account(session.account.name), action: .itemReleased,
                    target: "/ui/phat-thanh item \(form.id)", from: context.callerAddress, result: .accepted)
                return Self.redirect("/ui/phat-thanh")
            } catch let error as APIError {
                return try await broadcastPage(request, session, ["error": error.message], status: error.status)
            }
        }
        router.post("/ui/phat-thanh/huy") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: CancelForm = try await checkedForm(request, session)
            do {
                try permit(session, .cancelItem, request)
                _ = try await Caller.$account.withValue(session.account) {
                    try await programmeAPI.cancel(form.id, from: context.callerAddress)
                }
                auditLog.record(
                    actor: .account(session.account.name), action: .itemCancelled,
                    target: "/ui/phat-thanh item \(form.id)", from: context.callerAddress, result: .accepted)
                return Self.redirect("/ui/phat-thanh")
            } catch let error as APIError {
                return try await broadcastPage(request, session, ["error": error.message], status: error.status)
            }
        }
    }

    /// Checks the form's choices, stores the clip `store` makes (given the title typed, if any) and queues it once
    /// per airing time; audited as `route`. Answers the queued ids, comma-separated.
    private func broadcast(
        _ form: BroadcastForm, _ request: Request, _ session: Session, route: Route, from address: String,
        store: (String?) async throws -> ClipRecord
    ) async throws -> String {
        let words = DashboardText.words(language(request))
        try permit(session, route, request)
        let priority = Priority(rawValue: form.priority ?? "") ?? .normal
        guard priority != .emergency else { throw APIError(.forbidden, EmergencyRequest.startNeedsCommand) }
        let times: [Int64?]
        do {
            times = try BroadcastTimes.instants(
                at: form.at, repeats: form.repeats, every: form.every, localTime: programme.localTime,
                now: programme.clock.now())
        } catch { throw APIError(.badRequest, words[error.rawValue] ?? "") }
        let zones = (form.zones ?? []).isEmpty ? ["all"] : form.zones ?? []
        _ = try await refusing { try await programme.resolveZones(zones) }
        let typed = form.title.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let title = typed.map { String($0.prefix(Limits.titleCharacters.upperBound)) }
        let ids = try await Caller.$account.withValue(session.account) {
            let clip = try await store(title)
            var ids: [Int64] = []
            for time in times {
                let options = QueueOptions(
                    zones: zones, priority: priority, onInterrupt: .resume, immediate: form.now == "1" && time == nil,
                    plannedAt: time)
                let queued = try await programmeAPI.queue(clip, title: title ?? clip.title, options)
                ids.append(queued.responseGenerator.id)
            }
            return ids
        }
        auditLog.record(
            actor: .account(session.account.name), action: .itemQueued,
            target: "/ui/phat-thanh item \(ids.map(String.init).joined(separator: ","))", from: address,
            result: .accepted)
        return ids.map(String.init).joined(separator: ",")
    }

    /// Refuses (403, one line) an account whose role may not call `route`.
    func permit(_ session: Session, _ route: Route, _ request: Request) throws {
        if let required = route.requiredRole, !session.account.role.satisfies(required) {
            throw APIError(.forbidden, (DashboardText.words(language(request))["needsRole"] ?? "") + required.rawValue)
        }
    }

    private func broadcastPage(
        _ request: Request, _ session: Session, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let localTime = programme.localTime
        let zones = try await refusing { try await programme.status() }
        let words = DashboardText.words(language(request))
        let now = programme.clock.now()
        /// "04/12 17:02" in commune time.
        func shown(_ wall: Int64) -> String {
            let text = Array(localTime.text(wall))
            return String(text[8..<10]) + "/" + String(text[5..<7]) + " " + String(text[11..<16])
        }
        let rows = zones.flatMap { zone in
            (zone.playing.map { [QueueRow(zone.name, $0, at: words["nowPlaying"] ?? "", playing: true, words)] } ?? [])
                + zone.queued.indices.map { index in
                    QueueRow(
                        zone.name, zone.queued[index], at: shown(zone.expectedStart(ofQueued: index, now: now)),
                        playing: false, words)
                }
        }
        let held = try await refusing { try await programme.heldItems() }.map { item in
            [
                "id": item.id, "title": item.title, "zones": item.zones.joined(separator: ", "),
                "by": item.heldBy ?? "", "at": shown(max(item.plannedAt, now)),
            ] as [String: Any]
        }
        var context: [String: Any] = [
            "held": held, "hasHeld": !held.isEmpty,
            "mayRelease": session.account.role.satisfies(Route.releaseItem.requiredRole ?? .admin),
            "onBroadcast": true, "zoneNames": zones.map(\.name), "queue": rows, "emptyQueue": rows.isEmpty,
            "maxBytes": uploadBytes, "maxMiB": uploadBytes >> 20,
            "library": try await refusing { try await programme.library() }.map {
                ["name": $0.name, "title": $0.clip.title]
            },
        ]
        if let queued = RequestInput(request: request).text("queued") {
            let ids = queued.split(separator: ",").prefix(BroadcastTimes.maximumRepeats).compactMap { Int64($0) }
            context["queued"] = ids.map { "#\($0)" }.joined(separator: " ")
        }
        return page("broadcast", request, session: session, context.merging(values) { $1 }, status: status)
    }
}
