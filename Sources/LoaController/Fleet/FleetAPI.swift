import Foundation
import Hummingbird
import LoaCrypto
import LoaWire

/// The fleet's routes in the control API:
///
/// - `GET /receivers` — every receiver (`ReceiverView`), ordered by zone and name
/// - `GET /receivers/ID` — one receiver (id, unique id prefix, or name) with its last heartbeat and history
/// - `POST /receivers/ID/approve?name=N&zone=Z` — admits a pending receiver (or renames / moves one); with a zone,
///   sends the box the zone's group and answers once it acknowledged or the retries ran out (`PlacementView`);
///   a box whose heartbeats do not report a group is not sent one
/// - `POST /receivers/ID/move?zone=Z` — registers an approved receiver in zone Z and sends it the zone's group,
///   answering as approve does
/// - `POST /receivers/ID/rename?name=N` — names must be unique (409 otherwise)
/// - `POST /receivers/ID/reject` — refuses a pending receiver: never welcomed, no further alerts
/// - `DELETE /receivers/ID` — forgets a receiver: its next heartbeats are from an unknown one
/// - `POST /receivers/approve-pending?zone=Z` — admits every pending receiver (provisioning in bulk); with a zone,
///   sends them its group and counts those that acknowledged (`joined`)
/// - `GET /fleet/zones` — per zone: its group and its boxes (online / approved), and zones that boxes are
///   registered in but the configuration no longer has
/// - `POST /commands?action=A[&value=V](&receiver=ID|&zone=Z)` — `volume` (value 0–100), `mute`, `unmute`,
///   `test-tone`, `refresh`; answers once every receiver has acknowledged or the retries ran out
/// - `GET /alerts?after=N` — alerts raised, oldest first
/// - `GET /fleet` — where heartbeats go and the controller's public key
/// - `GET /metrics` — Prometheus text format
struct FleetAPI {
    let fleet: Fleet

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/receivers") { _, _ in fleet.registry.all().map { ReceiverView($0, groups: fleet.registry.groups) }
        }
        router.post("/receivers/approve-pending") { request, _ -> [String: Int] in
            let zone = try zoneParameter(request)
            let approved = fleet.registry.all().filter { $0.state == .pending }.compactMap {
                try? fleet.registry.approve($0.id, name: nil, zone: zone)
            }
            let reporting = approved.filter { $0.heartbeat?.group != nil }
            guard let zone, let group = fleet.registry.groups[zone], !reporting.isEmpty else {
                return ["approved": approved.count]
            }
            let sent = try await send(
                .zone(ZoneAssignment(zone: zone, group: group)), named: "zone", to: reporting)
            return ["approved": approved.count, "joined": sent.count { $0.result == CommandOutcome.acknowledged.text }]
        }
        router.get("/receivers/:id") { _, context -> ReceiverDetailView in
            let record = try find(try context.parameters.require("id"))
            let history = try fleet.store.history(of: record.id.text, limit: 50).map {
                HistoryView(at: isoTime($0.at), state: $0.state, detail: $0.detail)
            }
            return ReceiverDetailView(
                receiver: ReceiverView(record, groups: fleet.registry.groups),
                heartbeat: record.heartbeat.map(HeartbeatView.init), history: history)
        }
        router.post("/receivers/:id/approve") { request, context -> PlacementView in
            let record = try find(try context.parameters.require("id"))
            let name = try nameParameter(request, required: false)
            // Without --zone, a new receiver goes to the zone it says it plays, if the controller has that zone.
            let zone =
                try zoneParameter(request)
                ?? (record.zone == nil ? record.heartbeat?.zones.first(where: fleet.zones.contains) : nil)
            let approved = try refusing { () throws(ReceiverLookupError) in
                try fleet.registry.approve(record.id, name: name, zone: zone)
            }
            return try await place(approved, in: zone)
        }
        router.post("/receivers/:id/move") { request, context -> PlacementView in
            let record = try find(try context.parameters.require("id"))
            guard let zone = try zoneParameter(request) else {
                throw APIError(.badRequest, "say which zone (zone=NAME); 'loa zones' lists them")
            }
            guard record.approved else {
                throw APIError(
                    .conflict,
                    "receiver \(record.name) is \(record.state.rawValue); admit it into the zone with 'loa receivers approve \(record.name) --zone \(zone)'"
                )
            }
            let moved = try refusing { () throws(ReceiverLookupError) in
                try fleet.registry.update(record.id, name: nil, zone: zone)
            }
            return try await place(moved, in: zone)
        }
        router.post("/receivers/:id/rename") { request, context -> ReceiverView in
            let record = try find(try context.parameters.require("id"))
            let name = try nameParameter(request, required: true)
            let renamed = try refusing { () throws(ReceiverLookupError) in
                try fleet.registry.update(record.id, name: name, zone: nil)
            }
            return ReceiverView(renamed, groups: fleet.registry.groups)
        }
        router.post("/receivers/:id/reject") { _, context -> ReceiverView in
            let record = try find(try context.parameters.require("id"))
            guard let rejected = fleet.registry.reject(record.id) else {
                throw APIError(
                    .conflict,
                    "receiver \(record.name) is \(record.state.rawValue), not pending; 'loa receivers remove \(record.name)' forgets it"
                )
            }
            return ReceiverView(rejected, groups: fleet.registry.groups)
        }
        router.delete("/receivers/:id") { _, context -> ReceiverView in
            let record = try find(try context.parameters.require("id"))
            guard fleet.registry.remove(record.id) else { throw APIError(.notFound, "no receiver \(record.id.text)") }
            return ReceiverView(record, groups: fleet.registry.groups)
        }
        router.get("/fleet/zones") { _, _ -> [ZoneFleetView] in
            let counts = fleet.registry.zoneCounts()
            var views = fleet.zones.map { name in
                ZoneFleetView(
                    name: name, group: fleet.registry.groups[name]?.text, online: counts[name]?.online ?? 0,
                    receivers: counts[name]?.approved ?? 0)
            }
            for (name, count) in counts.sorted(by: { $0.key < $1.key }) where !fleet.zones.contains(name) {
                views.append(ZoneFleetView(name: name, group: nil, online: count.online, receivers: count.approved))
            }
            return views
        }
        router.post("/commands") { request, _ -> [CommandView] in try await command(request) }
        router.get("/alerts") { request, _ -> [AlertView] in
            let after = request.uri.queryParameters["after"].flatMap { Int64(String($0)) } ?? 0
            return try fleet.store.alerts(after: after, limit: 10_000).map {
                AlertView(
                    id: $0.id, kind: $0.alert.state, receiver: $0.alert.receiver, at: isoTime($0.alert.at),
                    detail: $0.alert.detail)
            }
        }
        router.get("/fleet") { _, _ -> [String: String] in
            [
                "heartbeats": fleet.heartbeatAddress.map { "udp://" + $0.text } ?? "",
                "controllerKey": KeyText.base64(fleet.registry.controllerKeys.publicKey),
            ]
        }
        router.get("/metrics") { _, _ -> Response in
            let text = fleet.metrics.exposition(states: fleet.registry.counts())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    private func find(_ text: String) throws -> ReceiverRecord {
        try refusing { () throws(ReceiverLookupError) in try fleet.registry.lookUp(text) }
    }

    /// Runs `body`, turning a refused look-up or name into the API's error with its status.
    private func refusing<T>(_ body: () throws(ReceiverLookupError) -> T) throws -> T {
        do throws(ReceiverLookupError) { return try body() } catch {
            switch error {
            case .unknown: throw APIError(.notFound, error.message)
            case .ambiguous: throw APIError(.badRequest, error.message)
            case .nameTaken: throw APIError(.conflict, error.message)
            }
        }
    }

    /// The `name` parameter: 1 to 64 characters.
    private func nameParameter(_ request: Request, required: Bool) throws -> String? {
        guard let raw = request.uri.queryParameters["name"] else {
            if required { throw APIError(.badRequest, "say the new name (name=NAME)") }
            return nil
        }
        let name = String(raw).removingPercentEncoding ?? String(raw)
        guard !name.isEmpty, name.count <= 64 else { throw APIError(.badRequest, "a name must be 1 to 64 characters") }
        return name
    }

    /// Sends an approved `record` the group of `zone` (if any) and waits for its acknowledgement. A box whose
    /// heartbeats do not say which group it is on (a simulated one) is not sent any.
    private func place(_ record: ReceiverRecord, in zone: String?) async throws -> PlacementView {
        let receiver = ReceiverView(record, groups: fleet.registry.groups)
        guard record.approved, record.heartbeat?.group != nil, let zone, let group = fleet.registry.groups[zone]
        else {
            return PlacementView(receiver: receiver, zoneCommand: nil)
        }
        let assignment = ReceiverAction.zone(ZoneAssignment(zone: zone, group: group))
        let sent = try await send(assignment, named: "zone", to: [record])
        return PlacementView(receiver: receiver, zoneCommand: sent.first)
    }

    private func zoneParameter(_ request: Request) throws -> String? {
        guard let zone = request.uri.queryParameters["zone"].map(String.init) else { return nil }
        guard fleet.zones.contains(zone) else {
            throw APIError(.badRequest, "unknown zone '\(zone)' (known: \(fleet.zones.joined(separator: ", ")))")
        }
        return zone
    }

    private func command(_ request: Request) async throws -> [CommandView] {
        let parameters = request.uri.queryParameters
        let actionName = parameters["action"].map(String.init) ?? ""
        let action: ReceiverAction
        switch actionName {
        case "volume":
            guard let value = parameters["value"].flatMap({ Int(String($0)) }), (0...100).contains(value) else {
                throw APIError(.badRequest, "the volume must be a whole percent from 0 to 100")
            }
            action = .volume(UInt8(value))
        case "mute": action = .mute
        case "unmute": action = .unmute
        case "test-tone": action = .testTone
        case "refresh": action = .refresh
        default:
            throw APIError(.badRequest, "unknown action '\(actionName)' (volume, mute, unmute, test-tone, refresh)")
        }
        let targets: [ReceiverRecord]
        if let receiver = parameters["receiver"].map(String.init) {
            targets = [try find(receiver)]
        } else if let zone = try zoneParameter(request) {
            targets = fleet.registry.all().filter { $0.approved && $0.zone == zone }
            guard !targets.isEmpty else { throw APIError(.notFound, "no approved receiver in zone '\(zone)'") }
        } else {
            throw APIError(.badRequest, "say which receiver (receiver=ID) or zone (zone=NAME)")
        }
        return try await send(action, named: actionName, to: targets)
    }

    /// Sends `action` to each of `targets` (all approved, or nothing is sent) and waits for every outcome.
    private func send(_ action: ReceiverAction, named actionName: String, to targets: [ReceiverRecord]) async throws
        -> [CommandView]
    {
        guard fleet.heartbeatAddress != nil else {
            throw APIError(.serviceUnavailable, "the heartbeat listener is not running yet")
        }
        var submitted: [(UInt32, ReceiverRecord)] = []
        for target in targets {
            guard target.approved else {
                throw APIError(
                    .conflict, "receiver \(target.id.text) is pending; approve it first with 'loa receivers approve'")
            }
            let id = try fleet.store.insertCommand(receiver: target.id.text, action: actionName, at: wallMilliseconds())
            fleet.commands.submit(ReceiverCommand(id: id, receiver: target.id, action: action))
            submitted.append((id, target))
        }
        var views: [CommandView] = []
        for (id, target) in submitted {
            let outcome = await fleet.commands.outcome(of: id)
            views.append(
                CommandView(
                    id: Int64(id), receiver: target.id.text, name: target.name, action: actionName, result: outcome.text
                ))
        }
        return views
    }
}

