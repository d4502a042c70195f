import Foundation
import Hummingbird
import LoaControlAPI

/// Thiết bị (`/ui/thiet-bi`): every box as `GET /receivers` shows it (state, zone, last heard in commune time,
/// loss, sync, volume), with approve or reject (a waiting box), move to a zone, rename, remove (the
/// `/receivers/ID/...` paths), volume, mute, unmute and test tone (the `POST /commands` path). Each action needs the
/// role its route needs (`technician` or `admin`) and is audited.
extension Dashboard {
    struct DeviceForm: SessionForm {
        var csrf: String?
        var id: String
        var action: String
        var zone: String?
        var name: String?
        var volume: String?
        var position: String?
    }

    struct DeviceRow {
        var id: String
        var name: String
        var zone: String
        var state: String
        var css: String
        var lastHeard: String
        var loss: String
        var sync: String
        var volume: String
        /// "tốt", or "HỎNG" when the box reports its sound card failing; with the underruns it counted.
        var soundCard: String
        var soundCardCss: String
        var pending: Bool
        var approved: Bool
        var muted: Bool
        /// The zones a box may be moved to, its own marked.
        var zones: [ZoneChoice]
        var volumeValue: Int
        /// "21.02850, 105.85420", or empty when not on the map.
        var position: String
    }

    struct ZoneChoice {
        var name: String
        var selected: Bool
    }

    /// The largest commune map image Thiết bị takes.
    static let mapImageBytes = 4 << 20

    /// The map image's form: its top-left and bottom-right corners as coordinates.
    struct MapForm: SessionForm {
        var csrf: String?
        var topLeft: String
        var bottomRight: String
    }

