import Foundation
import Hummingbird
import LoaControlAPI
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
/// - `GET /log/boxes?since=MS&zone=Z` — how each box played each item its heartbeats reported from `since`
///   (`BoxPlayView`: frames from its copy, from the stream, rebuilt, concealed), by item then box
/// - `GET /report/boxes?month=YYYY-MM` — the month's record per box (`BoxReportRow`): items, airtime at the box, and
///   how its frames were played
struct FleetAPI {
    let fleet: Fleet
    /// The commune's time zone: a month's report runs from its local midnight.
    let localTime: LocalTime

    func addRoutes(to router: Router<ControlContext>) {
        router.on(Route.receivers) { _, _ in
            fleet.registry.all().map { ReceiverView($0, groups: fleet.registry.groups) }
        }
        router.on(Route.approvePending) { request, _ -> ApprovedCount in
            let zone = try zoneParameter(request)
            let approved = fleet.registry.all().filter { $0.state == .pending }.compactMap {
                try? fleet.registry.approve($0.id, name: nil, zone: zone)
            }
            let reporting = approved.filter { $0.heartbeat?.group != nil }
            guard let zone, let group = fleet.registry.groups[zone], !reporting.isEmpty else {
                return ApprovedCount(approved: approved.count)
            }
            let sent = try await send(.zone(ZoneAssignment(zone: zone, group: group)), kind: .zone, to: reporting)
            return ApprovedCount(approved: approved.count, joined: sent.count { $0.result == .acknowledged })
        }
        router.on(Route.receiver) { _, context -> ReceiverDetailView in
            let record = try find(try context.parameters.require("id"))
            let history = try fleet.store.history(of: record.id.text, limit: 50).map {
                HistoryView(at: isoTime($0.at), state: $0.state, detail: $0.detail)
            }
            return ReceiverDetailView(
                receiver: ReceiverView(record, groups: fleet.registry.groups),
                heartbeat: record.heartbeat.map(HeartbeatView.init), history: history)
        }
        router.on(Route.approveReceiver) { request, context -> PlacementView in
            let record = try find(try context.parameters.require("id"))
            return try await approve(
                record, name: try nameParameter(request, required: false), zone: try zoneParameter(request))
        }
        router.on(Route.moveReceiver) { request, context -> PlacementView in
            let record = try find(try context.parameters.require("id"))
            guard let zone = try zoneParameter(request) else {
                throw APIError(.badRequest, "say which zone (zone=NAME); 'loa zones' lists them")
            }
            return try await move(record, to: zone)
        }
        router.on(Route.renameReceiver) { request, context -> ReceiverView in
            let record = try find(try context.parameters.require("id"))
            return try rename(record, to: try nameParameter(request, required: true) ?? "")
        }
        router.on(Route.rejectReceiver) { _, context -> ReceiverView in
            try reject(try find(try context.parameters.require("id")))
        }
        router.on(Route.removeReceiver) { _, context -> ReceiverView in
            try remove(try find(try context.parameters.require("id")))
        }
        router.on(Route.fleetZones) { _, _ -> [ZoneFleetView] in fleet.zoneViews() }
        router.on(Route.command) { request, _ -> [CommandView] in try await command(request) }
        router.on(Route.boxLog) { request, _ -> [BoxPlayView] in
            let input = RequestInput(request: request)
            let since = try input.integer(Query.since, in: Int64(0)...Int64.max) ?? 0
            return try fleet.plays(since: since, zone: input.text(Query.zone))
        }
        router.on(Route.boxReport) { request, _ -> [BoxReportRow] in
            let (year, month) = try ProgrammeAPI.month(request)
            let range = localTime.month(year: year, month: month)
            return Fleet.report(try fleet.plays(since: range.lowerBound, until: range.upperBound))
        }
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
            let text = fleet.metrics.exposition(
                states: fleet.registry.counts(), sync: fleet.registry.syncBounds(),
                heartbeats: fleet.registry.latestHeartbeats(), unicast: fleet.unicast.counts,
                playoutDelays: fleet.delays.current, clipChunks: fleet.offers?.counts)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Admits (or renames / moves) `record`; without `zone`, a new receiver goes to the zone it says it plays, if
    /// the controller has that zone. Answers once the box acknowledged its zone's group or the retries ran out.
    func approve(_ record: ReceiverRecord, name: String?, zone: String?) async throws -> PlacementView {
        let zone = zone ?? (record.zone == nil ? record.heartbeat?.zones.first(where: fleet.zones.contains) : nil)
        let approved = try refusing { () throws(ReceiverLookupError) in
            try fleet.registry.approve(record.id, name: name, zone: zone)
        }
        return try await place(approved, in: zone)
    }

    /// Moves an approved `record` to `zone` (a zone of this controller) and sends it that zone's group; answers once
    /// the box acknowledged or the retries ran out.
    func move(_ record: ReceiverRecord, to zone: String) async throws -> PlacementView {
        guard fleet.zones.contains(zone) else {
            throw APIError(
                .badRequest, "unknown zone '\(zone.prefix(40))' (known: \(fleet.zones.joined(separator: ", ")))")
        }
        guard record.approved else {
            throw APIError(
                .conflict,
                "receiver \(record.name) is \(record.state.rawValue); admit it into the zone with "
                    + "'loa receivers approve \(record.name) --zone \(zone)'")
        }
        let moved = try refusing { () throws(ReceiverLookupError) in
            try fleet.registry.update(record.id, name: nil, zone: zone)
        }
        return try await place(moved, in: zone)
    }

    /// Gives `record` the unique name `name` (1 to 64 characters).
    func rename(_ record: ReceiverRecord, to name: String) throws -> ReceiverView {
        guard Limits.nameCharacters.contains(name.count) else {
            throw APIError(.badRequest, "a name must be 1 to \(Limits.nameCharacters.upperBound) characters")
        }
        let renamed = try refusing { () throws(ReceiverLookupError) in
            try fleet.registry.update(record.id, name: name, zone: nil)
        }
        return ReceiverView(renamed, groups: fleet.registry.groups)
    }

    /// Refuses a pending `record`: it is never welcomed and raises no further alerts.
    func reject(_ record: ReceiverRecord) throws -> ReceiverView {
        guard let rejected = fleet.registry.reject(record.id) else {
            throw APIError(
                .conflict,
                "receiver \(record.name) is \(record.state.rawValue), not pending; "
                    + "'loa receivers remove \(record.name)' forgets it")
        }
        return ReceiverView(rejected, groups: fleet.registry.groups)
    }

    /// Forgets `record` and its history.
    func remove(_ record: ReceiverRecord) throws -> ReceiverView {
        guard fleet.registry.remove(record.id) else { throw APIError(.notFound, "no receiver \(record.id.text)") }
        return ReceiverView(record, groups: fleet.registry.groups)
    }

    /// Puts `record` on the map at `position` (nil: off the map).
    func place(_ record: ReceiverRecord, at position: Position?) throws {
        do { try fleet.store.setPosition(record.id.text, position) } catch {
            throw APIError(.internalServerError, "cannot save the box's position: \(error)")
        }
    }

    func find(_ text: String) throws -> ReceiverRecord {
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
        guard let raw = request.uri.queryParameters[Substring(Query.name)] else {
            if required { throw APIError(.badRequest, "say the new name (name=NAME)") }
            return nil
        }
        let name = String(raw).removingPercentEncoding ?? String(raw)
        guard Limits.nameCharacters.contains(name.count) else {
            throw APIError(.badRequest, "a name must be 1 to \(Limits.nameCharacters.upperBound) characters")
        }
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
        let sent = try await send(assignment, kind: .zone, to: [record])
        return PlacementView(receiver: receiver, zoneCommand: sent.first)
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
        case .zone:
            throw APIError(.badRequest, "a box's zone is set with 'loa receivers move BOX --zone ZONE', not a command")
        }
        let targets: [ReceiverRecord]
        if let receiver = parameters[Substring(Query.receiver)].map(String.init) {
            targets = [try find(receiver)]
        } else if let zone = try zoneParameter(request) {
            targets = fleet.registry.all().filter { $0.approved && $0.zone == zone }
            guard !targets.isEmpty else { throw APIError(.notFound, "no approved receiver in zone '\(zone)'") }
        } else {
            throw APIError(.badRequest, "say which receiver (receiver=ID) or zone (zone=NAME)")
        }
        return try await send(action, kind: kind, to: targets)
    }

