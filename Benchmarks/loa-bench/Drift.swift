import Foundation
import LoaCodec
import LoaReceiverCore
import LoaWire

/// Figure 8 (issue 13): the commune's timeline held over a long item by boxes whose clocks run ±100 ppm from the
/// controller's, simulated faster than real time with the box's own code: `ControllerTimeline` fed by time
/// exchanges at `TrustLink`'s pace (round trips 0.3–3 ms, split unevenly), `Playout` given
/// each packet's due instant as `ReceiveChain` computes it (the sealed send time in whole ms, mapped through the
/// timeline), and handing frames over exactly at its deadlines (the device's own delay is outside this figure).
/// Each box's clock starts 1 s off. The item is a pure 440 Hz tone at −10 dBFS, so that what drift correction does
/// to the wave can be seen: the largest deviation from a sine's recurrence (x[n] − 2cos ω x[n−1] + x[n−2]) in a
/// frame that was corrected, against the same in frames that were not (the codec's own noise).
enum DriftHold {
    /// What one simulated box handed over.
    final class RecordingSink: AudioSink {
        var now: UInt64 = 0
        var handovers: [UInt64] = []
        var underruns: Int { 0 }
        var delayFrames: Int { 0 }
        private var previous: (Double, Double) = (0, 0)
        private let twoCos = 2 * cos(2 * Double.pi * 440 / 48_000)
        /// The largest |x[n] − 2cos ω x[n−1] + x[n−2]| in frames of 959 or 961 samples, and in frames of 960.
        var correctedResidual = 0.0
        var plainResidual = 0.0

        init(frames: Int) { handovers.reserveCapacity(frames) }

        func play(_ samples: UnsafeBufferPointer<Int16>) {
            handovers.append(now)
            var largest = 0.0
            for sample in samples {
                let x = Double(sample)
                if handovers.count > 10 { largest = max(largest, abs(x - twoCos * previous.1 + previous.0)) }
                previous = (previous.1, x)
            }
            if samples.count == 960 {
                plainResidual = max(plainResidual, largest)
            } else {
                correctedResidual = max(correctedResidual, largest)
            }
        }

        func pause() {}
    }

    /// A deterministic generator for round trips and jitter.
    struct Noise {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// Encodes `frames` 20 ms frames of the tone as RTP packets of one stream.
    static func packets(frames: Int) throws -> [[UInt8]] {
        let encoder = try OpusEncoder()
        var opus = [UInt8](repeating: 0, count: 1275)
        var out = [UInt8](repeating: 0, count: 1500)
        var pcm = [Int16](repeating: 0, count: 960)
        var result: [[UInt8]] = []
        result.reserveCapacity(frames)
        for index in 0..<frames {
            for n in 0..<960 {
                pcm[n] = Int16(10_000 * sin(2 * Double.pi * 440 * Double(index * 960 + n) / 48_000))
            }
            let length = try pcm.withUnsafeBufferPointer { p in
                try opus.withUnsafeMutableBytes { try encoder.encode(p, into: $0) }
            }
            let header = RTPHeader(
                marker: index == 0, payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: index),
                timestamp: UInt32(truncatingIfNeeded: index * 960), ssrc: 0x4C4F_4131)
            let total = opus[0..<length].withUnsafeBytes { p in
                out.withUnsafeMutableBytes { header.write(payload: p, into: $0) }
            }
            result.append(Array(out[0..<total]))
        }
        return result
    }