/// One receiver in `GET /receivers`.
package struct ReceiverView: ResponseEncodable, Sendable {
    var id: String
    var name: String
    var zone: String?
    var state: String
    var lastSeen: String?
    var address: String?
    var version: String?
    var lossPercent: Double
    var underruns: Int
    var volume: Int?
    var muted: Bool
    var playing: Bool
    /// Its last heartbeat says the sound card cannot be opened or fails while playing: alive, but not heard.
    package var soundCardFailing: Bool
    var temperatureC: Double?
    var uptimeSeconds: Int?
    /// "wrong-zone" (its heartbeats report another group than its zone's) or "zone-gone" (its zone is no longer
    /// configured); absent when it plays its zone.
    package var zoneProblem: String?
    /// The group its last heartbeat reported.
    var group: String?

    /// `groups` (each configured zone's group) shows a box whose zone is gone even before it is heard from.
    package init(_ record: ReceiverRecord, groups: [String: StreamGroup]? = nil) {
        id = record.id.text
        name = record.name
        zone = record.zone
        state = record.state.rawValue
        lastSeen = record.lastSeen.map(isoTime)
        address = record.address?.text
        version = record.heartbeat?.version
        lossPercent = (record.lossPercent * 100).rounded() / 100
        underruns = Int(record.heartbeat?.underruns ?? 0)
        volume = record.heartbeat.map { Int($0.volume) }
        muted = record.heartbeat?.muted ?? false
        playing = record.heartbeat?.playing ?? false
        soundCardFailing = record.soundCardFailing
        temperatureC = record.heartbeat?.temperatureMilliCelsius.map { Double($0) / 1000 }
        uptimeSeconds = record.heartbeat.map { Int($0.uptimeSeconds) }
        group = record.heartbeat?.group?.text
        let gone = record.approved && record.zone.map { zone in groups.map { $0[zone] == nil } ?? false } ?? false
        zoneProblem = gone ? Alert.Kind.zoneGone.rawValue : record.machine.zoneAlerting?.rawValue
    }
}

extension HeartbeatView: ResponseEncodable {}

struct HistoryView: Codable, Sendable {
    var at: String
    var state: String
    var detail: String
}

struct ReceiverDetailView: ResponseEncodable, Sendable {
    var receiver: ReceiverView
    var heartbeat: HeartbeatView?
    var history: [HistoryView]
}

struct CommandView: ResponseEncodable, Sendable {
    var id: Int64
    var receiver: String
    var name: String
    var action: String
    /// "acknowledged" or "failed: why".
    var result: String
}

/// The answer to approve and move: the receiver, and how the command sending it its zone's group ended (absent
/// when no zone was sent).
struct PlacementView: ResponseEncodable, Sendable {
    var receiver: ReceiverView
    var zoneCommand: CommandView?
}

/// One zone in `GET /fleet/zones`: its group (absent for a zone no longer configured) and its boxes.
struct ZoneFleetView: ResponseEncodable, Sendable {
    var name: String
    var group: String?
    /// Approved boxes in it that are online or muted.
    var online: Int
    /// Approved boxes registered in it.
    var receivers: Int
}

struct AlertView: ResponseEncodable, Sendable {
    var id: Int64
    var kind: String
    var receiver: String
    var at: String
    var detail: String
}
