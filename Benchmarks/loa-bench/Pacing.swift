import CLoaBench
import Dispatch
import Foundation
import LoaController
import LoaSource
import LoaSystem

/// Figures 3 and 6: real-time sending of stored clips by one thread that drives `ZoneStream`s the way
/// `Pacer` does (send what is due, sleep on the monotonic clock until the earliest deadline), recording
/// how far from its ideal point on the frame grid each datagram left (absolute deviation).
enum Pacing {
    /// How the pacing thread runs.
    struct Policy {
        /// A short label for the table.
        var name: String
        /// SCHED_FIFO priority and 1 ns timer slack for the thread (Pacer today: neither).
        var realtime: Bool
        /// The thread wakes at the earliest deadline and sends every packet due within this window of it, up to
        /// the window early, so that staggered zones cost one wake-up per window, not one per packet (Pacer today: 0).
        var batchWindow: UInt64
        /// Keep the streams in a min-heap by deadline, so a wake-up touches only the streams that are due
        /// (Pacer today: every stream is visited twice per wake-up, O(zones)).
        var deadlineHeap: Bool

        /// The loop of `Pacer.run` as it is.
        static let pacer = Policy(
            name: "Pacer today (normal thread, exact deadlines, scan all zones)", realtime: false, batchWindow: 0,
            deadlineHeap: false)
        /// What the benchmark proposes for `Pacer`: a real-time thread that sends what is due within 0.25 ms,
        /// finding it in a deadline heap.
        static let proposed = Policy(
            name: "proposed (SCHED_FIFO, 1 ns timer slack, 0.25 ms batch window, deadline heap)", realtime: true,
            batchWindow: 250_000, deadlineHeap: true)
    }

    struct Result {
        var deviation: Summary
        var packets: Int
        var sendFailures: Int
        /// CPU seconds of the pacing thread per second of wall time.
        var load: Double
        var realtimeRefused: Int32 = 0
    }

    /// Sends `clip` on `zones` streams for `seconds` with `policy`. `aligned`: every stream starts at the
    /// same instant (all zones start a bulletin together); else starts are spread evenly over one frame.
    static func run(
        zones: Int, seconds: Double, aligned: Bool, policy: Policy, clip: EncodedClip, firstGroup: Int = 16,
        signed: Bool = false
    ) -> Result? {
        var streams: [BenchmarkZoneStream] = []
        streams.reserveCapacity(zones)
        for index in 0..<zones {
            let zone = Zone(
                name: "z" + String(index), group: BenchNetwork.group(firstGroup + index, port: 5410),
                interface: BenchNetwork.interface, ttl: 0)
            guard let stream = try? BenchmarkZoneStream(zone: zone, signed: signed) else { return nil }
            streams.append(stream)
        }
        let refused = policy.realtime ? loa_bench_make_realtime(50) : 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        let histogram = Histogram()
        let frame = UInt64(clip.frameMilliseconds) * 1_000_000
        let start = MonotonicClock.now() + 100_000_000
        for (index, stream) in streams.enumerated() {
            let offset = aligned ? 0 : UInt64(index) * frame / UInt64(zones)
            stream.play(clip, id: 1, now: start + offset)
            stream.play(clip, id: 2, now: start + offset)  // queued after the first: never runs dry
        }
        let end = start + UInt64(seconds * 1e9)
        let idleWait: UInt64 = 5_000_000
        let window = policy.batchWindow
        let cpuBefore = threadCPUSeconds()
        MonotonicClock.sleep(until: start)
        if policy.deadlineHeap {
            var heap = DeadlineHeap(capacity: zones)
            for (index, stream) in streams.enumerated() { if let deadline = stream.nextDeadline { heap.push(deadline, index) } }
            while true {
                let now = MonotonicClock.now()
                if now >= end { break }
                let horizon = now + window
                while let (deadline, index) = heap.top, deadline <= horizon {
                    let stream = streams[index]
                    _ = stream.sendDue(now: horizon, buffer: buffer)
                    let sent = MonotonicClock.now()
                    histogram.record(sent > deadline ? sent - deadline : deadline - sent)
                    if let next = stream.nextDeadline { heap.replaceTop(next, index) } else { heap.popTop() }
                }
                let wake = heap.top?.0 ?? now + idleWait
                MonotonicClock.sleep(until: wake)
            }
        }
        while !policy.deadlineHeap {
            var now = MonotonicClock.now()
            if now >= end { break }
            let horizon = now + window
            for stream in streams {
                while let deadline = stream.nextDeadline, deadline <= horizon {
                    _ = stream.sendDue(now: horizon, buffer: buffer)
                    let sent = MonotonicClock.now()
                    histogram.record(sent > deadline ? sent - deadline : deadline - sent)
                }
            }
            now = MonotonicClock.now()
            var wake = now + idleWait
            for stream in streams { if let deadline = stream.nextDeadline, deadline < wake { wake = deadline } }
            MonotonicClock.sleep(until: wake)
        }
        let load = (threadCPUSeconds() - cpuBefore) / seconds
        let failures = streams.reduce(0) { $0 + $1.sendFailures }
        return Result(
            deviation: histogram.summary(), packets: histogram.count, sendFailures: failures, load: load,
            realtimeRefused: refused)
    }

