import LoaControlAPI
import Foundation
import LoaWire

/// Something the state machine decided: a change of state for the history, or an alert to raise.
package enum ReceiverEvent: Equatable, Sendable {
    /// The receiver moved to `state`; `detail` is the history's words for why.
    case entered(ReceiverState, detail: String)
    /// A person should hear about it.
    case alert(Alert.Kind, detail: String)
}

/// The rules of one speaker box's life, as a value: pending until approved, then online, muted or offline, with
/// its quality and sound-card alerts. Each transition returns what it decided as `ReceiverEvent`s; the registry
/// records them. No clock and no lock here: time comes in as arguments.
///
/// Contract:
/// - A new box is `pending` and raises a `pending` alert (once per box, in `firstHeard`).
/// - Approval makes it `online` (`muted` if its last heartbeat said so); a pending box's heartbeats change nothing.
/// - An approved box silent for 3 of its intervals plus 250 ms is `offline` (an alert); its next heartbeat makes it
///   `online` or `muted` again (an `online` alert after `offline`).
/// - Loss above `lossPercent`, or at least `underrunsPerHeartbeat` underruns, between two heartbeats of one epoch,
///   in `sustainedHeartbeats` heartbeats in a row raises an alert once, and another when it clears.
/// - A pending box a person rejects is `rejected`: its heartbeats change nothing; approving it still admits it.
/// - Zone placement (`ZonePlacement`), judged at each heartbeat of an approved box: a zone that is gone is alerted at
///   once, a wrong group after two heartbeats in a row (a box being moved reports its old group once at most);
///   each alert is raised once while it holds, and `zone-cleared` when it no longer does.
/// - A box without trusted time (`no-trusted-time`) is alerted, and cleared, by the same rule as a failing sound card.
/// - A failing sound card is alerted at once when the previous heartbeat said it worked, or at the first heartbeat
///   judged since approval or since the controller started; a working card while that alert stands clears it.
package struct ReceiverStateMachine: Equatable, Sendable {
    package private(set) var state: ReceiverState
    package private(set) var approved: Bool
    private(set) var lossStreak = 0
    private(set) var underrunStreak = 0
    private(set) var lossAlerting = false
    private(set) var underrunAlerting = false
    /// A `sound-card` alert stands (raised, not cleared yet): `sound-card-cleared` is owed when the card works again.
    private(set) var soundCardAlerting: Bool
    /// A heartbeat has been judged for its sound card since the controller started (only approved boxes' are).
    private(set) var soundCardHeard = false
    /// A `no-trusted-time` alert stands; `trusted-time-cleared` is owed when the box has trusted time again.
    private(set) var trustedTimeAlerting: Bool
    /// A heartbeat has been judged for its trusted time since the controller started.
    private(set) var trustedTimeHeard = false
    /// A `sync` alert stands; `sync-cleared` is owed when the box is back within half the threshold.
    private(set) var syncAlerting = false
    /// The zone alert that stands (`wrong-zone` or `zone-gone`), if any.
    package private(set) var zoneAlerting: Alert.Kind?
    /// Heartbeats in a row that reported a wrong group.
    private(set) var wrongZoneStreak = 0

    /// A box as recorded: after a restart, a `sound-card` alert stands if it is approved and its card failed, a
    /// `no-trusted-time` one if it had no trusted time.
    package init(
        state: ReceiverState = .pending, approved: Bool = false, soundCardFailing: Bool = false,
        noTrustedTime: Bool = false
    ) {
        self.state = state
        self.approved = approved
        soundCardAlerting = approved && soundCardFailing
        trustedTimeAlerting = approved && noTrustedTime
    }

    /// A box never heard before enrolled from `address`.
    package mutating func firstHeard(_ receiver: ReceiverID, from address: String) -> [ReceiverEvent] {
        state = .pending
        return [
            .entered(.pending, detail: "first heard from " + address + ", waiting for approval"),
            .alert(
                .pending,
                detail: "a new box asks to join from " + address + ": approve it with 'loa receivers approve "
                    + receiver.text + " --name NAME --zone ZONE'"),
        ]
    }

    /// A person approved the box; `muted` is what its last heartbeat said. Nothing if it already was.
    package mutating func approve(muted: Bool) -> [ReceiverEvent] {
        guard !approved else { return [] }
        approved = true
        state = muted ? .muted : .online
        return [.entered(state, detail: "approved")]
    }

    /// A person refused the pending box. Nothing if it is approved or already rejected.
    package mutating func reject() -> [ReceiverEvent] {
        guard !approved, state != .rejected else { return [] }
        state = .rejected
        return [.entered(.rejected, detail: "rejected")]
    }

    /// The box was registered in another zone: a wrong group reported from now on counts afresh.
    package mutating func rezoned() { wrongZoneStreak = 0 }

    /// A verified heartbeat newer than `previous` (the last accepted, if any), after `silentSeconds` without one
    /// (nil: unknown); `placement` is where it stands against its registered zone.
    package mutating func heard(
        _ heartbeat: Heartbeat, previous: Heartbeat?, silentSeconds: Int64?, rules: FleetConfiguration,
        placement: ZonePlacement = .right
    ) -> [ReceiverEvent] {
        guard approved else { return [] }
        var events: [ReceiverEvent] = []
        let next: ReceiverState = heartbeat.muted ? .muted : .online
        if state != next {
            let wasOffline = state == .offline
            let detail =
                wasOffline
                ? "back after " + Self.words(silentSeconds) + " of silence" : (heartbeat.muted ? "muted" : "unmuted")
            state = next
            events.append(.entered(next, detail: detail))
            if wasOffline { events.append(.alert(.online, detail: detail)) }
        }
        if let previous, previous.epoch == heartbeat.epoch {
            events += judgeQuality(from: previous, to: heartbeat, rules: rules)
        }
        events += judgeSoundCard(heartbeat)
        events += judgeTrustedTime(heartbeat)
        events += judgeSync(heartbeat, limit: UInt32(rules.syncAlertMilliseconds) * 1000)
        events += judgeZone(placement)
        return events
    }

    /// The monotonic time after which an approved box last heard at `heardAt` (nanoseconds), sending every
    /// `intervalMilliseconds` (5 s if unknown), has missed three heartbeats.
    package static func offlineDeadline(heardAt: UInt64, intervalMilliseconds: UInt32?) -> UInt64 {
        heardAt + 3 * UInt64(max(intervalMilliseconds ?? 5000, 100)) * 1_000_000 + 250_000_000
    }

    /// Checks an approved box for silence at `now`: offline (with an alert) once `now` is past `deadline`.
    package mutating func check(now: UInt64, deadline: UInt64, silentSeconds: Int64?) -> [ReceiverEvent] {
        guard approved, state != .offline, now > deadline else { return [] }
        state = .offline
        let detail = "no heartbeat for " + Self.words(silentSeconds)
        return [.entered(.offline, detail: detail), .alert(.offline, detail: detail)]
    }

    private static func words(_ seconds: Int64?) -> String { seconds.map { String($0) + " s" } ?? "a while" }

    private mutating func judgeQuality(from previous: Heartbeat, to current: Heartbeat, rules: FleetConfiguration)
        -> [ReceiverEvent]
    {
        var events: [ReceiverEvent] = []
        let received = Double(current.received &- previous.received)
        let lost = Double(current.lost &- previous.lost)
        let loss = received + lost > 0 ? lost * 100 / (received + lost) : 0
        lossStreak = loss > rules.lossPercent ? lossStreak + 1 : 0
        if lossStreak >= rules.sustainedHeartbeats && !lossAlerting {
            lossAlerting = true
            events.append(
                .alert(.loss, detail: String(format: "%.1f %% of packets lost in %d heartbeats", loss, lossStreak)))
        } else if lossStreak == 0 && lossAlerting {
            lossAlerting = false
            events.append(.alert(.lossCleared, detail: "loss back under \(rules.lossPercent) %"))
        }
        let underruns = Int(current.underruns &- previous.underruns)
        underrunStreak = underruns >= rules.underrunsPerHeartbeat ? underrunStreak + 1 : 0
        if underrunStreak >= rules.sustainedHeartbeats && !underrunAlerting {
            underrunAlerting = true
            events.append(
                .alert(
                    .underruns, detail: "\(underruns) ALSA underruns in the last heartbeat, \(underrunStreak) in a row")
            )
        } else if underrunStreak == 0 && underrunAlerting {
            underrunAlerting = false
            events.append(.alert(.underrunsCleared, detail: "no more underruns"))
        }
        return events
    }

    private mutating func judgeZone(_ placement: ZonePlacement) -> [ReceiverEvent] {
        if case .wrong = placement { wrongZoneStreak += 1 } else { wrongZoneStreak = 0 }
        let problem = placement.problem
        let standing = problem == .wrongZone && wrongZoneStreak < 2 ? zoneAlerting : problem
        guard standing != zoneAlerting else { return [] }
        zoneAlerting = standing
        guard let standing else { return [.alert(.zoneCleared, detail: placement.detail)] }
        return [.alert(standing, detail: placement.detail)]
    }

    private mutating func judgeTrustedTime(_ heartbeat: Heartbeat) -> [ReceiverEvent] {
        defer { trustedTimeHeard = true }
        if heartbeat.noTrustedTime {
            guard !trustedTimeAlerting || !trustedTimeHeard else { return [] }
            trustedTimeAlerting = true
            return [
                .alert(
                    .noTrustedTime,
                    detail: "the box cannot get trusted time from the controller and plays nothing: check its trust "
                        + "anchor is this commune's root.pub and its log")
            ]
        }
        guard trustedTimeAlerting else { return [] }
        trustedTimeAlerting = false
        return [.alert(.trustedTimeCleared, detail: "the box has trusted time again")]
    }

    /// A box that does not report its sync (an earlier release, or no time yet) is not judged.
    private mutating func judgeSync(_ heartbeat: Heartbeat, limit: UInt32) -> [ReceiverEvent] {
        guard let bound = heartbeat.sync?.boundMicroseconds else { return [] }
        let words = String(format: "%.1f ms", Double(bound) / 1000)
        if !syncAlerting, bound > limit {
            syncAlerting = true
            return [
                .alert(
                    .sync,
                    detail: "the box may play " + words + " off the commune's timeline (limit "
                        + String(limit / 1000) + " ms): check its network path and its log")
            ]
        }
        guard syncAlerting, bound <= limit / 2 else { return [] }
        syncAlerting = false
        return [.alert(.syncCleared, detail: "the box follows the commune's timeline again (" + words + ")")]
    }

    private mutating func judgeSoundCard(_ heartbeat: Heartbeat) -> [ReceiverEvent] {
        defer { soundCardHeard = true }
        if heartbeat.soundCardFailing {
            guard !soundCardAlerting || !soundCardHeard else { return [] }
            soundCardAlerting = true
            return [.alert(.soundCard, detail: "the sound card fails: the box is alive but cannot be heard")]
        }
        guard soundCardAlerting else { return [] }
        soundCardAlerting = false
        return [.alert(.soundCardCleared, detail: "the sound card works again")]
    }
}
