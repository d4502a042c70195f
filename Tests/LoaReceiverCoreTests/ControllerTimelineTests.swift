import LoaReceiverCore
import Testing

/// The box's estimate of the controller's clock, fed with simulated exchanges over a network whose one-way
/// delays vary (a fixed floor plus a random queueing delay on each way), between crystals that differ.
@Suite("Controller timeline")
struct ControllerTimelineTests {
    /// A box whose monotonic clock runs `ppm` fast against the controller's and started `start` ns before it;
    /// each way of an exchange takes `floor` plus a queueing delay: up to `light` ns most of the time, up to
    /// `queueing` ns one time in `busy` (a loaded LAN or a cell), chosen by a fixed-seed generator.
    struct Network {
        var ppm: Double
        var start: Int64 = 7_000_000_000
        var floor: UInt64 = 150_000
        var light: UInt64 = 300_000
        var queueing: UInt64 = 8_000_000
        var busy: UInt64 = 3
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15

        mutating func random() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }

        mutating func delay() -> UInt64 { random() % busy == 0 ? random() % queueing : random() % light }

        /// The box's local time when the controller's clock reads `controller`.
        func local(at controller: Int64) -> UInt64 {
            UInt64(Double(controller + start) * (1 + ppm / 1_000_000))
        }

        /// One exchange asked at controller time `controller`: up and down delays drawn, the stamp taken on
        /// arrival at the controller.
        mutating func exchange(at controller: Int64) -> ControllerTimeline.Exchange {
            let up = Int64(floor + delay())
            let down = Int64(floor + delay())
            return .init(
                askedAt: local(at: controller), controllerTime: controller + up,
                answeredAt: local(at: controller + up + down))
        }
    }

    @Test func oneExchangeGivesTheOffsetWithinHalfItsRoundTrip() throws {
        var network = Network(ppm: 0)
        var timeline = ControllerTimeline()
        #expect(timeline.controllerTime(at: 1) == nil)
        let exchange = network.exchange(at: 1_000_000_000)
        #expect(timeline.take(exchange) == .started)
        let estimate = try #require(timeline.controllerTime(at: exchange.answeredAt))
        let truth = Int64(exchange.answeredAt) - network.start
        #expect(abs(estimate - truth) <= Int64(timeline.uncertaintyNanoseconds))
        #expect(timeline.uncertaintyNanoseconds == (exchange.answeredAt - exchange.askedAt) / 2)
    }

    /// A box 100 ppm fast over a jittery path (up to 8 ms queueing each way one time in three), asking every 5 s for 10 minutes:
    /// the fitted rate is the crystals' difference and the estimate is within 0.5 ms and within its stated
    /// uncertainty, also 30 s after the last exchange.
    @Test(arguments: [100.0, -100.0, 37.0])
    func aDriftingCrystalIsFollowedThroughJitter(ppm: Double) throws {
        var network = Network(ppm: ppm)
        var timeline = ControllerTimeline()
        var controller: Int64 = 1_000_000_000
        for _ in 0..<120 {
            timeline.take(network.exchange(at: controller))
            controller += 5_000_000_000
        }
        // The controller's clock runs slower than the box's by `ppm`: rate ≈ −ppm (to first order).
        #expect(abs(timeline.driftPPM + ppm) < 2, "drift \(timeline.driftPPM) ppm for a box \(ppm) ppm fast")
        for ahead: Int64 in [0, 30_000_000_000] {
            let at = controller + ahead
            let estimate = try #require(timeline.controllerTime(at: network.local(at: at)))
            #expect(abs(estimate - at) < 500_000, "off by \(estimate - at) ns, \(ahead / 1_000_000_000) s on")
            #expect(abs(estimate - at) <= Int64(timeline.uncertaintyNanoseconds) + 100_000)
        }
        #expect(timeline.uncertaintyNanoseconds < 1_000_000)
        // And back: the local instant of a controller instant is where the controller's clock reads it.
        let instant = controller + 2_000_000_000
        let local = try #require(timeline.localTime(at: instant))
        let roundTrip = try #require(timeline.controllerTime(at: local))
        #expect(abs(roundTrip - instant) <= 1_000)
    }

    /// Issue 13's jittery path (the skew benchmark's relay): every datagram held 40 ± 20 ms, each way on its own.
    /// Both legs are short together only one time in hundreds, but each alone one time in tens: the estimate takes
    /// each leg's least delay on its own, at the box's own pace (`TrustLink.interval(afterAnswers:)`). Twenty boxes
    /// (twenty draws of the path) on the same crystal and 100 ppm either way, after one minute, six and sixteen:
    /// within 0.5 ms of the controller's clock at the median and 1.5 ms at worst (0.14–0.20 and 0.69–1.00 ms here).
    /// The estimate of 2026-12-04 (8 quick answers, then one every 4 s; the least delays taken from 17 minutes
    /// whatever the rate's error) left them 3.6 ms off at the median after a minute and up to 6.5 ms after six;
    /// the round trip's best exchanges, before it, 2.9 ms at the median after sixteen.
    @Test(arguments: [0.0, 100.0, -100.0])
    func eachLegsLeastDelayGivesTheOffsetThroughAJitteryRelay(ppm: Double) throws {
        let checkpoints: [Int64] = [60, 360, 960]
        var errors = [[Int64]](repeating: [], count: checkpoints.count)
        for seed: UInt64 in 1...20 {
            var network = Network(
                ppm: ppm, floor: 20_000_000, light: 40_000_000, queueing: 40_000_000, busy: 1_000_000,
                seed: seed &* 0x9E37_79B9_7F4A_7C15)
            var timeline = ControllerTimeline()
            var controller: Int64 = 1_000_000_000
            var answers = 0
            for (index, checkpoint) in checkpoints.enumerated() {
                let until = 1_000_000_000 + checkpoint * 1_000_000_000
                while controller < until {
                    timeline.take(network.exchange(at: controller))
                    answers += 1
                    controller += Int64(TrustLink.interval(afterAnswers: answers))
                }
                let estimate = try #require(timeline.controllerTime(at: network.local(at: until)))
                errors[index].append(abs(estimate - until))
            }
        }
        for (index, checkpoint) in checkpoints.enumerated() {
            let sorted = errors[index].sorted()
            #expect(sorted[10] < 500_000, "median \(sorted[10]) ns at \(ppm) ppm after \(checkpoint) s")
            #expect(sorted[19] < 1_500_000, "worst \(sorted[19]) ns at \(ppm) ppm after \(checkpoint) s")
        }
    }

    /// Without a rate (exchanges spread over less than `rateSpan`), the estimate is the best offset alone.
    @Test func noRateBeforeTheExchangesSpanEnough() {
        var network = Network(ppm: 100)
        var timeline = ControllerTimeline()
        for step in 0..<5 { timeline.take(network.exchange(at: Int64(step) * 1_000_000_000)) }
        #expect(timeline.driftPPM == 0)
        #expect(timeline.exchangeCount == 5)
    }

    /// A controller that restarts begins a new timeline: the first answer after it restarts the estimate
    /// instead of being averaged with the old one.
    @Test func aJumpOfTheControllersClockRestartsTheEstimate() throws {
        var network = Network(ppm: 0)
        var timeline = ControllerTimeline()
        for step in 0..<10 { timeline.take(network.exchange(at: Int64(step) * 5_000_000_000)) }
        let before = try #require(timeline.controllerTime(at: network.local(at: 50_000_000_000)))
        // The controller comes back with its timeline 3 s behind where it was.
        var after = network.exchange(at: 50_000_000_000)
        after.controllerTime -= 3_000_000_000
        guard case .restarted(let jump) = timeline.take(after) else {
            Issue.record("a 3 s jump was not seen as a restart")
            return
        }
        #expect(abs(jump + 3_000_000_000) < 20_000_000)
        #expect(timeline.exchangeCount == 1)
        let now = try #require(timeline.controllerTime(at: after.answeredAt))
        #expect(abs(now - (before - 3_000_000_000)) < 20_000_000)
        // An answer from before the question is not a measurement.
        #expect(timeline.take(.init(askedAt: 10, controllerTime: 5, answeredAt: 9)) == .ignored)
    }
}
