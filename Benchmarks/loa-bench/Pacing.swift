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
        /// Packets due within this window after a wake-up leave with it (Pacer today: 0).
        var batchWindow: UInt64

        /// The loop of `Pacer.run` as it is.
        static let pacer = Policy(name: "Pacer today (normal thread, exact deadlines)", realtime: false, batchWindow: 0)
        /// What the benchmark proposes for `Pacer`: a real-time thread that sends what is due within 0.25 ms.
        static let proposed = Policy(
            name: "proposed (SCHED_FIFO, 1 ns timer slack, send what is due within 0.25 ms)", realtime: true,
            batchWindow: 250_000)
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
        zones: Int, seconds: Double, aligned: Bool, policy: Policy, clip: EncodedClip, firstGroup: Int = 16
    ) -> Result? {
        var streams: [BenchmarkZoneStream] = []
        streams.reserveCapacity(zones)
        for index in 0..<zones {
            let zone = Zone(
                name: "z" + String(index), group: BenchNetwork.group(firstGroup + index, port: 5410),
                interface: BenchNetwork.interface, ttl: 0)
            guard let stream = try? BenchmarkZoneStream(zone: zone) else { return nil }
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
        while true {
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
            MonotonicClock.sleep(until: wake > window ? max(wake - window, now) : wake)
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
    static func scale(clip: EncodedClip, counts: [Int], seconds: Double, report: Report) {
        let cases: [(Policy, Bool, String)] = [
            (.pacer, false, "starts spread over the frame"),
            (.pacer, true, "all zones start on the same instant"),
            (.proposed, false, "starts spread over the frame (slotted)"),
        ]
        for (policy, aligned, kind) in cases {
            var best = 0
            var firstMiss: (Int, Result)?
            for zones in counts {
                guard let result = run(zones: zones, seconds: seconds, aligned: aligned, policy: policy, clip: clip) else {
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