    static func describe(_ result: Result) -> String {
        var text = "p50 " + formatDuration(result.deviation.p50) + ", p99 " + formatDuration(result.deviation.p99)
        text += ", max " + formatDuration(result.deviation.max) + " (" + String(result.packets) + " packets"
        if result.sendFailures > 0 { text += ", " + String(result.sendFailures) + " refused by the kernel" }
        if result.realtimeRefused != 0 { text += ", SCHED_FIFO refused" }
        return text + ", thread " + fixed(result.load * 100, 1) + "% CPU)"
    }

    /// Figure 3: one zone for `seconds`, today's loop and the proposed one side by side (two threads).
    static func single(clip: EncodedClip, seconds: Double, report: Report) {
        final class Box: @unchecked Sendable { var result: Result? }
        let proposed = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            proposed.result = run(zones: 1, seconds: seconds, aligned: true, policy: .proposed, clip: clip, firstGroup: 8)
            done.signal()
        }
        thread.start()
        let today = run(zones: 1, seconds: seconds, aligned: true, policy: .pacer, clip: clip)
        done.wait()
        for (policy, result) in [(Policy.pacer, today), (Policy.proposed, proposed.result)] {
            guard let result else {
                report.note("figure 3: cannot open a stream")
                continue
            }
            report.add(
                "3", "pacing, 1 zone, " + fixed(seconds, 0) + " s real time, " + policy.name
                    + ": deviation from the 20 ms grid", describe(result), goal: "p99 ≤ 1 ms")
        }
    }

    /// Figure 6: growing numbers of zones on one thread until p99 passes 1 ms.
    static func scale(clip: EncodedClip, counts: [Int], seconds: Double, signedOnly: Bool = false, report: Report) {
        let cases: [(Policy, Bool, Bool, String)] = [
            (.pacer, false, false, "starts spread over the frame"),
            (.pacer, true, false, "all zones start on the same instant"),
            (.proposed, false, false, "starts spread over the frame (slotted)"),
            (.proposed, false, true, "starts spread over the frame (slotted), every packet sealed"),
        ]
        for (policy, aligned, signed, kind) in cases where !signedOnly || signed {
            var best = 0
            var firstMiss: (Int, Result)?
            for zones in counts {
                guard
                    let result = run(
                        zones: zones, seconds: seconds, aligned: aligned, policy: policy, clip: clip, signed: signed)
                else {
                    report.note("figure 6: cannot open " + String(zones) + " streams")
                    break
                }
                print("    " + String(zones) + " zones, " + policy.name + ", " + kind + ": " + describe(result))
                if result.deviation.p99 <= 1_000_000 && result.sendFailures == 0 {
                    best = zones
                } else {
                    firstMiss = (zones, result)
                    break
                }
            }
            var text = String(best) + " zones"
            if let (zones, result) = firstMiss {
                text += " (at " + String(zones) + ": p99 " + formatDuration(result.deviation.p99) + ")"
            } else {
                text = "≥ " + text + " (largest tried)"
            }
            report.add(
                "6", "zones one pacer thread sends with p99 ≤ 1 ms, " + policy.name + ", " + kind + " ("
                    + fixed(seconds, 0) + " s per step)", text, goal: "≥ 500")
        }
    }
}

/// A binary min-heap of (deadline, stream index), storage allocated once.
struct DeadlineHeap {
    private var deadlines: [UInt64] = []
    private var indices: [Int] = []

    init(capacity: Int) {
        deadlines.reserveCapacity(capacity)
        indices.reserveCapacity(capacity)
    }

    var top: (UInt64, Int)? { deadlines.isEmpty ? nil : (deadlines[0], indices[0]) }

    mutating func push(_ deadline: UInt64, _ index: Int) {
        deadlines.append(deadline)
        indices.append(index)
        var child = deadlines.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard deadlines[child] < deadlines[parent] else { break }
            deadlines.swapAt(child, parent)
            indices.swapAt(child, parent)
            child = parent
        }
    }

    mutating func replaceTop(_ deadline: UInt64, _ index: Int) {
        deadlines[0] = deadline
        indices[0] = index
        siftDown()
    }

    mutating func popTop() {
        let last = deadlines.count - 1
        deadlines.swapAt(0, last)
        indices.swapAt(0, last)
        deadlines.removeLast()
        indices.removeLast()
        if !deadlines.isEmpty { siftDown() }
    }

    private mutating func siftDown() {
        var parent = 0
        let count = deadlines.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            if left + 1 < count && deadlines[left + 1] < deadlines[left] { smallest = left + 1 }
            guard deadlines[smallest] < deadlines[parent] else { return }
            deadlines.swapAt(smallest, parent)
            indices.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
