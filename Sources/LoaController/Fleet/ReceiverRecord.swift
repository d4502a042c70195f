import Foundation
import LoaControlAPI
import LoaCrypto
import LoaSystem
import LoaWire

/// Everything the controller knows about one speaker box.
package struct ReceiverRecord: Sendable {
    package var id: ReceiverID
    var publicKey: [UInt8]
    /// The key its heartbeats are tagged with; nil until approved.
    var key: MessageKey?
    package var name: String
    package var zone: String?
    /// Its state and the rules that move it (`ReceiverStateMachine`).
    var machine = ReceiverStateMachine()
    package var approved: Bool { machine.approved }
    package var state: ReceiverState { machine.state }
    /// Wall-clock milliseconds since 1970.
    var firstSeen: Int64
    var lastSeen: Int64?
    /// Monotonic nanoseconds of the last valid heartbeat: what offline detection counts from.
    var lastSeenMonotonic: UInt64 = 0
    /// Where its heartbeats come from: where commands go.
    var address: SocketAddress?
    var epoch: UInt32 = 0
    var sequence: UInt32 = 0
    var heartbeat: Heartbeat?

    /// Its last heartbeat says the sound card cannot be opened or fails while playing: the box is alive but
    /// cannot be heard. False before its first heartbeat.
    package var soundCardFailing: Bool { heartbeat?.soundCardFailing ?? false }

    /// Its last heartbeat says it cannot get trusted time from this controller: it plays nothing. False before its
    /// first heartbeat.
    package var noTrustedTime: Bool { heartbeat?.noTrustedTime ?? false }

    /// The cumulative loss its last heartbeat reports, in percent.
    var lossPercent: Double {
        guard let heartbeat else { return 0 }
        let total = Double(heartbeat.received) + Double(heartbeat.lost)
        return total > 0 ? Double(heartbeat.lost) * 100 / total : 0
    }

    var row: FleetStore.ReceiverRow {
        FleetStore.ReceiverRow(
            id: id.text, publicKey: publicKey, name: name, zone: zone, approved: approved, state: state.rawValue,
            firstSeen: firstSeen, lastSeen: lastSeen, address: address?.text, epoch: epoch, sequence: sequence,
            heartbeat: heartbeat.flatMap {
                try? String(decoding: JSONEncoder().encode(HeartbeatView($0)), as: UTF8.self)
            }, plays: heartbeat?.plays ?? [])
    }

    init(id: ReceiverID, publicKey: [UInt8], name: String, firstSeen: Int64) {
        self.id = id
        self.publicKey = publicKey
        self.name = name
        self.firstSeen = firstSeen
    }

    init?(row: FleetStore.ReceiverRow, controller: SigningKeyPair, now: UInt64) {
        guard let id = ReceiverID(row.id), row.publicKey.count == 32, let state = ReceiverState(rawValue: row.state)
        else {
            return nil
        }
        self.init(id: id, publicKey: row.publicKey, name: row.name, firstSeen: row.firstSeen)
        zone = row.zone
        lastSeen = row.lastSeen
        lastSeenMonotonic = now  // a restarted controller gives every box its full grace again
        address = row.address.flatMap { SocketAddress($0) }
        epoch = row.epoch
        sequence = row.sequence
        heartbeat = row.heartbeat.flatMap { try? JSONDecoder().decode(HeartbeatView.self, from: Data($0.utf8)) }?
            .heartbeat(receiver: id)
        machine = ReceiverStateMachine(
            state: state, approved: row.approved, soundCardFailing: soundCardFailing, noTrustedTime: noTrustedTime)
        if approved { key = controller.sharedKey(receiver: publicKey, controller: controller.publicKey) }
    }
}

