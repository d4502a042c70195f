import Foundation
import LoaControlAPI
import LoaCrypto
import LoaSystem
import LoaWire
import Synchronization

/// Every speaker box the controller has heard from, in memory, behind one lock. The heartbeat listener thread
/// feeds it datagrams, the API reads and approves, the flusher takes what changed for the store.
///
/// Contract:
/// - A datagram that `FleetAuthenticator` rejects changes nothing; it is counted by reason in `FleetMetrics`.
/// - What a verified message means for its box is decided by the box's `ReceiverStateMachine`; every change of
///   state goes to the history, every alert to `takeChanges`, and the box's row is written within half a second.
/// - An approval queues a welcome for the listener (`takeWelcomes`); an approved box's enrolment is answered with
///   one at once. A rejected box is never welcomed.
/// - Names are unique and look-ups deterministic (`ReceiverLookup`); a removed box is forgotten (its row and
///   history go at the next write), so its next heartbeats are from an unknown receiver.
/// - Every approved box's heartbeat is judged against its registered zone's group (`ZonePlacement`).
package final class FleetRegistry: Sendable {
    /// What the listener does after a datagram.
    package enum FollowUp: Equatable, Sendable {
        /// Send this message back to the sender.
        case answer(FleetMessage)
        /// `receiver` acknowledged `command`: tell the command tracker.
        case acknowledgement(command: UInt32, receiver: ReceiverID)
        /// An approved receiver's heartbeat: answer it with the version of the key list in force
        /// (`FleetMessage.heartbeatAnswer`), tagged with its key.
        case heartbeat(ReceiverID)
        /// An approved receiver asks for chunks of a clip offered ahead, from `sender` (issue 15).
        case clipRequest(receiver: ReceiverID, item: UInt64, offset: UInt32, chunks: UInt8)
    }

    fileprivate struct State {
        var records: [ReceiverID: ReceiverRecord] = [:]
        var authenticator: FleetAuthenticator
        var stateDirty: Set<ReceiverID> = []
        var heartbeatDirty: Set<ReceiverID> = []
        var history: [FleetStore.Transition] = []
        var raised: [Alert] = []
        var welcomes: [ReceiverID] = []
        var removed: Set<ReceiverID> = []
    }

    let controllerKeys: SigningKeyPair
    let configuration: FleetConfiguration
    let metrics: FleetMetrics
    /// Each configured zone's group: what a box registered in it must report.
    package let groups: [String: StreamGroup]
    /// The controller's clock: wall time for what is recorded and shown (its monotonic time comes in as `now`).
    let clock: any ControllerClock
    /// Boxes that may wait for approval at once (`limits: pending-boxes:`).
    let pendingBoxes: Int
    private let state: Mutex<State>

    init(
        controllerKeys: SigningKeyPair, configuration: FleetConfiguration, metrics: FleetMetrics,
        groups: [String: StreamGroup], rows: [FleetStore.ReceiverRow], clock: any ControllerClock,
        limits: RequestLimits = RequestLimits()
    ) {
        self.clock = clock
        self.groups = groups
        self.controllerKeys = controllerKeys
        self.configuration = configuration
        self.metrics = metrics
        pendingBoxes = limits.pendingBoxes
        let now = MonotonicClock.now()
        var initial = State(
            authenticator: FleetAuthenticator(now: now, enrolmentsPerSource: limits.enrolmentsPerSecond))
        for row in rows {
            if let record = ReceiverRecord(row: row, controller: controllerKeys, now: now) {
                initial.records[record.id] = record
            }
        }
        state = Mutex(initial)
    }

    // MARK: Datagrams (the listener thread)

    /// Handles one datagram from `sender` received at `now` (monotonic nanoseconds); returns what the listener
    /// must do next, if anything.
    @discardableResult
    package func handle(_ bytes: UnsafeRawBufferPointer, from sender: SocketAddress, now: UInt64) -> FollowUp? {
        let wall = clock.now()
        return state.withLock { state in
            var authenticator = state.authenticator
            defer { state.authenticator = authenticator }
            let message: VerifiedFleetMessage
            do throws(FleetRejection) {
                message = try authenticator.authenticate(bytes, from: sender.address, now: now) {
                    state.records[$0]?.credentials
                }
            } catch {
                metrics.rejected(error)
                return nil
            }
            switch message {
            case .heartbeat(let heartbeat):
                guard var record = state.records[heartbeat.receiver] else { return nil }
                state.accept(
                    heartbeat, into: &record, from: sender, now: now, wall: wall, rules: configuration, groups: groups)
                metrics.accepted()
                return .heartbeat(heartbeat.receiver)
            case .enrolment(let heartbeat, let publicKey):
                let id = heartbeat.receiver
                let known = state.records[id]
                // The waiting room is bounded: forged enrolments cannot grow the registry and its alerts for ever.
                if known == nil && state.records.values.count(where: { !$0.approved }) >= pendingBoxes {
                    metrics.rejected(.pendingFull)
                    return nil
                }
                var record =
                    known
                    ?? ReceiverRecord(
                        id: id, publicKey: publicKey, name: "box-" + String(id.text.prefix(6)),
                        firstSeen: wall)
                state.accept(
                    heartbeat, into: &record, from: sender, now: now, wall: wall, rules: configuration, groups: groups)
                metrics.accepted()
                if known == nil {
                    state.removed.remove(id)  // a removed pending box asking again is new: its row stays
                    state.apply(record.machine.firstHeard(id, from: sender.text), to: &record, at: wall)
                }
                return record.approved ? .answer(.welcome(receiver: id, controllerKey: controllerKeys.publicKey)) : nil
            case .acknowledgement(let receiver, let command):
                return .acknowledgement(command: command, receiver: receiver)
            case .clipRequest(let receiver, let item, let offset, let chunks):
                return .clipRequest(receiver: receiver, item: item, offset: offset, chunks: chunks)
            }
        }
    }

    /// Marks approved receivers that missed three heartbeats offline: those whose last valid heartbeat (or
    /// approval, or the controller's start) is more than 3 of their own intervals plus a 250 ms grace before
    /// `now` (monotonic nanoseconds). Called a few times a second.
    package func checkOffline(now: UInt64) {
        let wall = clock.now()
        state.withLock { state in
            var silent: [(ReceiverRecord, [ReceiverEvent])] = []
            for var record in state.records.values where record.approved && record.state != .offline {
                let deadline = ReceiverStateMachine.offlineDeadline(
                    heardAt: record.lastSeenMonotonic, intervalMilliseconds: record.heartbeat?.intervalMilliseconds)
                let events = record.machine.check(
                    now: now, deadline: deadline, silentSeconds: record.silentSeconds(at: wall))
                if !events.isEmpty { silent.append((record, events)) }
            }
            for (changed, events) in silent {
                var record = changed
                state.apply(events, to: &record, at: wall)
            }
        }
    }

    // MARK: The API

    /// All receivers, ordered by zone, name.
    package func all() -> [ReceiverRecord] {
        state.withLock { state in
            state.records.values.sorted { ($0.zone ?? "", $0.name, $0.id) < ($1.zone ?? "", $1.name, $1.id) }
        }
    }

    /// The receiver `text` names (id, name or unique id prefix: `ReceiverLookup`), or nil.
    package func find(_ text: String) -> ReceiverRecord? { try? lookUp(text) }

    /// The receiver `text` names (id, name or unique id prefix: `ReceiverLookup`); throws if none or several.
    package func lookUp(_ text: String) throws(ReceiverLookupError) -> ReceiverRecord {
        let records = state.withLock { Array($0.records.values) }
        return try ReceiverLookup.find(text, in: records)
    }

    /// Approves a receiver, optionally naming it and placing it in a zone, and queues a welcome for it; returns
    /// it. Throws, changing nothing, if it is unknown or the name is another receiver's.
    package func approve(_ id: ReceiverID, name: String?, zone: String?) throws(ReceiverLookupError) -> ReceiverRecord {
        try change(id, name: name, zone: zone) { state, record in
            if !record.approved {
                record.key = controllerKeys.sharedKey(receiver: record.publicKey, controller: controllerKeys.publicKey)
                record.lastSeenMonotonic = MonotonicClock.now()  // the grace period starts now
            }
            state.welcomes.append(id)
            return record.machine.approve(muted: record.heartbeat?.muted == true)
        }
    }

    /// Renames a receiver and/or registers it in another zone; throws, changing nothing, if it is unknown or the
    /// name is another receiver's. The zone's group is for the caller to send.
    package func update(_ id: ReceiverID, name: String?, zone: String?) throws(ReceiverLookupError) -> ReceiverRecord {
        try change(id, name: name, zone: zone) { _, _ in [] }
    }

    /// Refuses a pending receiver: it is never welcomed and raises no further alerts. Nil if it is not pending.
    package func reject(_ id: ReceiverID) -> ReceiverRecord? {
        state.withLock { state in
            guard var record = state.records[id], record.state == .pending else { return nil }
            state.apply(record.machine.reject(), to: &record, at: clock.now())
            return record
        }
    }

    /// Forgets a receiver: gone from memory now, its row and history at the next write. False if unknown.
    package func remove(_ id: ReceiverID) -> Bool {
        state.withLock { state in
            guard state.records.removeValue(forKey: id) != nil else { return false }
            state.stateDirty.remove(id)
            state.heartbeatDirty.remove(id)
            state.welcomes.removeAll { $0 == id }
            state.removed.insert(id)
            return true
        }
    }

    /// Applies a name and zone (checked first), then `decide`'s events, to receiver `id` under the lock.
    private func change(
        _ id: ReceiverID, name: String?, zone: String?,
        _ decide: (inout State, inout ReceiverRecord) -> [ReceiverEvent]
    ) throws(ReceiverLookupError) -> ReceiverRecord {
        try state.withLock { state throws(ReceiverLookupError) in
            guard var record = state.records[id] else { throw .unknown(id.text) }
            if let name {
                try ReceiverLookup.checkName(name, for: id, in: Array(state.records.values))
                record.name = name
            }
            var events = decide(&state, &record)
            if let zone, zone != record.zone {
                let from = record.zone
                record.zone = zone
                record.machine.rezoned()
                events.append(.entered(record.state, detail: "zone " + (from ?? "-") + " → " + zone))
            }
            state.stateDirty.insert(id)
            state.apply(events, to: &record, at: clock.now())
            return record
        }
    }

    /// Where the receivers of each zone stand: (online or muted, approved) per registered zone.
    package func zoneCounts() -> [String: (online: Int, approved: Int)] {
        state.withLock { state in
            var counts: [String: (online: Int, approved: Int)] = [:]
            for record in state.records.values where record.approved {
                guard let zone = record.zone else { continue }
                let online = record.state == .online || record.state == .muted
                counts[zone, default: (0, 0)].approved += 1
                if online { counts[zone, default: (0, 0)].online += 1 }
            }
            return counts
        }
    }

    /// Counts by state, for metrics.
    /// Each box's sync bound (seconds) by name, for the boxes whose last heartbeat says it.
    func syncBounds() -> [String: Double] {
        state.withLock { state in
            var result: [String: Double] = [:]
            for record in state.records.values {
                if let sync = record.heartbeat?.sync { result[record.name] = Double(sync.boundMicroseconds) / 1e6 }
            }
            return result
        }
    }

    /// Each box's last heartbeat, by name, for `/metrics`.
    func latestHeartbeats() -> [String: Heartbeat] {
        state.withLock { state in
            var result: [String: Heartbeat] = [:]
            for record in state.records.values {
                if let heartbeat = record.heartbeat { result[record.name] = heartbeat }
            }
            return result
        }
    }

    func counts() -> [ReceiverState: Int] {
        state.withLock { state in
            var result: [ReceiverState: Int] = [:]
            for record in state.records.values { result[record.state, default: 0] += 1 }
            return result
        }
    }

    // MARK: The listener and the flusher

    /// The welcomes owed since the last call: each approved receiver with where it was last heard from.
    func takeWelcomes() -> [(ReceiverID, SocketAddress)] {
        state.withLock { state in
            defer { state.welcomes = [] }
            return state.welcomes.compactMap { id in state.records[id]?.address.map { (id, $0) } }
        }
    }

    /// Where commands to `receiver` go and their key: nil until it is approved and heard from.
    func route(to receiver: ReceiverID) -> CommandRoute? {
        state.withLock { state in
            guard let record = state.records[receiver], let address = record.address, let key = record.key else {
                return nil
            }
            return (address, key)
        }
    }

    /// `receiver`'s latest authenticated heartbeat and its registered zone (what a unicast request is judged by).
    func delivery(of receiver: ReceiverID) -> (heartbeat: Heartbeat?, zone: String?) {
        state.withLock { state in
            guard let record = state.records[receiver], record.approved else { return (nil, nil) }
            return (record.heartbeat, record.zone)
        }
    }

    /// Takes what must be written: receivers whose state changed (and, with `heartbeats`, those with newer
    /// heartbeats), history entries and alerts raised since the last call.
    func takeChanges(heartbeats: Bool) -> (
        rows: [FleetStore.ReceiverRow], history: [FleetStore.Transition], alerts: [Alert], removed: [String]
    ) {
        let (records, history, alerts, removed) = state.withLock { state in
            var ids = state.stateDirty
            if heartbeats {
                ids.formUnion(state.heartbeatDirty)
                state.heartbeatDirty = []
            }
            state.stateDirty = []
            defer {
                state.history = []
                state.raised = []
                state.removed = []
            }
            return (ids.compactMap { state.records[$0] }, state.history, state.raised, state.removed.map(\.text))
        }
        return (records.map(\.row), history, alerts, removed)
    }
}

