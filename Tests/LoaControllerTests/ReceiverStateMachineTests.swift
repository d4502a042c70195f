import LoaControlAPI
import LoaController
import LoaWire
import Testing

/// Every transition of a box's state machine, and the history entries and alerts it returns, with no registry,
/// clock or lock around it.
@Suite("Receiver state machine")
struct ReceiverStateMachineTests {
    static let box = ReceiverID(0x0123_4567_89AB_CDEF)
    static let rules = FleetConfiguration()

    static func heartbeat(
        sequence: UInt32, epoch: UInt32 = 1, muted: Bool = false, soundCardFailing: Bool = false,
        received: UInt32 = 0, lost: UInt32 = 0, underruns: UInt32 = 0
    ) -> Heartbeat {
        Heartbeat(
            receiver: box, epoch: epoch, sequence: sequence, muted: muted, soundCardFailing: soundCardFailing,
            received: received, lost: lost, underruns: underruns)
    }

    /// An approved, online box that has been heard once.
    static func online() -> (ReceiverStateMachine, Heartbeat) {
        var machine = ReceiverStateMachine()
        _ = machine.approve(muted: false)
        let first = heartbeat(sequence: 1)
        _ = machine.heard(first, previous: nil, silentSeconds: 0, rules: rules)
        return (machine, first)
    }