    func addDeviceRoutes(to router: Router<ControlContext>) {
        router.post("/ui/thiet-bi/ban-do") { request, context -> Response in
            guard let session = try session(request) else {
                throw APIError(.unauthorized, DashboardText.words(language(request))["expired"] ?? "")
            }
            let form: MapForm = try checkedQuery(request, session)
            try permit(session, .moveReceiver, request)
            let words = DashboardText.words(language(request))
            guard let bounds = MapBounds(topLeft: form.topLeft, bottomRight: form.bottomRight) else {
                throw APIError(.badRequest, words["badMapCorners"] ?? "")
            }
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: Self.mapImageBytes) } catch {
                throw APIError(.contentTooLarge, words["mapTooLarge"] ?? "")
            }
            let bytes = Data(buffer: body)
            let type =
                bytes.starts(with: [0x89, 0x50, 0x4E, 0x47])
                ? "image/png" : bytes.starts(with: [0xFF, 0xD8, 0xFF]) ? "image/jpeg" : nil
            guard let type else { throw APIError(.badRequest, words["mapNotImage"] ?? "") }
            do { try fleet.store.setMapImage(bytes, type: type, bounds: bounds, at: programme.clock.now()) } catch {
                throw APIError(.internalServerError, "cannot save the map image: \(error)")
            }
            auditLog.record(
                actor: .account(session.account.name), action: .boxMoved,
                target: "/ui/thiet-bi map image \(form.topLeft) to \(form.bottomRight)", from: context.callerAddress,
                result: .accepted)
            return Response(
                status: .created, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "/ui/thiet-bi")))
        }
        router.get("/ui/ban-do") { request, _ -> Response in
            guard try session(request) != nil else { return Self.redirect("/ui/login") }
            guard let (image, type) = try fleet.store.mapImage() else { throw APIError(.notFound, "no map image") }
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(data: image)))
        }
        router.get("/ui/thiet-bi") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            return devicesPage(request, session, [:])
        }
        router.post("/ui/thiet-bi") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: DeviceForm = try await checkedForm(request, session)
            do {
                let route = Self.deviceRoutes[form.action] ?? .command
                try permit(session, route, request)
                let record = try fleetAPI.find(form.id)
                switch form.action {
                case "approve": _ = try await fleetAPI.approve(record, name: nil, zone: nil)
                case "reject": _ = try fleetAPI.reject(record)
                case "move": _ = try await fleetAPI.move(record, to: form.zone ?? "")
                case "rename":
                    _ = try fleetAPI.rename(record, to: (form.name ?? "").trimmingCharacters(in: .whitespaces))
                case "remove": _ = try fleetAPI.remove(record)
                case "place":
                    let text = (form.position ?? "").trimmingCharacters(in: .whitespaces)
                    guard text.isEmpty || Position(text) != nil else {
                        throw APIError(.badRequest, DashboardText.words(language(request))["badPosition"] ?? "")
                    }
                    try fleetAPI.place(record, at: Position(text))
                case "volume":
                    guard let value = form.volume.flatMap({ Int($0) }), (0...100).contains(value) else {
                        throw APIError(.badRequest, DashboardText.words(language(request))["badVolume"] ?? "")
                    }
                    _ = try await fleetAPI.send(.volume(UInt8(value)), kind: .volume, to: [record])
                case "mute": _ = try await fleetAPI.send(.mute, kind: .mute, to: [record])
                case "unmute": _ = try await fleetAPI.send(.unmute, kind: .unmute, to: [record])
                case "test-tone": _ = try await fleetAPI.send(.testTone, kind: .testTone, to: [record])
                default: throw APIError(.badRequest, "unknown action '\(form.action.prefix(40))'")
                }
                auditLog.record(
                    actor: .account(session.account.name), action: AuditTrail.actions[route] ?? .boxCommand,
                    target: "/ui/thiet-bi \(form.action) \(record.id.text)"
                        + (form.action == "move" ? " to \(form.zone ?? "")" : "")
                        + (form.action == "place" ? " at \(form.position ?? "")" : ""), from: context.callerAddress,
                    result: .accepted)
                return Self.redirect("/ui/thiet-bi")
            } catch let error as APIError {
                return devicesPage(request, session, ["error": error.message], status: error.status)
            }
        }
    }

    /// The route whose role each action needs.
    static let deviceRoutes: [String: Route] = [
        "approve": .approveReceiver, "reject": .rejectReceiver, "move": .moveReceiver, "rename": .renameReceiver,
        "remove": .removeReceiver, "place": .moveReceiver,
    ]

    private func devicesPage(
        _ request: Request, _ session: Session, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) -> Response {
        let words = DashboardText.words(language(request))
        let localTime = programme.localTime
        let positions = (try? fleet.store.positions()) ?? [:]
        let rows = fleet.registry.all().map { record in
            let view = ReceiverView(record, groups: fleet.registry.groups)
            return DeviceRow(
                id: view.id, name: view.name, zone: view.zone ?? "-",
                state: words[view.state.rawValue] ?? view.state.rawValue,
                css: view.state == .offline ? "down" : view.state == .online ? "ok" : "other",
                lastHeard: record.lastSeen.map { String(localTime.text($0).dropFirst(11)) } ?? "-",
                loss: String(format: "%.1f %%", view.lossPercent),
                sync: view.syncMs.map { String(format: "±%.1f ms", $0) } ?? "-",
                volume: view.volume.map { "\($0) %" } ?? "-",
                soundCard: record.lastSeen == nil
                    ? "-"
                    : (view.soundCardFailing ? words["cardFailing"] ?? "" : words["cardGood"] ?? "")
                        + " · \(view.underruns) \(words["underruns"] ?? "")",
                soundCardCss: view.soundCardFailing ? "down" : "", pending: view.state == .pending,
                approved: record.approved,
                muted: view.muted,
                zones: fleet.zones.map { ZoneChoice(name: $0, selected: $0 == record.zone) },
                volumeValue: view.volume ?? 100, position: positions[view.id]?.text ?? "")
        }
        let placed = rows.compactMap { row in positions[row.id].map { (row.id, row.name, row.css, $0) } }
        let image = try? fleet.store.mapBounds()
        let map =
            image.map { BoxMap(placed, over: $0.bounds, width: 640, height: 360) }
            ?? BoxMap(placed, width: 640, height: 360)
        let context: [String: Any] = [
            "onDevices": true, "devices": rows, "noDevices": rows.isEmpty,
            "pins": map.pins.map { pin in
                [
                    "id": pin.id, "name": pin.name, "css": pin.css, "x": String(format: "%.1f", pin.x),
                    "y": String(format: "%.1f", pin.y), "labelY": String(format: "%.1f", pin.y - 12),
                ]
            }, "hasMap": !map.pins.isEmpty || image != nil, "hasImage": image != nil,
            "imageVersion": image?.savedAt ?? 0, "mapMaxBytes": Self.mapImageBytes,
            "scale": map.metresAcross >= 1000
                ? String(format: "%.1f km", map.metresAcross / 1000) : String(format: "%.0f m", map.metresAcross),
        ]
        return page("devices", request, session: session, context.merging(values) { $1 }, status: status)
    }
}
