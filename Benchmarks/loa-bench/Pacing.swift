import LoaController
import LoaSource
import LoaSystem

/// Figures 3 and 6: real-time sending of stored clips by one thread that drives `ZoneStream`s the way
/// `Pacer` does (send what is due, sleep on the monotonic clock until the earliest deadline), recording
/// how late each datagram left against its ideal point on the frame grid.
enum Pacing {
    struct Result {
        var deviation: Summary
        var packets: Int
        var sendFailures: Int
        /// CPU seconds of the pacing thread per second of wall time.
        var load: Double
    }

    /// Sends `clip` on `zones` streams for `seconds`. `aligned`: every stream starts at the same instant
    /// (all zones start a bulletin together, the worst case); else starts are spread over one frame.
    static func run(zones: Int, seconds: Double, aligned: Bool, clip: EncodedClip, firstGroup: Int = 16) -> Result? {
        var streams: [BenchmarkZoneStream] = []
        streams.reserveCapacity(zones)
        for index in 0..<zones {
            let zone = Zone(
                name: "z" + String(index), group: BenchNetwork.group(firstGroup + index, port: 5410),
                interface: BenchNetwork.interface, ttl: 0)
            guard let stream = try? BenchmarkZoneStream(zone: zone) else { return nil }
            streams.append(stream)
        }
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
        let cpuBefore = threadCPUSeconds()
        MonotonicClock.sleep(until: start)
        while true {
            var now = MonotonicClock.now()
            if now >= end { break }
            for stream in streams {
                while let deadline = stream.nextDeadline, deadline <= now {
                    _ = stream.sendDue(now: now, buffer: buffer)
                    let sent = MonotonicClock.now()
                    histogram.record(sent > deadline ? sent - deadline : 0)
                }
            }
            now = MonotonicClock.now()
            var wake = now + idleWait
            for stream in streams { if let deadline = stream.nextDeadline, deadline < wake { wake = deadline } }
            MonotonicClock.sleep(until: wake)
        }
        let load = (threadCPUSeconds() - cpuBefore) / seconds
        let failures = streams.reduce(0) { $0 + $1.sendFailures }
        return Result(deviation: histogram.summary(), packets: histogram.count, sendFailures: failures, load: load)
    }

    static func describe(_ result: Result) -> String {
        "p50 " + formatDuration(result.deviation.p50) + ", p99 " + formatDuration(result.deviation.p99) + ", max "
            + formatDuration(result.deviation.max) + " (" + String(result.packets) + " packets"
            + (result.sendFailures > 0 ? ", " + String(result.sendFailures) + " refused" : "") + ", thread "
            + fixed(result.load * 100, 1) + "% CPU)"
    }

    /// Figure 3: one zone for `seconds`.
    static func single(clip: EncodedClip, seconds: Double, report: Report) {
        guard let result = run(zones: 1, seconds: seconds, aligned: true, clip: clip) else {
            report.note("figure 3: cannot open a stream")
            return
        }
        report.add("3", "pacing, 1 zone, " + fixed(seconds, 0) + " s real time: lateness vs the 20 ms grid", describe(result),
            goal: "p99 ≤ 1 ms")
    }

    /// Figure 6: growing numbers of zones on one thread until p99 passes 1 ms, staggered and aligned starts.
    static func scale(clip: EncodedClip, counts: [Int], seconds: Double, report: Report) {
        for aligned in [false, true] {
            var best = 0
            var firstMiss: (Int, Result)?
            for zones in counts {
                guard let result = run(zones: zones, seconds: seconds, aligned: aligned, clip: clip) else {
                    report.note("figure 6: cannot open " + String(zones) + " streams")
                    break
                }
                print("    " + String(zones) + " zones, " + (aligned ? "aligned" : "staggered") + ": " + describe(result))
                if result.deviation.p99 <= 1_000_000 && result.sendFailures == 0 {
                    best = zones
                } else {
                    firstMiss = (zones, result)
                    break
                }
            }
            let kind = aligned ? "all start on the same instant" : "starts spread over the frame"
            var text = "≥ " + String(best) + " zones"
            if let (zones, result) = firstMiss {
                text = String(best) + " zones (at " + String(zones) + ": p99 " + formatDuration(result.deviation.p99) + ")"
            } else {
                text += " (largest tried)"
            }
            report.add("6", "zones one pacer thread sends with p99 ≤ 1 ms, " + kind + " (" + fixed(seconds, 0) + " s each)",
                text, goal: "≥ 500")
        }
    }
}