    @Test func aNewBoxIsPendingWithOneAlertAndNothingItSaysIsActedOn() {
        var machine = ReceiverStateMachine()
        let events = machine.firstHeard(Self.box, from: "127.0.0.1:40404")
        #expect(machine.state == .pending)
        #expect(
            events == [
                .entered(.pending, detail: "first heard from 127.0.0.1:40404, waiting for approval"),
                .alert(
                    .pending,
                    detail: "a new box asks to join from 127.0.0.1:40404: approve it with 'loa receivers approve "
                        + Self.box.text + " --name NAME --zone ZONE'"),
            ])
        let failing = Self.heartbeat(sequence: 2, muted: true, soundCardFailing: true)
        #expect(machine.heard(failing, previous: nil, silentSeconds: 1, rules: Self.rules).isEmpty)
        #expect(machine.check(now: 10, deadline: 1, silentSeconds: 99).isEmpty, "a pending box is never offline")
        #expect(machine.state == .pending)
    }

    @Test(arguments: [false, true])
    func approvalMakesItOnlineOrMutedOnce(muted: Bool) {
        var machine = ReceiverStateMachine()
        let expected: ReceiverState = muted ? .muted : .online
        #expect(machine.approve(muted: muted) == [.entered(expected, detail: "approved")])
        #expect(machine.state == expected && machine.approved)
        #expect(machine.approve(muted: !muted).isEmpty, "approving again changes nothing")
        #expect(machine.state == expected)
    }

    @Test func muteAndUnmuteAreRecordedWithoutAlerts() {
        var (machine, first) = Self.online()
        let muted = Self.heartbeat(sequence: 2, muted: true)
        #expect(
            machine.heard(muted, previous: first, silentSeconds: 1, rules: Self.rules) == [
                .entered(.muted, detail: "muted")
            ])
        #expect(
            machine.heard(
                Self.heartbeat(sequence: 3, muted: true), previous: muted, silentSeconds: 1, rules: Self.rules
            ).isEmpty)
        #expect(
            machine.heard(Self.heartbeat(sequence: 4), previous: muted, silentSeconds: 1, rules: Self.rules) == [
                .entered(.online, detail: "unmuted")
            ])
    }

    @Test func silencePastTheDeadlineIsOfflineOnceAndTheNextHeartbeatBringsItBack() {
        var (machine, first) = Self.online()
        #expect(machine.check(now: 100, deadline: 100, silentSeconds: 15).isEmpty, "at the deadline: still online")
        let offline = machine.check(now: 101, deadline: 100, silentSeconds: 16)
        #expect(
            offline == [
                .entered(.offline, detail: "no heartbeat for 16 s"), .alert(.offline, detail: "no heartbeat for 16 s"),
            ])
        #expect(machine.state == .offline)
        #expect(machine.check(now: 500, deadline: 100, silentSeconds: 20).isEmpty, "offline is alerted once")

        let back = machine.heard(Self.heartbeat(sequence: 2), previous: first, silentSeconds: 42, rules: Self.rules)
        #expect(
            back == [
                .entered(.online, detail: "back after 42 s of silence"),
                .alert(.online, detail: "back after 42 s of silence"),
            ])
        var muted = ReceiverStateMachine(state: .offline, approved: true)
        #expect(
            muted.heard(Self.heartbeat(sequence: 9, muted: true), previous: nil, silentSeconds: nil, rules: Self.rules)
                == [
                    .entered(.muted, detail: "back after a while of silence"),
                    .alert(.online, detail: "back after a while of silence"),
                ])
    }

    @Test func theDeadlineIsThreeOfItsOwnIntervalsAndAQuarterSecond() {
        #expect(ReceiverStateMachine.offlineDeadline(heardAt: 1_000, intervalMilliseconds: 1000) == 3_250_001_000)
        #expect(ReceiverStateMachine.offlineDeadline(heardAt: 0, intervalMilliseconds: nil) == 15_250_000_000)
        #expect(ReceiverStateMachine.offlineDeadline(heardAt: 0, intervalMilliseconds: 10) == 550_000_000)
    }

    @Test func sustainedLossAndUnderrunsAlertOnceAndClearOnce() {
        var (machine, previous) = Self.online()
        var received: UInt32 = 0
        var lost: UInt32 = 0
        var underruns: UInt32 = 0
        func beat(received more: UInt32, lost moreLost: UInt32 = 0, underruns moreUnderruns: UInt32 = 0)
            -> [ReceiverEvent]
        {
            received += more
            lost += moreLost
            underruns += moreUnderruns
            let next = Self.heartbeat(
                sequence: previous.sequence + 1, received: received, lost: lost, underruns: underruns)
            defer { previous = next }
            return machine.heard(next, previous: previous, silentSeconds: 1, rules: Self.rules)
        }
        #expect(beat(received: 90, lost: 10, underruns: 1).isEmpty)
        #expect(beat(received: 90, lost: 10, underruns: 1).isEmpty)
        #expect(
            beat(received: 90, lost: 10, underruns: 2) == [
                .alert(.loss, detail: "10.0 % of packets lost in 3 heartbeats"),
                .alert(.underruns, detail: "2 ALSA underruns in the last heartbeat, 3 in a row"),
            ])
        #expect(beat(received: 90, lost: 10, underruns: 1).isEmpty, "one alert while it lasts")
        #expect(
            beat(received: 100) == [
                .alert(.lossCleared, detail: "loss back under 5.0 %"),
                .alert(.underrunsCleared, detail: "no more underruns"),
            ])
        #expect(beat(received: 100).isEmpty, "one clear")
    }

    @Test func countersOfAnotherEpochAreNotCompared() {
        var (machine, previous) = Self.online()
        for epoch in 2...6 as ClosedRange<UInt32> {
            // Each heartbeat of a new epoch (a restarted box) reports 100 % loss against the one before.
            let next = Self.heartbeat(sequence: 1, epoch: epoch, received: 0, lost: 1000 * epoch)
            #expect(machine.heard(next, previous: previous, silentSeconds: 1, rules: Self.rules).isEmpty)
            previous = next
        }
    }

    @Test func aFailingSoundCardIsAlertedOnceAndClearedOnce() {
        var (machine, previous) = Self.online()
        func beat(failing: Bool) -> [ReceiverEvent] {
            let next = Self.heartbeat(sequence: previous.sequence + 1, soundCardFailing: failing)
            defer { previous = next }
            return machine.heard(next, previous: previous, silentSeconds: 1, rules: Self.rules)
        }
        #expect(
            beat(failing: true) == [
                .alert(.soundCard, detail: "the sound card fails: the box is alive but cannot be heard")
            ])
        #expect(beat(failing: true).isEmpty)
        #expect(beat(failing: false) == [.alert(.soundCardCleared, detail: "the sound card works again")])
        #expect(beat(failing: false).isEmpty)
    }

    /// Issue 12, point 11: a box that cannot get trusted time plays nothing; the controller alerts it once, and
    /// once more when it has trusted time again.
    @Test func aBoxWithoutTrustedTimeIsAlertedOnceAndClearedOnce() {
        var (machine, previous) = Self.online()
        func beat(lacking: Bool) -> [ReceiverEvent] {
            var next = Self.heartbeat(sequence: previous.sequence + 1)
            next.noTrustedTime = lacking
            defer { previous = next }
            return machine.heard(next, previous: previous, silentSeconds: 1, rules: Self.rules)
        }
        let alert = ReceiverEvent.alert(
            .noTrustedTime,
            detail: "the box cannot get trusted time from the controller and plays nothing: check its trust "
                + "anchor is this commune's root.pub and its log")
        #expect(beat(lacking: true) == [alert])
        #expect(beat(lacking: true).isEmpty)
        #expect(beat(lacking: false) == [.alert(.trustedTimeCleared, detail: "the box has trusted time again")])
        #expect(beat(lacking: false).isEmpty)
        var restarted = ReceiverStateMachine(state: .online, approved: true, noTrustedTime: true)
        var still = Self.heartbeat(sequence: 9)
        still.noTrustedTime = true
        #expect(restarted.heard(still, previous: nil, silentSeconds: 1, rules: Self.rules) == [alert])
    }

    @Test func afterARestartAStandingSoundCardAlertIsRaisedAgainOrCleared() {
        let failing = Self.heartbeat(sequence: 7, soundCardFailing: true)
        var stillFailing = ReceiverStateMachine(state: .online, approved: true, soundCardFailing: true)
        #expect(
            stillFailing.heard(failing, previous: nil, silentSeconds: 1, rules: Self.rules) == [
                .alert(.soundCard, detail: "the sound card fails: the box is alive but cannot be heard")
            ])
        var working = ReceiverStateMachine(state: .online, approved: true, soundCardFailing: true)
        #expect(
            working.heard(Self.heartbeat(sequence: 7), previous: nil, silentSeconds: 1, rules: Self.rules) == [
                .alert(.soundCardCleared, detail: "the sound card works again")
            ])
        var pending = ReceiverStateMachine(state: .pending, approved: false, soundCardFailing: true)
        _ = pending.approve(muted: false)
        #expect(
            pending.heard(Self.heartbeat(sequence: 7), previous: nil, silentSeconds: 1, rules: Self.rules).isEmpty,
            "no alert stood for a box that was pending")
    }
}
