import LoaReceiverCore
import Testing

/// The adaptive jitter buffer's depth, fed with packets of a 20 ms stream over simulated paths.
@Suite("Jitter target")
struct JitterTargetTests {
    static let frame: UInt64 = 20_000_000
    static let milliseconds: UInt64 = 1_000_000

    /// A stream of 20 ms packets from a random RTP start; packet `index` leaves at `index` × 20 ms and arrives
    /// after `pathDelay` plus `jitter(index)` ns, on a box clock `ppm` fast.
    struct Stream {
        var first: Int64 = 3_000_000_000
        var pathDelay: UInt64 = 40_000_000
        var ppm: Double = 0
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D

        mutating func random(below bound: UInt64) -> UInt64 {
            guard bound > 0 else { return 0 }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (seed >> 33) % bound
        }

        func arrival(_ index: Int, jitter: UInt64) -> UInt64 {
            let sent = UInt64(index) * JitterTargetTests.frame + 5_000_000_000
            return UInt64(Double(sent) * (1 + ppm / 1_000_000)) + pathDelay + jitter
        }

        func sample(_ index: Int) -> Int64 { first + Int64(index) * 960 }
    }

    func fresh() -> JitterTarget {
        JitterTarget(floor: 40 * Self.milliseconds, ceiling: 400 * Self.milliseconds, frame: Self.frame)
    }

    @Test func aSteadyPathNeedsNoMoreThanTheFloor() {
        var target = fresh()
        let stream = Stream()
        for index in 0..<3_000 { target.arrived(at: stream.arrival(index, jitter: 0), sample: stream.sample(index)) }
        #expect(target.target == 40 * Self.milliseconds)
        #expect(target.delayQuantile <= 2 * Self.milliseconds)
    }

    @Test func theTargetFollowsTheNinetyFifthPercentileOfTheDelay() {
        var target = fresh()
        var stream = Stream()
        // Uniform jitter of 0-60 ms: the 95th percentile is 57 ms; plus one frame.
        for index in 0..<10_000 {
            let jitter = stream.random(below: 60 * Self.milliseconds)
            target.arrived(at: stream.arrival(index, jitter: jitter), sample: stream.sample(index))
        }
        #expect(target.delayQuantile >= 54 * Self.milliseconds && target.delayQuantile <= 62 * Self.milliseconds)
        #expect(target.target >= 74 * Self.milliseconds && target.target <= 82 * Self.milliseconds)
    }

    @Test func aBurstRaisesItAtOnceAndACalmLowersItSlowly() {
        var target = fresh()
        var stream = Stream()
        var index = 0
        func run(_ count: Int, jitter: (inout Stream) -> UInt64) {
            for _ in 0..<count {
                let late = jitter(&stream)
                target.arrived(at: stream.arrival(index, jitter: late), sample: stream.sample(index))
                index += 1
            }
        }
        run(1_000) { _ in 0 }
        #expect(target.target == 40 * Self.milliseconds)
        // A handover: one packet in ten is 150-200 ms late for 20 s.
        run(1_000) { stream in
            stream.random(below: 10) == 0 ? 150 * Self.milliseconds + stream.random(below: 50 * Self.milliseconds) : 0
        }
        let raised = target.target
        #expect(raised >= 150 * Self.milliseconds)
        // Ten calm seconds lower it by at most 10 ms (1 ms a second) ...
        run(500) { _ in 0 }
        #expect(target.target < raised)
        #expect(raised - target.target <= 10 * Self.milliseconds + Self.milliseconds)
        // ... and a long calm brings it back to the floor.
        run(30_000) { _ in 0 }
        #expect(target.target == 40 * Self.milliseconds)
    }

    @Test func itNeverLeavesItsBounds() {
        var target = JitterTarget(floor: 60 * Self.milliseconds, ceiling: 120 * Self.milliseconds, frame: Self.frame)
        var stream = Stream()
        for index in 0..<3_000 {
            let jitter = stream.random(below: 2) == 0 ? 500 * Self.milliseconds : 0
            target.arrived(at: stream.arrival(index, jitter: jitter), sample: stream.sample(index))
            #expect(target.target >= 60 * Self.milliseconds && target.target <= 120 * Self.milliseconds)
        }
        #expect(target.target == 120 * Self.milliseconds)
    }

