import CLoaBench
import Dispatch
import Foundation
import LoaController
import LoaCrypto
import LoaSource
import LoaSystem
import Synchronization

/// Records what the real `Pacer` reports through its send observer (`Pacer.SendObserver`), on the pacer thread:
/// each packet's absolute deviation from its deadline (the ideal point on its zone's 20 ms grid), the pacer
/// thread's allocations and CPU time, and the first packet of every new airing in each zone. Storage is
/// allocated before the pacer starts; recording allocates nothing.
final class PacerRecorder: @unchecked Sendable {
    struct Start {
        var zone: Int
        var airing: Int64
        var sentAt: UInt64
    }

    let histogram = Histogram()
    /// Packets sent in [measureFrom, measureUntil) are measured; the rest are warm-up or wind-down.
    let measureFrom: UInt64
    let measureUntil: UInt64
    private(set) var measured = 0
    private var sampled = 0
    private var firstAllocations: UInt64 = 0
    private var lastAllocations: UInt64 = 0
    private var firstCPU = 0.0
    private var lastCPU = 0.0
    private var firstTime: UInt64 = 0
    private var lastTime: UInt64 = 0
    private let lastAiring: UnsafeMutableBufferPointer<Int64>
    private let starts: UnsafeMutableBufferPointer<Start>
    /// How many entries of `starts` are written (release/acquire: other threads may read them).
    let startCount = Atomic<Int>(0)

    init(zones: Int, measureFrom: UInt64, measureUntil: UInt64, startCapacity: Int = 4096) {
        self.measureFrom = measureFrom
        self.measureUntil = measureUntil
        lastAiring = .allocate(capacity: max(zones, 1))
        lastAiring.initialize(repeating: -1)
        starts = .allocate(capacity: startCapacity)
        starts.initialize(repeating: Start(zone: 0, airing: 0, sentAt: 0))
    }

    deinit {
        lastAiring.deallocate()
        starts.deallocate()
    }

    var observer: Pacer.SendObserver { { [self] zone, airing, deadline, sentAt in observe(zone, airing, deadline, sentAt) } }

    @inline(__always)
    func observe(_ zone: Int, _ airing: Int64, _ deadline: UInt64, _ sentAt: UInt64) {
        if lastAiring[zone] != airing {
            lastAiring[zone] = airing
            let count = startCount.load(ordering: .relaxed)
            if count < starts.count {
                starts[count] = Start(zone: zone, airing: airing, sentAt: sentAt)
                startCount.store(count + 1, ordering: .releasing)
            }
        }
        guard sentAt >= measureFrom && sentAt < measureUntil else { return }
        histogram.record(sentAt > deadline ? sentAt - deadline : deadline - sentAt)
        measured += 1
        if measured == 1 {
            firstAllocations = allocations()
            firstCPU = threadCPUSeconds()
            firstTime = sentAt
        } else if measured & 127 == 0 {
            lastAllocations = allocations()
            lastCPU = threadCPUSeconds()
            lastTime = sentAt
            sampled = measured
        }
    }

    /// The recorded airing starts from `index` on (after `startCount` says they are written).
    func start(_ index: Int) -> Start {
        precondition(index < startCount.load(ordering: .acquiring))
        return starts[index]
    }

    /// Pacer-thread allocations per packet and CPU seconds per second, over the measured packets.
    var allocationsPerPacket: Double { sampled > 1 ? Double(lastAllocations - firstAllocations) / Double(sampled - 1) : 0 }
    var load: Double { lastTime > firstTime ? (lastCPU - firstCPU) / (Double(lastTime - firstTime) / 1e9) : 0 }
}

/// Figures 3 and 6: the real `Pacer` (its thread, its loop, its per-zone phases and batch window, sealing on)
/// sending a stored clip in real time on N zones to TTL-0 groups through 127.0.0.1. Each datagram's
/// deviation is |time `sendto` returned − its deadline|, reported by the pacer's send observer.
enum Pacing {
    struct Result {
        var deviation: Summary
        var packets: Int
        /// CPU seconds of the pacer thread per second of wall time.
        var load: Double
        var allocationsPerPacket: Double
        var realTime: Bool
    }

