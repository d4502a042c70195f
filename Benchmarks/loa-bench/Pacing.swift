import CLoaBench
import Dispatch
import Foundation
import LoaController
import LoaCrypto
import LoaSource
import LoaSystem
import Synchronization

/// Records what the real `Pacer` reports through its send observer (`Pacer.SendObserver`), on each pacer
/// thread: each packet's absolute deviation from its deadline (the ideal point on its zone's 20 ms grid), each
/// thread's allocations and CPU time, and the first packet of every new airing in each zone. Storage is
/// allocated before the pacer starts; recording allocates nothing.
final class PacerRecorder: @unchecked Sendable {
    struct Start {
        var zone: Int
        var airing: Int64
        var sentAt: UInt64
    }

    /// What one pacer thread reports; touched only by that thread until the pacer stops.
    final class ThreadRecord {
        let histogram = Histogram()
        var measured = 0
        var sampled = 0
        var firstAllocations: UInt64 = 0
        var lastAllocations: UInt64 = 0
        var firstCPU = 0.0
        var lastCPU = 0.0
        var firstTime: UInt64 = 0
        var lastTime: UInt64 = 0

        var load: Double { lastTime > firstTime ? (lastCPU - firstCPU) / (Double(lastTime - firstTime) / 1e9) : 0 }
    }

    /// Packets sent in [measureFrom, measureUntil) are measured; the rest are warm-up or wind-down.
    let measureFrom: UInt64
    let measureUntil: UInt64
    let threads: [ThreadRecord]
    /// Written only by the thread that sends the zone.
    private let lastAiring: UnsafeMutableBufferPointer<Int64>
    private let starts: UnsafeMutableBufferPointer<Start>
    /// How many entries of `starts` are written; several pacer threads add to it.
    private let written = Mutex<Int>(0)

    /// `threads`: the pacer's thread count (`Pacer(threads:)`).
    init(zones: Int, threads: Int, measureFrom: UInt64, measureUntil: UInt64, startCapacity: Int = 4096) {
        self.measureFrom = measureFrom
        self.measureUntil = measureUntil
        self.threads = (0..<max(threads, 1)).map { _ in ThreadRecord() }
        lastAiring = .allocate(capacity: max(zones, 1))
        lastAiring.initialize(repeating: -1)
        starts = .allocate(capacity: startCapacity)
        starts.initialize(repeating: Start(zone: 0, airing: 0, sentAt: 0))
    }

    deinit {
        lastAiring.deallocate()
        starts.deallocate()
    }

    var observer: Pacer.SendObserver {
        { [self] thread, zone, airing, deadline, sentAt in observe(thread, zone, airing, deadline, sentAt) }
    }

    @inline(__always)
    func observe(_ thread: Int, _ zone: Int, _ airing: Int64, _ deadline: UInt64, _ sentAt: UInt64) {
        if lastAiring[zone] != airing {
            lastAiring[zone] = airing
            written.withLock { count in
                guard count < starts.count else { return }
                starts[count] = Start(zone: zone, airing: airing, sentAt: sentAt)
                count += 1
            }
        }
        guard sentAt >= measureFrom && sentAt < measureUntil else { return }
        let record = threads[thread]
        record.histogram.record(sentAt > deadline ? sentAt - deadline : deadline - sentAt)
        record.measured += 1
        if record.measured == 1 {
            record.firstAllocations = allocations()
            record.firstCPU = threadCPUSeconds()
            record.firstTime = sentAt
        } else if record.measured & 127 == 0 {
            record.lastAllocations = allocations()
            record.lastCPU = threadCPUSeconds()
            record.lastTime = sentAt
            record.sampled = record.measured
        }
    }

    /// How many airing starts are recorded so far.
    var startCount: Int { written.withLock { $0 } }

    /// The recorded airing start `index` (below `startCount`).
    func start(_ index: Int) -> Start {
        written.withLock { count in
            precondition(index < count)
            return starts[index]
        }
    }

    /// Packets measured on all threads.
    var measured: Int { threads.reduce(0) { $0 + $1.measured } }
    /// The deviations of all threads' packets.
    func deviation() -> Summary {
        let merged = Histogram()
        for record in threads { merged.add(record.histogram) }
        return merged.summary()
    }
    /// Pacer-thread allocations per packet, over all threads' measured packets.
    var allocationsPerPacket: Double {
        let sampled = threads.reduce(0) { $0 + max($1.sampled - 1, 0) }
        let allocated = threads.reduce(UInt64(0)) {
            $0 + ($1.sampled > 1 ? $1.lastAllocations - $1.firstAllocations : 0)
        }
        return sampled > 0 ? Double(allocated) / Double(sampled) : 0
    }
    /// Each thread's CPU seconds per second of wall time.
    var loads: [Double] { threads.map(\.load) }
}

/// Figures 3 and 6: the real `Pacer` (its thread, its loop, its per-zone phases and batch window, sealing on)
/// sending a stored clip in real time on N zones to TTL-0 groups through 127.0.0.1. Each datagram's
/// deviation is |time `sendto` returned − its deadline|, reported by the pacer's send observer.
enum Pacing {
    struct Result {
        var deviation: Summary
        var packets: Int
        /// CPU seconds of each pacer thread per second of wall time.
        var loads: [Double]
        var allocationsPerPacket: Double
        var realTime: Bool

