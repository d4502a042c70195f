import Foundation
import Hummingbird
import LoaControlAPI
import LoaCrypto
import LoaWire

/// The fleet's routes in the control API:
///
/// - `GET /receivers` — every receiver (`ReceiverView`), ordered by zone and name
/// - `GET /receivers/ID` — one receiver (id, unique id prefix, or name) with its last heartbeat and history
/// - `POST /receivers/ID/approve?name=N&zone=Z` — admits a pending receiver (or renames / moves one)
/// - `POST /receivers/approve-pending?zone=Z` — admits every pending receiver (provisioning in bulk)
/// - `POST /commands?action=A[&value=V](&receiver=ID|&zone=Z)` — `volume` (value 0–100), `mute`, `unmute`,
///   `test-tone`, `refresh`; answers once every receiver has acknowledged or the retries ran out
/// - `GET /alerts?after=N` — alerts raised, oldest first
/// - `GET /fleet` — where heartbeats go and the controller's public key
/// - `GET /metrics` — Prometheus text format
struct FleetAPI {
    let fleet: Fleet

    func addRoutes(to router: Router<ControlContext>) {
        router.on(Route.receivers) { _, _ in fleet.registry.all().map(ReceiverView.init) }
        router.on(Route.approvePending) { request, _ -> ApprovedCount in
            let zone = try zoneParameter(request)
            var count = 0
            for record in fleet.registry.all() where !record.approved {
                if fleet.registry.approve(record.id, name: nil, zone: zone) != nil { count += 1 }
            }
            return ApprovedCount(approved: count)
        }
        router.on(Route.receiver) { _, context -> ReceiverDetailView in
            let record = try find(try context.parameters.require("id"))
            let history = try fleet.store.history(of: record.id.text, limit: 50).map {
                HistoryView(at: isoTime($0.at), state: $0.state, detail: $0.detail)
            }
            return ReceiverDetailView(
                receiver: ReceiverView(record), heartbeat: record.heartbeat.map(HeartbeatView.init), history: history)
        }
        router.on(Route.approveReceiver) { request, context -> ReceiverView in
            let record = try find(try context.parameters.require("id"))
            let name = request.uri.queryParameters[Substring(Query.name)].map {
                String($0).removingPercentEncoding ?? String($0)
            }
            if let name, !Limits.nameCharacters.contains(name.count) {
                throw APIError(.badRequest, "a name must be 1 to \(Limits.nameCharacters.upperBound) characters")
            }
            // Without --zone, a new receiver goes to the zone it says it plays, if the controller has that zone.
            let zone =
                try zoneParameter(request)
                ?? (record.zone == nil ? record.heartbeat?.zones.first(where: fleet.zones.contains) : nil)
            guard let approved = fleet.registry.approve(record.id, name: name, zone: zone) else {
                throw APIError(.notFound, "no receiver \(record.id.text)")
            }
            return ReceiverView(approved)
        }
        router.on(Route.command) { request, _ -> [CommandView] in try await command(request) }
        router.on(Route.alerts) { request, _ -> [AlertView] in
            let after = try RequestInput(request: request).integer(Query.after, in: Int64(0)...Int64.max) ?? 0
            return try fleet.store.alerts(after: after, limit: 10_000).map {
                AlertView(
                    id: $0.id, kind: $0.alert.state, receiver: $0.alert.receiver, at: isoTime($0.alert.at),
                    detail: $0.alert.detail)
            }
        }
        router.on(Route.fleet) { _, _ -> FleetView in
            FleetView(
                heartbeats: fleet.heartbeatAddress.map { "udp://" + $0.text } ?? "",
                controllerKey: KeyText.base64(fleet.registry.controllerKeys.publicKey))
        }
        router.on(Route.metrics) { _, _ -> Response in
            let text = fleet.metrics.exposition(states: fleet.registry.counts())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    private func find(_ text: String) throws -> ReceiverRecord {
        guard let record = fleet.registry.find(text) else {
            throw APIError(.notFound, "no receiver '\(text.prefix(64))'; 'loa receivers' lists them")
        }
        return record
    }

    private func zoneParameter(_ request: Request) throws -> String? {
        guard let zone = request.uri.queryParameters[Substring(Query.zone)].map(String.init) else { return nil }
        guard fleet.zones.contains(zone) else {
            throw APIError(
                .badRequest, "unknown zone '\(zone.prefix(40))' (known: \(fleet.zones.joined(separator: ", ")))")
        }
        return zone
    }

    private func command(_ request: Request) async throws -> [CommandView] {
        let parameters = request.uri.queryParameters
        let actionName = parameters[Substring(Query.action)].map(String.init) ?? ""
        guard let kind = CommandAction(rawValue: actionName) else {
            throw APIError(
                .badRequest,
                "unknown action '\(actionName.prefix(40))' (volume, mute, unmute, test-tone, refresh)")
        }
        let action: ReceiverAction
        switch kind {
        case .volume:
            guard let value = parameters[Substring(Query.value)].flatMap({ Int(String($0)) }), (0...100).contains(value)
            else {
                throw APIError(.badRequest, "the volume must be a whole percent from 0 to 100")
            }
            action = .volume(UInt8(value))
        case .mute: action = .mute
        case .unmute: action = .unmute
        case .testTone: action = .testTone
        case .refresh: action = .refresh
        }
        var targets: [ReceiverRecord]
        if let receiver = parameters[Substring(Query.receiver)].map(String.init) {
            targets = [try find(receiver)]
        } else if let zone = try zoneParameter(request) {
            targets = fleet.registry.all().filter { $0.approved && $0.zone == zone }
            guard !targets.isEmpty else { throw APIError(.notFound, "no approved receiver in zone '\(zone)'") }
        } else {
            throw APIError(.badRequest, "say which receiver (receiver=ID) or zone (zone=NAME)")
        }
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
            views.append(CommandView(id: Int64(id), target: target, action: kind, result: outcome))
        }
        return views
    }
}

extension ReceiverView {
    package init(_ record: ReceiverRecord) {
        self.init(
            id: record.id.text, name: record.name, zone: record.zone, state: record.state,
            lastSeen: record.lastSeen.map(isoTime), address: record.address?.text, version: record.heartbeat?.version,
            lossPercent: (record.lossPercent * 100).rounded() / 100, underruns: Int(record.heartbeat?.underruns ?? 0),
            volume: record.heartbeat.map { Int($0.volume) }, muted: record.heartbeat?.muted ?? false,
            playing: record.heartbeat?.playing ?? false, soundCardFailing: record.soundCardFailing,
            temperatureC: record.heartbeat?.temperatureMilliCelsius.map { Double($0) / 1000 },
            uptimeSeconds: record.heartbeat.map { Int($0.uptimeSeconds) })
    }
}

extension CommandView {
    /// `result` as the heartbeat listener words it: "acknowledged" or "failed: why".
    init(id: Int64, target: ReceiverRecord, action: CommandAction, result: CommandResult) {
        self.init(
            id: id, receiver: target.id.text, name: target.name, action: action,
            result: result == .acknowledged ? .acknowledged : .failed, reason: result.reason)
    }
}
