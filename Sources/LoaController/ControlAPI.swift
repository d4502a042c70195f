import Foundation
import Hummingbird
import LoaSource

/// The HTTP+JSON control API on the commune server (127.0.0.1 by default). `loa` is its client.
///
/// Routes:
/// - `GET /health` — `{"status":"ok"}`
/// - `GET /zones` — the zones and their streams
/// - `GET /zones/ZONE/sdp` — the zone's SDP (`application/sdp`)
/// - `POST /items?zone=ZONE&title=TITLE` — body: a sound file; encodes and queues it → 201 with the item
/// - `GET /items/ID` — one item
/// - `GET /status` — per zone: the item on the air (id, title, position) and the queue
///
/// Every error is a JSON object `{"error": "one line for the broadcaster"}` with a 4xx/5xx status.
struct ControlAPI {
    let programme: Programme
    let pacer: Pacer
    let sessionDescriptions: [String: String]
    let uploadDirectory: URL
    /// The largest clip accepted in one upload.
    static let maximumUploadBytes = 1 << 30

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in ["status": "ok"] }
        router.get("/zones") { _, _ in await programme.zones.map(ZoneView.init) }
        router.get("/zones/:zone/sdp") { _, context -> Response in
            let name = try context.parameters.require("zone")
            guard let text = sessionDescriptions[name] else {
                throw APIError(.notFound, ProgrammeError.unknownZone(name, known: sessionDescriptions.keys.sorted()).message)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/sdp"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/items") { request, context -> EditedResponse<ItemView> in
            try await queue(request, context)
        }
        router.get("/items/:id") { _, context -> ItemView in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let item = try await programme.item(id: id) else { throw APIError(.notFound, "no item \(id)") }
            return ItemView(item, positionMilliseconds: nil)
        }
        router.get("/status") { _, _ in try await status() }
    }

    private func queue(_ request: Request, _ context: BasicRequestContext) async throws -> EditedResponse<ItemView> {
        let zone = request.uri.queryParameters["zone"].map(String.init) ?? "all"
        let title = request.uri.queryParameters["title"].map { String($0).removingPercentEncoding ?? String($0) } ?? "clip"
        guard await programme.zones.contains(where: { $0.name == zone }) else {
            throw APIError(.notFound, ProgrammeError.unknownZone(zone, known: await programme.zones.map(\.name)).message)
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Self.maximumUploadBytes) } catch {
            throw APIError(.contentTooLarge, "the clip is larger than \(Self.maximumUploadBytes >> 20) MiB")
        }
        guard body.readableBytes > 0 else { throw APIError(.badRequest, ClipError.empty.message) }
        let upload = uploadDirectory.appendingPathComponent("upload-\(UUID().uuidString)")
        try Data(buffer: body).write(to: upload)
        defer { try? FileManager.default.removeItem(at: upload) }
        do {
            let item = try await programme.enqueue(path: upload.path, title: title, zoneName: zone)
            return EditedResponse(status: .created, response: ItemView(item, positionMilliseconds: nil))
        } catch let error as ProgrammeError {
            throw APIError(.badRequest, error.message)
        }
    }

    private func status() async throws -> StatusView {
        let snapshot = pacer.snapshot()
        let queued = try await programme.queued()
        var zones: [ZoneStatusView] = []
        for zone in await programme.zones {
            let now = snapshot[zone.name]
            var playing: ItemView?
            if let id = now?.playing, let item = try await programme.item(id: id) {
                playing = ItemView(item, positionMilliseconds: (now?.positionFrames ?? 0) * item.frameMilliseconds)
            }
            let pending = queued.filter { $0.zone == zone.name && $0.id != now?.playing }
            zones.append(
                ZoneStatusView(
                    name: zone.name, playing: playing, queued: pending.map { ItemView($0, positionMilliseconds: nil) },
                    packetsSent: now?.packetsSent ?? 0))
        }
        return StatusView(zones: zones)
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
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