    /// Starts a `Pacer` on `zones` zones, puts `clip` on all of them at once (as a bulletin to every zone) and
    /// measures `seconds` after 0.5 s of warm-up.
    static func run(zones: Int, seconds: Double, clip: EncodedClip, signed: Bool, firstGroup: Int = 16) -> Result? {
        let length = min(seconds, Double(clip.durationMilliseconds) / 1000 - 1.5)
        let from = MonotonicClock.now() + 500_000_000
        let recorder = PacerRecorder(zones: zones, measureFrom: from, measureUntil: from + UInt64(length * 1e9))
        let zoneList = (0..<zones).map { index in
            Zone(
                name: "z" + String(index), group: BenchNetwork.group(firstGroup + index, port: 5410),
                interface: BenchNetwork.interface, ttl: 0)
        }
        guard let pacer = try? Pacer(zones: zoneList, signingKey: signed ? SigningKeyPair.generate() : nil, observer: recorder.observer)
        else { return nil }
        pacer.start()
        for (index, zone) in zoneList.enumerated() { pacer.play(ReadyItem(id: Int64(index + 1), clip: clip), zone: zone.name) }
        MonotonicClock.sleep(until: recorder.measureUntil + 20_000_000)
        let realTime = pacer.isRealTime
        pacer.shutdown()
        return Result(
            deviation: recorder.histogram.summary(), packets: recorder.measured,
            load: recorder.load, allocationsPerPacket: recorder.allocationsPerPacket, realTime: realTime)
    }

    static func describe(_ result: Result) -> String {
        var text = "p50 " + formatDuration(result.deviation.p50) + ", p99 " + formatDuration(result.deviation.p99)
        text += ", max " + formatDuration(result.deviation.max) + " (" + String(result.packets) + " packets"
        if !result.realTime { text += ", SCHED_FIFO refused" }
        return text + ", thread " + fixed(result.load * 100, 1) + "% CPU, " + fixed(result.allocationsPerPacket, 3) + " alloc/packet)"
    }

    /// Figure 3: one zone, sealed, for `seconds`.
    static func single(clip: EncodedClip, seconds: Double, report: Report) {
        guard let result = run(zones: 1, seconds: seconds, clip: clip, signed: true, firstGroup: 8) else {
            report.note("figure 3: cannot open a stream")
            return
        }
        report.add(
            "3", "pacing, 1 zone, " + fixed(min(seconds, Double(clip.durationMilliseconds) / 1000 - 1.5), 0)
                + " s real time, the real Pacer (SCHED_FIFO, 0.25 ms batch window), sealed: deviation from the 20 ms grid",
            describe(result), goal: "p99 ≤ 1 ms")
    }

    /// Figure 6: growing numbers of zones on one `Pacer` until p99 passes 1 ms; sealed, and (for comparison) not.
    static func scale(clip: EncodedClip, counts: [Int], seconds: Double, signedOnly: Bool = false, report: Report) {
        for signed in [true, false] where signed || !signedOnly {
            var best = 0
            var firstMiss: (Int, Result)?
            let kind = signed ? "every packet sealed" : "sealing off"
            for zones in counts {
                guard let result = run(zones: zones, seconds: seconds, clip: clip, signed: signed) else {
                    report.note("figure 6: cannot open " + String(zones) + " streams")
                    break
                }
                print("    " + String(zones) + " zones, " + kind + ": " + describe(result))
                fflush(nil)
                if result.deviation.p99 <= 1_000_000 {
                    best = zones
                } else {
                    firstMiss = (zones, result)
                    break
                }
            }
            var text = String(best) + " zones"
            if let (zones, result) = firstMiss {
                text += " (at " + String(zones) + ": p99 " + formatDuration(result.deviation.p99) + ", thread "
                    + fixed(result.load * 100, 0) + "% CPU)"
            } else {
                text = "≥ " + text + " (largest tried)"
            }
            report.add(
                "6", "zones one Pacer thread sends with p99 ≤ 1 ms, all zones' items queued at one instant, " + kind + " ("
                    + fixed(seconds, 0) + " s per step)", text, goal: signed ? "≥ 500" : "")
        }
    }
}