/// A heartbeat as JSON (API and the registry's `heartbeat` column).
extension HeartbeatView {
    init(_ heartbeat: Heartbeat) {
        self.init(
            epoch: heartbeat.epoch, sequence: heartbeat.sequence, intervalMs: heartbeat.intervalMilliseconds,
            uptimeSeconds: heartbeat.uptimeSeconds, playing: heartbeat.playing, muted: heartbeat.muted,
            soundCardFailing: heartbeat.soundCardFailing, volume: Int(heartbeat.volume),
            temperatureC: heartbeat.temperatureMilliCelsius.map { Double($0) / 1000 },
            streamId: heartbeat.streamID == 0 ? nil : heartbeat.streamID,
            jitterFrames: Int(heartbeat.jitterDepthFrames), received: heartbeat.received, lost: heartbeat.lost,
            late: heartbeat.late, recoveredByFEC: heartbeat.recoveredByFEC, concealed: heartbeat.concealed,
            rejected: heartbeat.rejected, underruns: heartbeat.underruns, version: heartbeat.version,
            zones: heartbeat.zones, noTrustedTime: heartbeat.noTrustedTime)
        syncUncertaintyUs = heartbeat.sync.map { Int($0.uncertaintyMicroseconds) }
        syncDriftPpm = heartbeat.sync.map { Double($0.driftPartsPerBillion) / 1000 }
        syncErrorUs = heartbeat.sync.map { Int($0.errorMicroseconds) }
        syncCorrectedSamples = heartbeat.sync.map { Int($0.correctedSamples) }
        repairMissed = heartbeat.repair.map { Int($0.missed) }
        repairAsked = heartbeat.repair.map { Int($0.asked) }
        repairRepaired = heartbeat.repair.map { Int($0.repaired) }
        repairAbandoned = heartbeat.repair.map { Int($0.abandoned) }
        jitterTargetMs = heartbeat.jitter.map { Int($0.targetMilliseconds) }
        jitterSpareMs = heartbeat.jitter?.spareMilliseconds.map { Int($0) }
        clips =
            heartbeat.clips.isEmpty
            ? nil : heartbeat.clips.map { HeldClipView(item: Int64(clamping: $0.item), percent: Int($0.percent)) }
    }

    func heartbeat(receiver: ReceiverID) -> Heartbeat {
        var beat = Heartbeat(
            receiver: receiver, epoch: epoch, sequence: sequence, intervalMilliseconds: intervalMs,
            uptimeSeconds: uptimeSeconds, playing: playing, muted: muted, soundCardFailing: soundCardFailing ?? false,
            noTrustedTime: noTrustedTime ?? false, volume: UInt8(clamping: volume),
            temperatureMilliCelsius: temperatureC.map { Int32($0 * 1000) }, streamID: streamId ?? 0,
            jitterDepthFrames: UInt16(clamping: jitterFrames), received: received, lost: lost, late: late,
            recoveredByFEC: recoveredByFEC, concealed: concealed, rejected: rejected, underruns: underruns,
            version: version, zones: zones)
        if let syncUncertaintyUs, let syncDriftPpm, let syncErrorUs {
            beat.sync = SyncReport(
                uncertaintyMicroseconds: UInt32(clamping: syncUncertaintyUs),
                driftPartsPerBillion: Int32(clamping: Int((syncDriftPpm * 1000).rounded())),
                errorMicroseconds: Int32(clamping: syncErrorUs),
                correctedSamples: Int32(clamping: syncCorrectedSamples ?? 0))
        }
        if let repairMissed, let repairAsked, let repairRepaired, let repairAbandoned {
            beat.repair = RepairReport(
                missed: UInt32(clamping: repairMissed), asked: UInt32(clamping: repairAsked),
                repaired: UInt32(clamping: repairRepaired), abandoned: UInt32(clamping: repairAbandoned))
        }
        if let jitterTargetMs {
            beat.jitter = JitterReport(
                targetMilliseconds: UInt16(clamping: jitterTargetMs),
                spareMilliseconds: jitterSpareMs.map { Int16(clamping: $0) })
        }
        beat.clips = (clips ?? []).map {
            HeldClip(item: UInt64(clamping: $0.item), percent: UInt8(clamping: $0.percent))
        }
        return beat
    }
}

/// ISO 8601 with milliseconds, UTC.
func isoTime(_ milliseconds: Int64) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
}
