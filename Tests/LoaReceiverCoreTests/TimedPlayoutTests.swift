import LoaCodec
import LoaReceiverCore
import LoaWire
import Testing

/// A sink that notes when (the playout's clock, as the test drives it) each frame arrived, and reports a fixed
/// device delay.
final class TimedSink: AudioSink {
    var now: UInt64 = 0
    var frames: [(at: UInt64, samples: [Int16])] = []
    var reportedDelay = 0
    var underruns: Int { 0 }
    var delayFrames: Int { reportedDelay }
    func play(_ samples: UnsafeBufferPointer<Int16>) { frames.append((now, Array(samples))) }
    func pause() {}
    var samplesPlayed: Int { frames.reduce(0) { $0 + $1.samples.count } }
}

/// Playout on the controller's timeline (issue 13, points 2, 3 and 5): a packet's first sample is handed to the
/// sink so that it leaves the DAC at its due instant (less the device's delay and the amplifier's, plus the
/// acoustic offset); a stream joined late starts at the sample due now; after a stall the rest plays on time.
@Suite("Playout on the controller's timeline")
struct TimedPlayoutTests {
    let stream: StreamMaker

    init() throws { stream = try StreamMaker(frames: 60) }

    func make(output: Int = 0, acoustic: Int = 0) throws -> Playout<TimedSink> {
        var settings = PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200)
        settings.outputDelayMilliseconds = output
        settings.acousticDelayMilliseconds = acoustic
        return try Playout(settings: settings, sink: TimedSink())
    }

    /// Feeds packets `range`, packet `i` arriving at `arrive(i)` and due out of the DAC at `start + 20 ms × i`,
    /// stepping the clock 100 µs at a time until `until`.
    func run(
        _ playout: Playout<TimedSink>, _ range: Range<Int>, start: UInt64, arrive: (Int) -> UInt64, until: UInt64
    ) {
        var next = range.lowerBound
        var now = arrive(range.lowerBound)
        while now <= until {
            while next < range.upperBound, arrive(next) <= now {
                let due = start + UInt64(next) * 20 * ms
                stream.packets[next].withUnsafeBytes { bytes in
                    let packet = try! RTPPacket(parsing: bytes)
                    playout.receive(packet, in: bytes, at: now, due: due)
                }
                next += 1
            }
            playout.sink.now = now
            playout.advance(to: now)
            now += 100_000
        }
    }

    @Test func theFirstSampleLeavesAtItsInstantWhateverTheArrival() throws {
        // Two boxes: one hears the packets 5 ms after sending, the other 120 ms after; both are due 150 ms after.
        for latency: UInt64 in [5, 120] {
            let playout = try make()
            run(
                playout, 0..<60, start: 1_150 * ms, arrive: { 1_000 * ms + UInt64($0) * 20 * ms + latency * ms },
                until: 3_000 * ms)
            #expect(playout.sink.frames.first?.at == 1_150 * ms)
            #expect(playout.sink.frames.count == 60)
            #expect(playout.sink.frames[30].at == 1_750 * ms)
            #expect(playout.statistics.lost == 0)
        }
    }

    @Test func theDevicesDelayTheAmplifierAndTheAcousticOffsetMoveTheHandOver() throws {
        let playout = try make(output: 7, acoustic: 30)
        playout.sink.reportedDelay = 480  // 10 ms in the device
        run(playout, 0..<10, start: 1_150 * ms, arrive: { 1_000 * ms + UInt64($0) * 20 * ms }, until: 2_000 * ms)
        #expect(playout.sink.frames.first?.at == (1_150 - 7 + 30 - 10) * ms)
    }

    @Test func aBoxThatJoinsMidItemStartsAtTheSampleDueNow() throws {
        let playout = try make()
        // The box starts listening mid-item: packets 10 to 16 reach it together, 35 ms after packet 10 was due out
        // of the DAC; later ones come in time. 1 frame and 720 samples of the next are dropped (35 ms), the rest
        // plays on time.
        run(
            playout, 10..<60, start: 1_150 * ms,
            arrive: { max(1_150 * ms + 10 * 20 * ms + 35 * ms, 1_150 * ms + UInt64($0) * 20 * ms - 100 * ms) },
            until: 3_000 * ms)
        let first = try #require(playout.sink.frames.first)
        #expect(first.samples.count == 960 - 720)
        #expect(playout.sink.samplesPlayed == 50 * 960 - 35 * 48)
        // Every frame after the first is handed over at the instant a box that heard the whole item hands over
        // the same frame (the first, cut, one at the instant its 721st sample is due).
        let whole = try make()
        run(whole, 0..<60, start: 1_150 * ms, arrive: { 1_000 * ms + UInt64($0) * 20 * ms }, until: 3_000 * ms)
        #expect(whole.sink.frames.count == 60)
        let joined = playout.sink.frames.map(\.at)
        #expect(Array(joined.dropFirst()) == whole.sink.frames[12...].map(\.at))
        #expect(joined[0] == 1_150 * ms + 10 * 20 * ms + 35 * ms)
    }

    @Test func afterAStallTheRestPlaysOnTimeNotLate() throws {
        let playout = try make()
        // Packets 20 to 29 never come; 30 on arrive 5 ms after sending.
        run(
            playout, 0..<20, start: 1_150 * ms, arrive: { 1_000 * ms + UInt64($0) * 20 * ms + 5 * ms },
            until: 1_640 * ms)
        run(
            playout, 30..<60, start: 1_150 * ms, arrive: { 1_000 * ms + UInt64($0) * 20 * ms + 5 * ms },
            until: 3_000 * ms)
        #expect(playout.sink.frames.count == 50)
        #expect(playout.sink.frames[20].at == 1_150 * ms + 30 * 20 * ms)
        #expect(playout.statistics.lost == 10)
    }
}