    /// Sends `action` to each of `targets` (all approved, or nothing is sent) and waits for every outcome.
    func send(_ action: ReceiverAction, kind: CommandAction, to targets: [ReceiverRecord]) async throws
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
            let id = try fleet.store.insertCommand(
                receiver: target.id.text, action: kind.rawValue, at: fleet.registry.clock.now())
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
    /// `groups` (each configured zone's group) shows a box whose zone is gone even before it is heard from.
    package init(_ record: ReceiverRecord, groups: [String: StreamGroup]? = nil) {
        let gone = record.approved && record.zone.map { zone in groups.map { $0[zone] == nil } ?? false } ?? false
        self.init(
            id: record.id.text, name: record.name, zone: record.zone, state: record.state,
            lastSeen: record.lastSeen.map(isoTime), address: record.address?.text, version: record.heartbeat?.version,
            lossPercent: (record.lossPercent * 100).rounded() / 100, underruns: Int(record.heartbeat?.underruns ?? 0),
            volume: record.heartbeat.map { Int($0.volume) }, muted: record.heartbeat?.muted ?? false,
            playing: record.heartbeat?.playing ?? false, soundCardFailing: record.soundCardFailing,
            temperatureC: record.heartbeat?.temperatureMilliCelsius.map { Double($0) / 1000 },
            uptimeSeconds: record.heartbeat.map { Int($0.uptimeSeconds) },
            zoneProblem: gone ? Alert.Kind.zoneGone.rawValue : record.machine.zoneAlerting?.rawValue,
            group: record.heartbeat?.group?.text, noTrustedTime: record.noTrustedTime,
            syncMs: record.heartbeat?.sync.map { Double($0.boundMicroseconds) / 1000 },
            delivery: record.heartbeat?.delivery?.name,
            unicast: record.heartbeat?.delivery == nil ? nil : record.heartbeat?.wantsUnicast == true)
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

extension Fleet {
    /// Per zone: its group and how many of its boxes are online and approved; then the zones that boxes are
    /// registered in but the configuration no longer has (`GET /fleet/zones`, the dashboard's overview).
    func zoneViews() -> [ZoneFleetView] {
        let counts = registry.zoneCounts()
        var views = zones.map { name in
            ZoneFleetView(
                name: name, group: registry.groups[name]?.text, online: counts[name]?.online ?? 0,
                receivers: counts[name]?.approved ?? 0)
        }
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) where !zones.contains(name) {
            views.append(ZoneFleetView(name: name, group: nil, online: count.online, receivers: count.approved))
        }
        return views
    }
}