        /// What `recorder` recorded.
        init(_ recorder: PacerRecorder, realTime: Bool) {
            deviation = recorder.deviation()
            packets = recorder.measured
            loads = recorder.loads
            allocationsPerPacket = recorder.allocationsPerPacket
            self.realTime = realTime
        }

        /// "thread 77% CPU", or "2 threads 40% + 41% CPU".
        var threadLoad: String {
            (loads.count == 1 ? "thread " : String(loads.count) + " threads ")
                + loads.map { fixed($0 * 100, 0) + "%" }.joined(separator: " + ") + " CPU"
        }
    }

    /// The pacer's thread count for `zones` zones when `threads` is nil: as the controller makes it.
    static func threadCount(_ threads: Int?, zones: Int) -> Int {
        max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, zones))
    }

    /// Starts a `Pacer` on `zones` zones (on `threads` threads; nil: the controller's default, one per core), puts
    /// `clip` on all of them at once (as a bulletin to every zone) and measures `seconds` after 0.5 s of warm-up.
    static func run(
        zones: Int, threads: Int? = nil, seconds: Double, clip: EncodedClip, signed: Bool, firstGroup: Int = 16
    ) -> Result? {
        let length = min(seconds, Double(clip.durationMilliseconds) / 1000 - 1.5)
        let from = MonotonicClock.now() + 500_000_000
        let recorder = PacerRecorder(
            zones: zones, threads: threadCount(threads, zones: zones), measureFrom: from,
            measureUntil: from + UInt64(length * 1e9))
        let zoneList = (0..<zones).map { index in
            Zone(
                name: "z" + String(index), group: BenchNetwork.group(firstGroup + index, port: 5410),
                interface: BenchNetwork.interface, ttl: 0)
        }
        guard
            let pacer = try? Pacer(
                zones: zoneList, signingKey: signed ? SigningKeyPair.generate() : nil, threads: threads,
                observer: recorder.observer)
        else { return nil }
        precondition(pacer.threadCount == recorder.threads.count)
        pacer.start()
        for (index, zone) in zoneList.enumerated() {
            pacer.play(ReadyItem(id: Int64(index + 1), clip: clip), zone: zone.name)
        }
        MonotonicClock.sleep(until: recorder.measureUntil + 20_000_000)
        let realTime = pacer.isRealTime
        pacer.shutdown()
        return Result(recorder, realTime: realTime)
    }

    static func describe(_ result: Result) -> String {
        var text = "p50 " + formatDuration(result.deviation.p50) + ", p99 " + formatDuration(result.deviation.p99)
        text += ", max " + formatDuration(result.deviation.max) + " (" + String(result.packets) + " packets"
        if !result.realTime { text += ", SCHED_FIFO refused" }
        return text + ", " + result.threadLoad + ", " + fixed(result.allocationsPerPacket, 3) + " alloc/packet)"
    }

    /// Figure 3: one zone, sealed, for `seconds`.
    static func single(clip: EncodedClip, seconds: Double, report: Report) {
        guard let result = run(zones: 1, seconds: seconds, clip: clip, signed: true, firstGroup: 8) else {
            report.note("figure 3: cannot open a stream")
            return
        }
        report.add(
            "3",
            "pacing, 1 zone, " + fixed(min(seconds, Double(clip.durationMilliseconds) / 1000 - 1.5), 0)
                + " s real time, the real Pacer (SCHED_FIFO, 0.25 ms batch window), sealed: deviation from the 20 ms grid",
            describe(result), goal: "p99 ≤ 1 ms")
    }

    /// Figure 6: growing numbers of zones on one `Pacer` (on `threads` threads; nil: one per core, as in the
    /// controller) until p99 passes 1 ms; sealed, and (for comparison) not.
    static func scale(
        clip: EncodedClip, counts: [Int], threads: Int?, seconds: Double, signedOnly: Bool = false, report: Report
    ) {
        for signed in [true, false] where signed || !signedOnly {
            var best = 0
            var firstMiss: (Int, Result)?
            let kind = signed ? "every packet sealed" : "sealing off"
            for zones in counts {
                guard let result = run(zones: zones, threads: threads, seconds: seconds, clip: clip, signed: signed)
                else {
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
                text +=
                    " (at " + String(zones) + ": p99 " + formatDuration(result.deviation.p99) + ", "
                    + result.threadLoad + ")"
            } else {
                text = "≥ " + text + " (largest tried)"
            }
            let threadText =
                threads.map { String($0) + " pacer thread" + ($0 == 1 ? "" : "s") }
                ?? "one pacer thread per core (the controller's default)"
            report.add(
                "6",
                "zones one Pacer sends with p99 ≤ 1 ms, " + threadText + ", all zones' items queued at one instant, "
                    + kind + " (" + fixed(seconds, 0) + " s per step)", text, goal: signed ? "≥ 500" : "")
        }
    }
}
