import Foundation
import Hummingbird
import LoaSchedule
import LoaSource

/// The HTTP+JSON control API on the commune server (127.0.0.1 by default). `loa` is its client.
///
/// Routes (errors are `{"error": "one line for the broadcaster"}` with a 4xx/5xx status):
/// - `GET /health` — `{"status": "ok", "timeZone": "Asia/Ho_Chi_Minh"}` (the configured `timezone:`)
/// - `GET /zones`, `GET /zones/ZONE/sdp`
/// - `POST /clips?title=T` — body: a sound file; encoded once and stored → the clip
/// - `POST /items?zones=A,B&title=T&priority=P&now=1&onInterrupt=resume|restart[&clip=ID]` — body: a sound
///   file (unless `clip` names a stored one); queued → 201 with the item
/// - `GET /items/ID`, `DELETE /items/ID` (cancel: removes it, or stops it where it plays)
/// - `GET /status` — per zone: the item on the air (with position) and the queue in play order
/// - `POST /schedule` — body: JSON list of slots; replaces the schedule, all or nothing
/// - `GET /schedule/timetable?from=YYYY-MM-DD&days=N`
/// - `GET /log?since=UNIX_MS[&zone=Z]`, `GET /report?month=YYYY-MM`
struct ControlAPI {
    let programme: Programme
    let pacer: Pacer?
    let sessionDescriptions: [String: String]
    let uploadDirectory: URL
    /// The largest clip accepted in one upload.
    static let maximumUploadBytes = 1 << 30

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in HealthView(timeZone: programme.localTime.timeZone.identifier) }
        router.get("/zones") { _, _ in programme.zones.map(ZoneView.init) }
        router.get("/zones/:zone/sdp") { _, context -> Response in
            let name = try context.parameters.require("zone")
            guard let text = sessionDescriptions[name] else {
                throw APIError(
                    .notFound, ProgrammeError.unknownZone(name, known: sessionDescriptions.keys.sorted()).message)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/sdp"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/clips") { request, context -> EditedResponse<ClipView> in
            let clip = try await storeUpload(
                request, title: request.uri.queryParameters["title"].map(String.init) ?? "clip")
            return EditedResponse(
                status: .created,
                response: ClipView(id: clip.id, title: clip.title, durationMs: clip.durationMilliseconds))
        }
        router.post("/items") { request, context -> EditedResponse<ItemView> in try await queue(request) }
        router.get("/items/:id") { _, context -> ItemView in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let (item, airings) = try await programme.item(id) else {
                throw APIError(.notFound, ProgrammeError.unknownItem(id).message)
            }
            return ItemView(item, airings: airings)
        }
        router.delete("/items/:id") { _, context -> ItemView in
            let id = try context.parameters.require("id", as: Int64.self)
            let item = try await refusing { try await programme.cancel(id) }
            return ItemView(item, airings: try await programme.item(id)?.1 ?? [])
        }
        router.get("/status") { _, _ in
            StatusView(zones: try await programme.status(packetsSent: { pacer?.packetsSent(zone: $0) ?? 0 }))
        }
        router.post("/schedule") { request, context -> [String: Int] in
            let slots = try await request.decode(as: [SlotInput].self, context: context)
            try await refusing { try await programme.applySchedule(slots) }
            return ["slots": slots.count]
        }
        router.get("/schedule/timetable") { request, _ -> [TimetableEntry] in
            let query = request.uri.queryParameters
            let from =
                query["from"].flatMap { LocalDate(String($0)) }
                ?? programme.localTime.date(programme.clock.now())
            let days = query["days"].flatMap { Int(String($0)) } ?? 1
            return try await programme.timetable(from: from, days: days)
        }
        router.get("/log") { request, _ -> [PlayLogEntry] in
            let query = request.uri.queryParameters
            let since = query["since"].flatMap { Int64(String($0)) } ?? 0
            return try await programme.log(since: since, zone: query["zone"].map(String.init))
        }
        router.get("/report") { request, _ -> [ReportRow] in
            let text = request.uri.queryParameters["month"].map(String.init) ?? ""
            let parts = text.split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else {
                throw APIError(.badRequest, "month '\(text)' must be YYYY-MM, such as 2026-11")
            }
            return try await programme.report(year: year, month: month)
        }
    }

    private func queue(_ request: Request) async throws -> EditedResponse<ItemView> {
        let query = request.uri.queryParameters
        let zoneText = query["zones"].map(String.init) ?? query["zone"].map(String.init) ?? "all"
        let zones = zoneText.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let priorityText = query["priority"].map(String.init) ?? "normal"
        guard let priority = Priority(rawValue: priorityText) else {
            throw APIError(.badRequest, "priority '\(priorityText)' must be normal, priority or emergency")
        }
        let policyText = query["onInterrupt"].map(String.init) ?? "resume"
        guard let policy = InterruptPolicy(rawValue: policyText) else {
            throw APIError(.badRequest, "on-interrupt '\(policyText)' must be resume or restart")
        }
        let immediate = query["now"].map { $0 == "1" || $0 == "true" } ?? false
        _ = try await refusing { try await programme.resolveZones(zones) }
        let title = query["title"].map(String.init) ?? "clip"
        let clip: ClipRecord
        if let clipText = query["clip"] {
            guard let id = Int64(String(clipText)), let stored = try await programme.storedClip(id) else {
                throw APIError(.notFound, "no stored clip \(clipText)")
            }
            clip = stored
        } else {
            clip = try await storeUpload(request, title: title)
        }
        let item = try await refusing {
            try await programme.queue(
                clip: clip, title: title, zones: zones, priority: priority, immediate: immediate, onInterrupt: policy)
        }
        return EditedResponse(
            status: .created, response: ItemView(item, airings: try await programme.item(item.id)?.1 ?? []))
    }

    /// Saves the request body to a temporary file and has the programme encode and store it.
    private func storeUpload(_ request: Request, title: String) async throws -> ClipRecord {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Self.maximumUploadBytes) } catch {
            throw APIError(.contentTooLarge, "the clip is larger than \(Self.maximumUploadBytes >> 20) MiB")
        }
        guard body.readableBytes > 0 else { throw APIError(.badRequest, ClipError.empty.message) }
        let upload = uploadDirectory.appendingPathComponent("upload-\(UUID().uuidString)")
        try Data(buffer: body).write(to: upload)
        defer { try? FileManager.default.removeItem(at: upload) }
        return try await refusing { try await programme.storeClip(path: upload.path, title: title) }
    }

    /// Runs `body`, answering a `ProgrammeError` as 400/404 with its message.
    private func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ProgrammeError {
            switch error {
            case .unknownZone, .unknownItem, .unknownClip: throw APIError(.notFound, error.message)
            case .storage: throw APIError(.internalServerError, error.message)
            default: throw APIError(.badRequest, error.message)
            }
        }
    }
}

/// An error answered as `{"error": "…"}`.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(["error": message])
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data))
        )
    }
}