    /// One box at `ppm` playing `packets`: per frame, how far (ns) its first sample was handed over from its instant
    /// on the controller's clock; the sink, for the wave's figures; the samples the box corrected.
    static func simulate(packets: [[UInt8]], ppm: Double, seed: UInt64) throws -> (
        skews: [Int64], sink: RecordingSink, corrected: Int
    ) {
        var noise = Noise(state: seed)
        let rate = 1 + ppm / 1_000_000
        let offset: Double = 1_000_000_000 + 5_000_000_000  // the box's clock reads 1 s ahead of a 5 s origin
        func local(_ controller: Double) -> UInt64 { UInt64(controller * rate + offset) }
        func controller(_ local: UInt64) -> Double { (Double(local) - offset) / rate }
        let sink = RecordingSink(frames: packets.count)
        let playout = try Playout(settings: PlayoutSettings(), sink: sink)
        var timeline = ControllerTimeline()
        // The item's first packet is sent at controller time 10 s; the box asks for time from 0 s.
        let itemStart: Int64 = 10_000_000_000
        let playoutDelay: Int64 = 150_000_000
        var nextAsk = local(0)
        var answers = 0
        var nextPacket = 0
        func arrival(_ index: Int) -> UInt64 {
            local(Double(itemStart + Int64(index) * 20_000_000) + 5_000_000 + 10_000_000 * noise.unit())
        }
        var nextArrival = arrival(0)
        var skews: [Int64] = []
        skews.reserveCapacity(packets.count)
        while sink.handovers.count < packets.count {
            let playing = playout.nextEventTime ?? UInt64.max
            if nextAsk <= min(nextArrival, playing) {
                // A time exchange: asked at `nextAsk`, stamped somewhere inside the round trip.
                let roundTrip = 300_000 + 2_700_000 * noise.unit()
                let stampedAt = controller(nextAsk) + roundTrip / rate * (0.3 + 0.4 * noise.unit())
                timeline.take(
                    ControllerTimeline.Exchange(
                        askedAt: nextAsk, controllerTime: Int64(stampedAt),
                        answeredAt: nextAsk + UInt64(roundTrip)))
                answers += 1
                // TrustLink's pace: quick for the first answers, then steady.
                nextAsk += TrustLink.interval(afterAnswers: answers)
            } else if nextArrival <= playing, nextPacket < packets.count {
                let sent = itemStart + Int64(nextPacket) * 20_000_000
                // The seal carries the send deadline plus the zone's playout delay, in whole ms.
                let sealedMilliseconds = (sent + playoutDelay) / 1_000_000
                let due = timeline.localTime(at: sealedMilliseconds * 1_000_000)
                packets[nextPacket].withUnsafeBytes { bytes in
                    if let packet = try? RTPPacket(parsing: bytes) {
                        playout.receive(packet, in: bytes, at: nextArrival, due: due)
                    }
                }
                nextPacket += 1
                nextArrival = nextPacket < packets.count ? max(arrival(nextPacket), nextArrival) : UInt64.max
            } else {
                guard playing != UInt64.max else { break }
                sink.now = playing
                let before = sink.handovers.count
                playout.advance(to: playing)
                for frame in before..<sink.handovers.count {
                    let instant = Double(itemStart + Int64(frame) * 20_000_000 + playoutDelay)
                    skews.append(Int64(controller(sink.handovers[frame]) - instant))
                }
            }
        }
        return (skews, sink, playout.correctedSamples)
    }

    static func measure(minutes: Double, report: Report) {
        let frames = Int(minutes * 60 * 50)
        do {
            let started = Date()
            let stream = try packets(frames: frames)
            let fast = try simulate(packets: stream, ppm: 100, seed: 1)
            let slow = try simulate(packets: stream, ppm: -100, seed: 2)
            let count = min(fast.skews.count, slow.skews.count)
            let between = Samples(capacity: count)
            let fromTimeline = Samples(capacity: count)
            // After the first 10 s of the item (the first answers' spread settles); both boxes throughout.
            for frame in 500..<count {
                between.record(UInt64(abs(fast.skews[frame] - slow.skews[frame])))
                fromTimeline.record(UInt64(max(abs(fast.skews[frame]), abs(slow.skews[frame]))))
            }
            let apart = between.summary()
            let off = fromTimeline.summary()
            let label = fixed(minutes, 0) + "-minute item, boxes at +100 and −100 ppm"
            report.add(
                "8", "Skew between the boxes, " + label + ": p50; p99; max",
                micro(apart.p50) + "; " + micro(apart.p99) + "; " + micro(apart.max),
                goal: "p99 ≤ 1 ms")
            report.add(
                "8", "Either box from the controller's timeline: p99; max",
                micro(off.p99) + "; " + micro(off.max))
            report.add(
                "8", "Samples corrected (+100 ppm box; −100 ppm box)",
                String(fast.corrected) + "; " + String(slow.corrected) + " (of " + String(frames * 960) + ")")
            let amplitude = 10_000.0
            report.add(
                "8", "Largest step off the tone, corrected frames vs uncorrected (codec noise), % of amplitude",
                fixed(100 * max(fast.sink.correctedResidual, slow.sink.correctedResidual) / amplitude, 2) + " vs "
                    + fixed(100 * max(fast.sink.plainResidual, slow.sink.plainResidual) / amplitude, 2),
                goal: "no step above the codec's noise")
            report.note(
                "figure 8 simulated " + fixed(2 * minutes, 0) + " minutes of playing in "
                    + fixed(Date().timeIntervalSince(started), 0) + " s")
        } catch {
            report.add("8", "Drift held over a long item", "failed: \(error)")
        }
    }

    /// Nanoseconds as µs or ms with one decimal.
    static func micro(_ nanoseconds: UInt64) -> String {
        nanoseconds < 1_000_000
            ? fixed(Double(nanoseconds) / 1000, 0) + " µs" : fixed(Double(nanoseconds) / 1_000_000, 2) + " ms"
    }
}
