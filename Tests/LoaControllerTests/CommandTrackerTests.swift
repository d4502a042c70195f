import LoaController
import LoaCrypto
import LoaSystem
import LoaWire
import Testing

/// The command tracker driven as the listener thread drives it, with monotonic times passed in: an
/// acknowledgement or running out of attempts ends a command and resumes whoever waits for it, once.
@Suite("Command tracker")
struct CommandTrackerTests {
    static let box = ReceiverID(0x0A0B_0C0D_0E0F_1011)
    static let other = ReceiverID(0x1111_2222_3333_4444)
    static let route: CommandRoute = (
        SocketAddress("127.0.0.1:40404")!, MessageKey(bytes: [UInt8](repeating: 7, count: 32))!
    )
    static let second: UInt64 = 1_000_000_000

    /// A tracker that sends each command at most twice, a second apart.
    static func tracker() -> CommandTracker { CommandTracker(attempts: 2, retryMilliseconds: 1000) }

    static func sends(_ tracker: CommandTracker, at now: UInt64, route: CommandRoute? = Self.route) -> [UInt32] {
        tracker.due(now: now) { _ in route }.map(\.0.id)
    }

    @Test func anAcknowledgementResumesTheWaiter() async {
        let tracker = Self.tracker()
        tracker.submit(ReceiverCommand(id: 1, receiver: Self.box, action: .volume(70)))
        let waiting = Task { await tracker.outcome(of: 1) }
        let sent = tracker.due(now: 0) { _ in Self.route }
        #expect(sent.map(\.0) == [ReceiverCommand(id: 1, receiver: Self.box, action: .volume(70))])
        #expect(sent.first?.1.address == Self.route.address)
        #expect(Self.sends(tracker, at: Self.second / 2).isEmpty, "not again before the retry period")
        tracker.acknowledged(1, by: Self.box)
        #expect(await waiting.value == .acknowledged)
        let finished = tracker.takeFinished()
        #expect(finished.map(\.id) == [1] && finished.map(\.outcome) == [.acknowledged])
        #expect(finished.map(\.attempts) == [1])
        #expect(Self.sends(tracker, at: 5 * Self.second).isEmpty, "an acknowledged command is not sent again")
        #expect(tracker.inFlight == 0, "nothing is kept once its outcome is taken")
    }

    @Test func runningOutOfAttemptsResumesTheWaiter() async {
        let tracker = Self.tracker()
        tracker.submit(ReceiverCommand(id: 2, receiver: Self.box, action: .mute))
        let waiting = Task { await tracker.outcome(of: 2) }
        #expect(Self.sends(tracker, at: 0) == [2])
        #expect(Self.sends(tracker, at: Self.second) == [2], "resent after the retry period")
        #expect(Self.sends(tracker, at: Self.second + Self.second / 2).isEmpty)
        #expect(Self.sends(tracker, at: 2 * Self.second).isEmpty, "two attempts: then it ends")
        let outcome = await waiting.value
        #expect(outcome == .unanswered(attempts: 2))
        #expect(outcome.text == "failed: no acknowledgement after 2 attempts")
        let finished = tracker.takeFinished()
        #expect(finished.map(\.id) == [2] && finished.map(\.outcome) == [.unanswered(attempts: 2)])
        #expect(finished.map(\.attempts) == [2])
        #expect(tracker.inFlight == 0)
    }

    @Test func aLateOrForeignAcknowledgementIsIgnored() async {
        let tracker = Self.tracker()
        tracker.submit(ReceiverCommand(id: 3, receiver: Self.box, action: .unmute))
        #expect(Self.sends(tracker, at: 0) == [3])
        tracker.acknowledged(3, by: Self.other)
        tracker.acknowledged(99, by: Self.box)
        #expect(tracker.takeFinished().isEmpty, "another box's acknowledgement ends nothing")
        #expect(Self.sends(tracker, at: Self.second) == [3])
        #expect(Self.sends(tracker, at: 2 * Self.second).isEmpty)
        tracker.acknowledged(3, by: Self.box)  // late
        #expect(await tracker.outcome(of: 3) == .unanswered(attempts: 2), "an outcome that waited for its taker")
        #expect(tracker.takeFinished().map(\.outcome) == [.unanswered(attempts: 2)], "ended once")
        tracker.acknowledged(3, by: Self.box)
        #expect(tracker.takeFinished().isEmpty)
        #expect(tracker.inFlight == 0)
    }

    @Test func aBoxWithNoRouteEndsItsCommandUnreachable() async {
        let tracker = Self.tracker()
        tracker.submit(ReceiverCommand(id: 4, receiver: Self.box, action: .refresh))
        #expect(Self.sends(tracker, at: 0, route: nil).isEmpty)
        let outcome = await tracker.outcome(of: 4)
        #expect(outcome == .unreachable)
        #expect(outcome.text == "failed: the receiver has never been heard from since it was approved")
        #expect(outcome.state == "failed" && CommandResult.acknowledged.state == "acknowledged")
    }

    @Test func commandsToSeveralBoxesEndOnTheirOwn() async {
        let tracker = Self.tracker()
        tracker.submit(ReceiverCommand(id: 5, receiver: Self.box, action: .testTone))
        tracker.submit(ReceiverCommand(id: 6, receiver: Self.other, action: .testTone))
        #expect(Set(Self.sends(tracker, at: 0)) == [5, 6])
        tracker.acknowledged(6, by: Self.other)
        #expect(Self.sends(tracker, at: Self.second) == [5])
        tracker.acknowledged(5, by: Self.box)
        #expect(await tracker.outcome(of: 5) == .acknowledged)
        #expect(await tracker.outcome(of: 6) == .acknowledged)
        #expect(tracker.takeFinished().map(\.attempts) == [1, 2])
    }
}