    @Test func clockDriftAndAConstantPathDelayCountForNothing() {
        var target = fresh()
        // A box 100 ppm fast on a 300 ms path (a slow satellite-like hop), 10 minutes of audio.
        let stream = Stream(pathDelay: 300_000_000, ppm: 100)
        for index in 0..<30_000 { target.arrived(at: stream.arrival(index, jitter: 0), sample: stream.sample(index)) }
        #expect(target.target == 40 * Self.milliseconds)
        // 100 ppm slow too.
        var slow = fresh()
        let behind = Stream(pathDelay: 300_000_000, ppm: -100)
        for index in 0..<30_000 { slow.arrived(at: behind.arrival(index, jitter: 0), sample: behind.sample(index)) }
        #expect(slow.target == 40 * Self.milliseconds)
    }

    @Test func reorderedPacketsSayHowLateTheyAre() {
        var target = fresh()
        let stream = Stream()
        // Every fifth packet is overtaken by the next one: it arrives 30 ms late.
        for index in 0..<5_000 {
            let late: UInt64 = index % 5 == 0 ? 30 * Self.milliseconds : 0
            target.arrived(at: stream.arrival(index, jitter: late), sample: stream.sample(index))
        }
        #expect(target.delayQuantile >= 30 * Self.milliseconds && target.delayQuantile <= 32 * Self.milliseconds)
    }

    /// On the timeline the transit is the arrival less the handover instant: packets that come 100-140 ms before
    /// they are needed (uniform) leave 140 ms at best; the 95th percentile is 38-40 ms later, then a frame.
    @Test func onTheTimelineTheSpareIsWhatTheDelayLeaves() {
        var target = fresh()
        var stream = Stream()
        for index in 0..<5_000 {
            let arrival = UInt64(index) * Self.frame + 5_000_000_000
            let early = 100 * Self.milliseconds + stream.random(below: 40 * Self.milliseconds)
            target.arrived(at: arrival, transit: -Int64(early))
        }
        let spare = try! #require(target.spare)
        // 140 − (≈38 + 2 for the bucket) − 20 = ≈ 80 ms.
        #expect(spare >= 76 * Int64(Self.milliseconds) && spare <= 84 * Int64(Self.milliseconds))
        // Packets that come 10-30 ms after they were needed: 10 at best, the 95th percentile 20 ms later, then a
        // frame: the zone needs ≈ 50 ms more.
        var late = fresh()
        for index in 0..<5_000 {
            let arrival = UInt64(index) * Self.frame + 5_000_000_000
            late.arrived(
                at: arrival, transit: Int64(10 * Self.milliseconds + stream.random(below: 20 * Self.milliseconds)))
        }
        let short = try! #require(late.spare)
        #expect(short <= -48 * Int64(Self.milliseconds) && short >= -54 * Int64(Self.milliseconds))
    }

    /// A delay changed by the controller moves every transit at once: after `restartWindow` the least transit is
    /// the new one, not the old one kept 16 s; the histogram of relative delays stays.
    @Test func restartingTheWindowForgetsTheOldLeastTransit() {
        var target = fresh()
        var time: UInt64 = 5_000_000_000
        #expect(target.spare == nil)
        for _ in 0..<500 {
            target.arrived(at: time, transit: -100_000_000)
            time += Self.frame
        }
        let before = try! #require(target.spare)
        // The delay falls by 50 ms: every packet now comes 50 ms later against its instant (a few packets: not
        // enough to move the 95th percentile).
        for _ in 0..<5 {
            target.arrived(at: time, transit: -50_000_000)
            time += Self.frame
        }
        #expect(target.spare == before, "the window still holds the old least transit")
        target.restartWindow()
        #expect(target.spare == nil)
        target.arrived(at: time, transit: -50_000_000)
        let after = try! #require(target.spare)
        #expect(before - after == 50_000_000)
    }
}
