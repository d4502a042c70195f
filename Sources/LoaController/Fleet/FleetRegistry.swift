import Foundation
import LoaControlAPI
import LoaCrypto
import LoaSystem
import LoaWire

/// Every speaker box the controller has heard from, in memory, with the rules that move them between
/// states. Thread-safe; the heartbeat listener thread feeds it, the API reads it, the flusher saves it.
///
/// Contract:
/// - A datagram that is malformed, not authentic, from an unknown receiver, or not newer than the last
///   heartbeat accepted from its receiver ((epoch, sequence) must grow) changes nothing; it is counted by
///   reason in `FleetMetrics`.
/// - An unknown receiver's signed enrolment makes it `pending` and raises a `pending` alert (once per box).
///   Approval makes it `online` (or `offline` until it is heard), and from then on its heartbeats are checked
///   with the key both sides agreed.
/// - An approved receiver with no valid heartbeat for 3 of its intervals becomes `offline`; its next valid
///   heartbeat makes it `online` (or `muted`) again. Each change is written to the history and raises an alert.
/// - Loss above the configured percent, or at least the configured count of underruns per heartbeat, in
///   `sustained` heartbeats in a row raise an alert once, and another when it clears.
/// - A heartbeat saying the sound card fails raises a `sound-card` alert at once when the approved receiver's
///   previous heartbeat said it worked, or when it is the first since approval or since the controller started;
///   a heartbeat saying it works while that alert stands (also from before a restart) raises `sound-card-cleared`.
///   Either change is written within half a second.
package final class FleetRegistry: @unchecked Sendable {
    let controllerKeys: SigningKeyPair
    let configuration: FleetConfiguration
    let metrics: FleetMetrics
    private let lock = NSLock()
    private var records: [ReceiverID: ReceiverRecord] = [:]
    private var stateDirty: Set<ReceiverID> = []
    private var heartbeatDirty: Set<ReceiverID> = []
    private var history: [FleetStore.Transition] = []
    private var raised: [Alert] = []
    /// Signature checks allowed for enrolments (token bucket): a flood of forged enrolments costs at most
    /// this much CPU, and never delays tagged heartbeats.
    private var signatureTokens = 1000.0
    private var tokensRefilledAt = MonotonicClock.now()
    static let signaturesPerSecond = 1000.0

    init(
        controllerKeys: SigningKeyPair, configuration: FleetConfiguration, metrics: FleetMetrics,
        rows: [FleetStore.ReceiverRow]
    ) {
        self.controllerKeys = controllerKeys
        self.configuration = configuration
        self.metrics = metrics
        let now = MonotonicClock.now()
        for row in rows {
            if let record = ReceiverRecord(row: row, controller: controllerKeys, now: now) {
                records[record.id] = record
            }
        }
    }

    // MARK: Datagrams (the listener thread)

    /// Handles one datagram from `sender`; returns the messages to send back (a welcome).
    package func handle(_ bytes: UnsafeRawBufferPointer, from sender: SocketAddress, now: UInt64) -> FleetMessage? {
        guard let id = FleetMessage.peekReceiver(bytes), bytes.count >= 4 else {
            metrics.rejected(.malformed)
            return nil
        }
        switch bytes[3] {
        case 2: return tagged(bytes, id: id, from: sender, now: now)
        case 5: return tagged(bytes, id: id, from: sender, now: now)
        case 1: return enrolment(bytes, from: sender, now: now)
        default:
            metrics.rejected(.malformed)
            return nil
        }
    }

    private func tagged(_ bytes: UnsafeRawBufferPointer, id: ReceiverID, from sender: SocketAddress, now: UInt64)
        -> FleetMessage?
    {
        lock.lock()
        defer { lock.unlock() }
        guard var record = records[id], let key = record.key else {
            metrics.rejected(.unknown)
            return nil
        }
        guard bytes.count > FleetMessage.tagBytes else {
            metrics.rejected(.malformed)
            return nil
        }
        let end = bytes.count - FleetMessage.tagBytes
        guard
            key.verify(
                UnsafeRawBufferPointer(rebasing: bytes[end...]), of: UnsafeRawBufferPointer(rebasing: bytes[..<end]))
        else {
            metrics.rejected(.unauthenticated)
            return nil
        }
        guard let parsed = try? FleetMessage.parse(bytes) else {
            metrics.rejected(.malformed)
            return nil
        }
        switch parsed.message {
        case .heartbeat(let heartbeat):
            guard accept(heartbeat, into: &record, from: sender, now: now) else { return nil }
            records[id] = record
        case .acknowledgement(_, let command, _):
            acknowledged(command, by: id)
        default:
            metrics.rejected(.malformed)
        }
        return nil
    }

    private func enrolment(_ bytes: UnsafeRawBufferPointer, from sender: SocketAddress, now: UInt64) -> FleetMessage? {
        guard let parsed = try? FleetMessage.parse(bytes),
            case .enrolment(let heartbeat, let publicKey) = parsed.message
        else {
            metrics.rejected(.malformed)
            return nil
        }
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Double(now &- tokensRefilledAt) / 1e9
        tokensRefilledAt = now
        signatureTokens = min(Self.signaturesPerSecond, signatureTokens + elapsed * Self.signaturesPerSecond)
        guard signatureTokens >= 1 else {
            metrics.rejected(.rateLimited)
            return nil
        }
        signatureTokens -= 1
        let signature = UnsafeRawBufferPointer(rebasing: bytes[parsed.trailer])
        let signed = UnsafeRawBufferPointer(rebasing: bytes[parsed.signed])
        guard publicKey.withUnsafeBytes({ SigningKeyPair.verify(signature, of: signed, by: $0) }) else {
            metrics.rejected(.unauthenticated)
            return nil
        }
        let id = heartbeat.receiver
        var record =
            records[id]
            ?? ReceiverRecord(
                id: id, publicKey: publicKey, name: "box-" + String(id.text.prefix(6)), firstSeen: wallMilliseconds())
        guard record.publicKey == publicKey else {
            metrics.rejected(.unauthenticated)  // another key claiming a known id: 64-bit prefix collision or forgery
            return nil
        }
        let isNew = records[id] == nil
        guard accept(heartbeat, into: &record, from: sender, now: now) else { return nil }
        if isNew {
            note(&record, .pending, "first heard from " + sender.text + ", waiting for approval")
            raise(
                .pending, record,
                "a new box asks to join from " + sender.text + ": approve it with 'loa receivers approve "
                    + id.text + " --name NAME --zone ZONE'")
        }
        records[id] = record
        return record.approved ? .welcome(receiver: id, controllerKey: controllerKeys.publicKey) : nil
    }

    /// Takes a verified heartbeat if it is newer than the last; updates state, streaks and alerts.
    private func accept(
        _ heartbeat: Heartbeat, into record: inout ReceiverRecord, from sender: SocketAddress, now: UInt64
    )
        -> Bool
    {
        let newer =
            heartbeat.epoch > record.epoch || (heartbeat.epoch == record.epoch && heartbeat.sequence > record.sequence)
        guard newer else {
            metrics.rejected(.replayed)
            return false
        }
        metrics.accepted()
        let silence = record.lastSeen.map { String((wallMilliseconds() - $0) / 1000) + " s" } ?? "a while"
        let previous = record.heartbeat
        record.epoch = heartbeat.epoch
        record.sequence = heartbeat.sequence
        record.heartbeat = heartbeat
        record.lastSeen = wallMilliseconds()
        record.lastSeenMonotonic = now
        if record.address != sender {
            record.address = sender
            stateDirty.insert(record.id)
        }
        heartbeatDirty.insert(record.id)
        guard record.approved else { return true }
        let state: ReceiverState = heartbeat.muted ? .muted : .online
        if record.state != state {
            let detail =
                record.state == .offline
                ? "back after " + silence + " of silence" : (heartbeat.muted ? "muted" : "unmuted")
            let wasOffline = record.state == .offline
            note(&record, state, detail)
            if wasOffline { raise(.online, record, detail) }
        }
        if let previous, previous.epoch == heartbeat.epoch { checkQuality(previous, heartbeat, &record) }
        checkSoundCard(heartbeat, &record)
        return true
    }

    /// Raises `sound-card` when the card starts failing (or fails at the first heartbeat since start or
    /// approval), `sound-card-cleared` when it works again after that alert.
    private func checkSoundCard(_ heartbeat: Heartbeat, _ record: inout ReceiverRecord) {
        defer { record.soundCardHeard = true }
        if heartbeat.soundCardFailing {
            guard !record.soundCardAlerting || !record.soundCardHeard else { return }
            record.soundCardAlerting = true
            raise(.soundCard, record, "the sound card fails: the box is alive but cannot be heard")
        } else {
            guard record.soundCardAlerting else { return }
            record.soundCardAlerting = false
            raise(.soundCardCleared, record, "the sound card works again")
        }
        stateDirty.insert(record.id)  // what the API shows after a restart must not wait for the 10 s write
    }

    private func seconds(now: UInt64, _ record: ReceiverRecord) -> String {
        guard let last = record.lastSeen else { return "a while" }
        return String((wallMilliseconds() - last) / 1000) + " s"
    }

    private func checkQuality(_ previous: Heartbeat, _ current: Heartbeat, _ record: inout ReceiverRecord) {
        let received = Double(current.received &- previous.received)
        let lost = Double(current.lost &- previous.lost)
        let loss = received + lost > 0 ? lost * 100 / (received + lost) : 0
        record.lossStreak = loss > configuration.lossPercent ? record.lossStreak + 1 : 0
        if record.lossStreak >= configuration.sustainedHeartbeats && !record.lossAlerting {
            record.lossAlerting = true
            raise(.loss, record, String(format: "%.1f %% of packets lost in %d heartbeats", loss, record.lossStreak))
        } else if record.lossStreak == 0 && record.lossAlerting {
            record.lossAlerting = false
            raise(.lossCleared, record, "loss back under \(configuration.lossPercent) %")
        }
        let underruns = Int(current.underruns &- previous.underruns)
        record.underrunStreak = underruns >= configuration.underrunsPerHeartbeat ? record.underrunStreak + 1 : 0
        if record.underrunStreak >= configuration.sustainedHeartbeats && !record.underrunAlerting {
            record.underrunAlerting = true
            raise(
                .underruns, record,
                "\(underruns) ALSA underruns in the last heartbeat, \(record.underrunStreak) in a row")
        } else if record.underrunStreak == 0 && record.underrunAlerting {
            record.underrunAlerting = false
            raise(.underrunsCleared, record, "no more underruns")
        }
    }

    /// Marks approved receivers that missed three heartbeats offline: those whose last valid heartbeat (or
    /// approval, or the controller's start) is more than 3 of their own intervals plus a 250 ms grace before
    /// `now` (monotonic nanoseconds). Called a few times a second.
    package func checkOffline(now: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        for (id, record) in records where record.approved && record.state != .offline {
            guard now > record.lastSeenMonotonic + record.offlineAfterNanoseconds else { continue }
            var record = record
            let detail = "no heartbeat for " + seconds(now: now, record)
            note(&record, .offline, detail)
            raise(.offline, record, detail)
            records[id] = record
        }
    }

    private func note(_ record: inout ReceiverRecord, _ state: ReceiverState, _ detail: String) {
        record.state = state
        stateDirty.insert(record.id)
        history.append(.init(receiver: record.id.text, at: wallMilliseconds(), state: state.rawValue, detail: detail))
    }

    private func raise(_ kind: Alert.Kind, _ record: ReceiverRecord, _ detail: String) {
        raised.append(
            Alert(
                kind: kind, receiver: record.id.text, name: record.name, zone: record.zone,
                at: isoTime(wallMilliseconds()),
                lastSeen: record.lastSeen.map(isoTime), detail: detail))
    }

    // MARK: Commands

    private var commandWaiters: [UInt32: ReceiverID] = [:]
    private var acknowledgements: Set<UInt32> = []

    private func acknowledged(_ command: UInt32, by id: ReceiverID) {
        if commandWaiters[command] == id {
            commandWaiters[command] = nil
            acknowledgements.insert(command)
        }
    }

    /// Starts waiting for `command`'s acknowledgement by `receiver`.
    func expect(_ command: UInt32, from receiver: ReceiverID) {
        lock.lock()
        defer { lock.unlock() }
        commandWaiters[command] = receiver
    }

    /// True (once) if `command` has been acknowledged; stops waiting for it either way when `giveUp`.
    func takeAcknowledgement(_ command: UInt32, giveUp: Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if acknowledgements.remove(command) != nil { return true }
        if giveUp { commandWaiters[command] = nil }
        return false
    }

    // MARK: The API

    /// All receivers, ordered by zone, name.
    package func all() -> [ReceiverRecord] {
        lock.lock()
        defer { lock.unlock() }
        return records.values.sorted { ($0.zone ?? "", $0.name, $0.id) < ($1.zone ?? "", $1.name, $1.id) }
    }

    /// The receiver with this id (or a unique id prefix of at least 4 digits), or this name.
    package func find(_ text: String) -> ReceiverRecord? {
        lock.lock()
        defer { lock.unlock() }
        if let id = ReceiverID(text.lowercased()), let record = records[id] { return record }
        if let named = records.values.first(where: { $0.name == text }) { return named }
        let lowered = text.lowercased()
        guard lowered.count >= 4 else { return nil }
        let matches = records.values.filter { $0.id.text.hasPrefix(lowered) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Approves a receiver, optionally naming it and placing it in a zone; returns it, or nil if unknown.
    package func approve(_ id: ReceiverID, name: String?, zone: String?) -> ReceiverRecord? {
        lock.lock()
        defer { lock.unlock() }
        guard var record = records[id] else { return nil }
        if let name { record.name = name }
        if let zone { record.zone = zone }
        if !record.approved {
            record.approved = true
            record.key = controllerKeys.sharedKey(receiver: record.publicKey, controller: controllerKeys.publicKey)
            record.lastSeenMonotonic = MonotonicClock.now()  // the grace period starts now
            note(&record, record.heartbeat?.muted == true ? .muted : .online, "approved")
        }
        stateDirty.insert(id)
        records[id] = record
        return record
    }

    /// Counts by state, for metrics.
    func counts() -> [ReceiverState: Int] {
        lock.lock()
        defer { lock.unlock() }
        var result: [ReceiverState: Int] = [:]
        for record in records.values { result[record.state, default: 0] += 1 }
        return result
    }

    // MARK: The flusher

    /// Takes what must be written: receivers whose state changed (and, with `heartbeats`, those with newer
    /// heartbeats), history entries and alerts raised since the last call.
    func takeChanges(heartbeats: Bool) -> (
        rows: [FleetStore.ReceiverRow], history: [FleetStore.Transition], alerts: [Alert]
    ) {
        lock.lock()
        var ids = stateDirty
        if heartbeats {
            ids.formUnion(heartbeatDirty)
            heartbeatDirty = []
        }
        stateDirty = []
        let records = ids.compactMap { self.records[$0] }
        let history = self.history
        let alerts = raised
        self.history = []
        raised = []
        lock.unlock()
        return (records.map(\.row), history, alerts)
    }
}
