import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// The controller's clock on the box (issue 13, point 1): every verified trust answer is one exchange of the
/// link's `ControllerTimeline`, in nanoseconds when the controller sends them; the box asks four times a second
/// for its first 240 answers, once a second for 240 more, then every four seconds, so offset and rate are known
/// within seconds of a start and a jittery path gets many exchanges while the estimate is young.
@Suite("Controller time on the box")
struct ControllerTimeOnBoxTests {
    @Test func everyAnswerFeedsTheTimelineQuicklyAtFirstThenEveryFewSeconds() throws {
        let fixture = try TrustFixture()
        let stream = SigningKeyPair.generate()
        let list = fixture.list(version: 1, stream: stream)
        let link = try fixture.link()
        // The controller's clock: 1.8e18 ns ahead of the box's monotonic clock and 100 ppm fast.
        func controller(_ local: UInt64) -> Int64 { 1_800_000_000_000_000_000 + Int64(local) + Int64(local / 10_000) }

        var now: UInt64 = 1_000_000_000
        var asked: [UInt64] = []
        while asked.count < 484 {
            if let question = link.request(now: now) {
                asked.append(now)
                // Answered 2 ms later; stamped at the middle of the round trip.
                let stamp = controller(now + 1_000_000)
                let answer = fixture.answer(
                    question, time: stamp / 1_000_000, nanoseconds: stamp, list: list, signedBy: stream)
                #expect(answer.withUnsafeBytes { link.handle($0, now: now + 2_000_000) })
            }
            now += 10_000_000
        }
        #expect(link.answers == 484)
        // A quarter of a second after the answer for the first 240 answers, a second for 240 more, four seconds after
        // (the loop looks every 10 ms; answers take 2 ms).
        let gaps = zip(asked.dropFirst(), asked).map { ($0 - $1) / 10_000_000 }
        #expect(
            gaps == [UInt64](repeating: 26, count: 239) + [UInt64](repeating: 101, count: 240)
                + [UInt64](repeating: 401, count: 4))

        let timeline = link.timeline
        #expect(timeline.exchangeCount == 484)
        #expect(timeline.uncertaintyNanoseconds >= 1_000_000 && timeline.uncertaintyNanoseconds < 1_100_000)
        // The rate is learnt (the exchanges span more than 5 s) and the offset holds to well under a millisecond,
        // also a minute after the last answer.
        #expect(abs(timeline.driftPPM - 100) < 1, "\(timeline.driftPPM)")
        for local in [now, now + 60_000_000_000] {
            let estimate = try #require(timeline.controllerTime(at: local))
            #expect(abs(estimate - controller(local)) < 100_000, "\(estimate - controller(local)) ns off")
        }
        // The millisecond clock that freshness checks use is set from the same answers.
        #expect(link.now(monotonic: now).map { abs($0 - controller(now) / 1_000_000) <= 2 } == true)
    }

    /// A controller of an earlier release answers version 1 (milliseconds only): the box takes its time all the
    /// same, at millisecond resolution, and a version 2 answer whose nanoseconds were changed is refused.
    @Test func aMillisecondAnswerIsTakenAndAForgedNanosecondIsNot() throws {
        let fixture = try TrustFixture()
        let stream = SigningKeyPair.generate()
        let list = fixture.list(version: 1, stream: stream)
        let link = try fixture.link()
        let question = try #require(link.request(now: 1_000_000_000))
        var forged = fixture.answer(
            question, time: 1_800_000_000_000, nanoseconds: 1_800_000_000_000_400_000, list: list, signedBy: stream)
        forged[30] ^= 1  // inside the nanoseconds field (after magic, version, kind, nonce and milliseconds)
        #expect(!forged.withUnsafeBytes { link.handle($0, now: 1_004_000_000) })
        #expect(!link.timeline.isSet)
        let old = fixture.answer(question, time: 1_800_000_000_000, list: list, signedBy: stream)
        #expect(old.withUnsafeBytes { link.handle($0, now: 1_004_000_000) })
        #expect(link.timeline.controllerTime(at: 1_002_000_000) == 1_800_000_000_000_000_000)
        #expect(link.timeline.uncertaintyNanoseconds == 2_000_000)
    }
}