extension FleetRegistry.State {
    /// Takes a verified heartbeat (newer than the last) into `record`, lets its state machine judge it, and stores
    /// the record.
    mutating func accept(
        _ heartbeat: Heartbeat, into record: inout ReceiverRecord, from sender: SocketAddress, now: UInt64,
        wall: Int64, rules: FleetConfiguration, groups: [String: StreamGroup]
    ) {
        let silent = record.silentSeconds(at: wall)
        let previous = record.heartbeat
        record.epoch = heartbeat.epoch
        record.sequence = heartbeat.sequence
        record.heartbeat = heartbeat
        record.lastSeen = wall
        record.lastSeenMonotonic = now
        if record.address != sender {
            record.address = sender
            stateDirty.insert(record.id)
        }
        heartbeatDirty.insert(record.id)
        let placement = ZonePlacement(zone: record.zone, reported: heartbeat.group, groups: groups)
        apply(
            record.machine.heard(
                heartbeat, previous: previous, silentSeconds: silent, rules: rules, placement: placement),
            to: &record, at: wall)
    }

    /// Records what the state machine decided for `record` (history, alerts, a prompt write of its row, at wall
    /// time `now`) and stores the record.
    mutating func apply(_ events: [ReceiverEvent], to record: inout ReceiverRecord, at now: Int64) {
        defer { records[record.id] = record }
        guard !events.isEmpty else { return }
        stateDirty.insert(record.id)
        for event in events {
            switch event {
            case .entered(let entered, let detail):
                history.append(.init(receiver: record.id.text, at: now, state: entered.rawValue, detail: detail))
            case .alert(let kind, let detail):
                raised.append(
                    Alert(
                        kind: kind, receiver: record.id.text, name: record.name, zone: record.zone, at: isoTime(now),
                        lastSeen: record.lastSeen.map(isoTime), detail: detail))
            }
        }
    }
}

extension ReceiverRecord {
    /// What the authenticator checks this receiver's datagrams against.
    var credentials: FleetCredentials {
        FleetCredentials(key: key, publicKey: publicKey, epoch: epoch, sequence: sequence)
    }

    /// Whole seconds from its last valid heartbeat to wall time `now` (Unix ms); nil if never heard.
    func silentSeconds(at now: Int64) -> Int64? { lastSeen.map { (now - $0) / 1000 } }
}