/// `output-delay-ms` and `delay-ms` (issue 13, points 3 and 5): box settings, 0 to 1000, in the config file and as
/// flags; anything else is one line.
@Suite("Output and acoustic delay settings")
struct OutputDelaySettingTests {
    @Test func setInTheFileAndAsFlagsAndRefusedOutOfRange() throws {
        var settings = ReceiverSettings.defaults
        try settings.set("output-delay-ms", to: "12")
        try settings.set("delay-ms", to: "290")
        #expect(settings.playout.outputDelayMilliseconds == 12 && settings.playout.acousticDelayMilliseconds == 290)
        guard case .run = try ReceiverCommandLine.parse(["--delay-ms", "29", "--output-delay-ms", "0"]) else {
            Issue.record("not a run")
            return
        }
        #expect(ReceiverCommandLine.usage.contains("--delay-ms N             acoustic offset"))
        #expect(throws: SettingError.self) { try settings.set("delay-ms", to: "1001") }
        #expect(throws: SettingError.self) { try settings.set("output-delay-ms", to: "-1") }
        #expect(settings.playout.acousticDelayMilliseconds == 290)
    }
}

/// Drift correction (issue 13, point 4): a controller whose clock runs 100 ppm apart from the box's stays locked:
/// one sample a frame at most is added or dropped beyond 30 µs, interpolated (no step beyond 1.5 times the tone's
/// own), and the frames keep leaving within 30 µs of their instants (plus the test's clock steps).
@Suite("Drift correction")
struct DriftCorrectionTests {
    @Test(arguments: [100.0, -100.0])
    func aBoxHundredPPMApartStaysLocked(ppm: Double) throws {
        let frames = 1500  // 30 s
        let stream = try StreamMaker(frames: frames)
        let playout = try Playout(
            settings: PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200), sink: TimedSink())
        let start: UInt64 = 1_150 * ms
        // Frame k is due at its controller instant, which the box's clock sees stretched by `ppm`.
        func due(_ k: Int) -> UInt64 { start + UInt64((Double(k) * 20_000_000 * (1 + ppm / 1e6)).rounded()) }
        var next = 0
        var now = start - 150 * ms
        var errors: [Int64] = []
        while now <= due(frames) + 500 * ms {
            while next < frames, due(next) <= now + 100 * ms {
                stream.packets[next].withUnsafeBytes { bytes in
                    playout.receive(try! RTPPacket(parsing: bytes), in: bytes, at: now, due: due(next))
                }
                next += 1
            }
            playout.sink.now = now
            let before = playout.sink.frames.count
            playout.advance(to: now)
            if playout.sink.frames.count > before {
                // The frame handed over now: its media position is the number of frames before it.
                errors.append(Int64(bitPattern: now &- due(before)))
            }
            now += 20_000
        }
        #expect(playout.sink.frames.count == frames)
        // Locked: after the first second, every frame within the threshold, plus what the mean of 16 packets lags
        // the drift by (8 frames of 2 µs), plus the 20 µs steps of this loop.
        let worst = errors.dropFirst(50).map { abs($0) }.max() ?? 0
        #expect(worst <= DriftCorrection.threshold + 45_000, "worst \(worst) ns")
        // 100 ppm of 30 s of 48 kHz is 144 samples, doubled when the controller is slower, dropped when faster.
        let expected = Int((Double(frames * 960) * ppm / 1e6).rounded())
        #expect(abs(playout.correctedSamples - expected) <= 12, "\(playout.correctedSamples) vs \(expected)")
        #expect(playout.sink.samplesPlayed == frames * 960 + playout.correctedSamples)
        // No click: no step between neighbouring samples beyond 1.5 times the tone's own largest (a dropped sample
        // spreads one step over two, a doubled one halves it; a click would be a step of the signal's full size).
        let reference = try Playout(
            settings: PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200), sink: TimedSink())
        var time: UInt64 = 0
        for packet in stream.packets {
            packet.withUnsafeBytes { reference.receive($0, at: time) }
            time += 20 * ms
            reference.advance(to: time)
        }
        reference.advance(to: time + 2_000 * ms)
        func largestStep(_ frames: [(at: UInt64, samples: [Int16])]) -> Int {
            let all = frames.flatMap(\.samples).map(Int.init)
            return zip(all.dropFirst(), all).map { abs($0 - $1) }.max() ?? 0
        }
        #expect(largestStep(playout.sink.frames) * 2 <= largestStep(reference.sink.frames) * 3)
    }
}
