import LoaCodec
import LoaController
import LoaCrypto
import LoaReceiverCore
import LoaSource
import LoaSystem
import LoaTrust
import LoaWire

/// Figure 2: what one frame costs, in steady state, on each path: time (p50/p99 over every frame after
/// a warm-up) and heap allocations (counted by the allocator interposer on this thread).
enum FrameCost {
    static let warmUpFrames = 500

    static func run(clipPath: String, pcm: [Int16], report: Report) -> EncodedClip? {
        let settings = EncoderSettings()
        // The whole file → clip step, once: allocations amortised over the clip's frames.
        let before = allocations()
        let started = threadCPUSeconds()
        let clip: EncodedClip
        do { clip = try ClipEncoder.encode(path: clipPath, settings: settings) } catch {
            report.note("figure 2: cannot encode the clip: " + error.message)
            return nil
        }
        let cpu = threadCPUSeconds() - started
        let clipAllocations = Double(allocations() - before) / Double(clip.frameCount)

        let send = packetiseAndSend(clip, signed: false)
        let sendSigned = packetiseAndSend(clip, signed: true)
        let encode = encodeFrames(pcm, settings)
        let receive = receiveAndPlay(clip).measured
        let (verify, verifyAndPlay) = verifyReceiveAndPlay(clip)
        report.add("2", "send: packetise + send one stored frame (ZoneStream.sendDue)", describe(send), goal: "0 alloc")
        report.add("2", "send: the same, packet sealed (signed)", describe(sendSigned), goal: "0 alloc")
        report.add("2", "send: Opus-encode one 20 ms frame (OpusEncoder.encode)", describe(encode), goal: "0 alloc")
        report.add(
            "2", "send: file → stored clip (ClipEncoder.encode), mean per frame",
            formatDuration(UInt64(cpu / Double(clip.frameCount) * 1e9)) + " CPU, " + fixed(clipAllocations, 4)
                + " alloc/frame", goal: "0 alloc")
        let spread = sendAcrossZones(clip, zones: 500, rounds: 100)
        report.add(
            "2", "send: the same, round-robin over 500 zones (500 sockets and groups)", describe(spread),
            goal: "0 alloc")
        report.add(
            "2", "receive: Playout receive + advance (parse, jitter buffer, decode, null sink), packets not sealed",
            describe(receive), goal: "0 alloc")
        for ppm in [0.0, 100.0, 1000.0] {
            let timed = receiveAndPlay(clip, timeline: ppm)
            report.add(
                "2",
                "receive: the same on the controller's timeline, its clock " + fixed(ppm, 0)
                    + " ppm from the box's (drift correction resampled " + String(timed.resampled) + " of "
                    + String(clip.frameCount) + " frames): CPU per second of audio; per frame",
                formatDuration(UInt64(timed.cpuPerSecond * 1e9)) + " CPU/s; " + describe(timed.measured),
                goal: "0 alloc")
        }
        report.add(
            "2", "receive: verify one sealed packet (PacketVerifier.check: seal, freshness, replay window, Ed25519)",
            describe(verify), goal: "0 alloc")
        report.add(
            "2", "receive: the receiver's path per sealed packet: parse + verify + Playout receive + advance",
            describe(verifyAndPlay), goal: "0 alloc")
        return clip
    }

    struct Measured {
        var time: Summary
        var allocations: AllocationCount
    }

    static func describe(_ measured: Measured) -> String {
        "p50 " + formatDuration(measured.time.p50) + ", p99 " + formatDuration(measured.time.p99) + ", "
            + fixed(measured.allocations.perFrame, 3) + " alloc/frame ("
            + String(measured.allocations.framesThatAllocated)
            + " of " + String(measured.allocations.frames) + " frames allocated)"
    }

    /// Every frame of the stored clip through `ZoneStream.sendDue` to a TTL-0 group, called at each deadline.
    static func packetiseAndSend(_ clip: EncodedClip, signed: Bool) -> Measured {
        let zone = Zone(
            name: "bench", group: BenchNetwork.group(3, port: 5403), interface: BenchNetwork.interface, ttl: 0)
        let stream = try! BenchmarkZoneStream(zone: zone, signed: signed)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        let times = Samples(capacity: clip.frameCount)
        var counted = AllocationCount()
        stream.play(clip, id: 1, now: MonotonicClock.now())
        var frame = 0
        var finished = false
        while !finished, let deadline = stream.nextDeadline {
            let start = MonotonicClock.now()
            let before = allocations()
            finished = stream.sendDue(now: deadline, buffer: buffer)
            let allocated = allocations() - before
            let end = MonotonicClock.now()
            if frame >= warmUpFrames {
                times.record(end - start)
                counted.add(allocated)
            }
            frame += 1
        }
        return Measured(time: times.summary(), allocations: counted)
    }

    /// Frames of the stored clip sent in turn on `zones` streams (as many sockets and groups), as fast as
    /// the CPU allows: what one packet costs when a pacer serves many zones.
    static func sendAcrossZones(_ clip: EncodedClip, zones: Int, rounds: Int) -> Measured {
        let streams = (0..<zones).map { index in
            try! BenchmarkZoneStream(
                zone: Zone(
                    name: "z" + String(index), group: BenchNetwork.group(16 + index, port: 5411),
                    interface: BenchNetwork.interface, ttl: 0))
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        let now = MonotonicClock.now()
        for stream in streams { stream.play(clip, id: 1, now: now) }
        let times = Samples(capacity: zones * rounds)
        var counted = AllocationCount()
        for round in 0..<rounds {
            for stream in streams {
                let start = MonotonicClock.now()
                let before = allocations()
                _ = stream.sendDue(now: .max, buffer: buffer)
                let allocated = allocations() - before
                let end = MonotonicClock.now()
                if round >= 2 {
                    times.record(end - start)
                    counted.add(allocated)
                }
            }
        }
        return Measured(time: times.summary(), allocations: counted)
    }

    /// Every frame of the decoded clip through one `OpusEncoder`.
    static func encodeFrames(_ pcm: [Int16], _ settings: EncoderSettings) -> Measured {
        let encoder = try! OpusEncoder(settings: settings)
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: OpusFormat.maximumPacketBytes, alignment: 8)
        defer { packet.deallocate() }
        let frameSamples = settings.frameSamples
        let frames = pcm.count / frameSamples
        let times = Samples(capacity: frames)
        var counted = AllocationCount()
        pcm.withUnsafeBufferPointer { samples in
            for frame in 0..<frames {
                let input = UnsafeBufferPointer(rebasing: samples[frame * frameSamples..<(frame + 1) * frameSamples])
                let start = MonotonicClock.now()
                let before = allocations()
                _ = try? encoder.encode(input, into: packet)
                let allocated = allocations() - before
                let end = MonotonicClock.now()
                if frame >= warmUpFrames {
                    times.record(end - start)
                    counted.add(allocated)
                }
            }
        }
        return Measured(time: times.summary(), allocations: counted)
    }
}

extension FrameCost {
    /// The clip's packets, as datagrams arriving every 20 ms of simulated time, through a `Playout` whose sink
    /// discards the audio; `advance` decodes each frame when its time comes. With `ppm` (issue 13's cost of drift
    /// correction), each packet comes with its instant on a controller's timeline whose clock runs `ppm` apart from
    /// the box's: the playout compares every packet with the timeline and resamples a frame whenever its schedule
    /// strays (at 100 ppm about one frame in ten, at 1000 ppm nearly all). Returns the per-frame figures, the
    /// thread's CPU per second of audio over the whole clip, and the frames resampled.
    static func receiveAndPlay(_ clip: EncodedClip, timeline ppm: Double? = nil) -> (
        measured: Measured, cpuPerSecond: Double, resampled: Int
    ) {
        let datagrams = Datagrams(clip: clip, ssrc: 0x4C4F_4134)
        let sink = NullSink()
        let playout = try! Playout(settings: PlayoutSettings(), sink: sink)
        let times = Samples(capacity: clip.frameCount)
        var counted = AllocationCount()
        let frameNanoseconds = UInt64(clip.frameMilliseconds) * 1_000_000
        let base: UInt64 = 1_000_000_000
        let delay: UInt64 = 150_000_000
        let started = threadCPUSeconds()
        var frame = 0
        var now = base
        while sink.frames < clip.frameCount, frame < clip.frameCount + 100 {
            let start = MonotonicClock.now()
            let before = allocations()
            if frame < clip.frameCount, let ppm {
                let due = base + delay + UInt64((Double(frame * Int(frameNanoseconds)) * (1 + ppm / 1e6)).rounded())
                datagrams.with(frame) { bytes in
                    guard let packet = try? RTPPacket(parsing: bytes) else { return }
                    playout.receive(packet, in: bytes, at: now, due: due)
                }
            } else if frame < clip.frameCount {
                datagrams.with(frame) { playout.receive($0, at: now) }
            }
            playout.advance(to: now)
            let allocated = allocations() - before
            let end = MonotonicClock.now()
            if frame >= warmUpFrames, frame < clip.frameCount {
                times.record(end - start)
                counted.add(allocated)
            }
            frame += 1
            now += frameNanoseconds
        }
        let cpu = threadCPUSeconds() - started
        precondition(sink.frames > clip.frameCount - 10, "the playout did not play the clip")
        precondition((ppm ?? 0) == 0 || playout.statistics.resampled > 0, "drift correction never ran")
        let seconds = Double(clip.frameCount * clip.frameMilliseconds) / 1000
        return (Measured(time: times.summary(), allocations: counted), cpu / seconds, playout.statistics.resampled)
    }

    /// The clip's packets sealed with a stream key, arriving every 20 ms of simulated (monotonic and trusted) time,
    /// through the receiver's own `ReceiveChain` (parse, `PacketVerifier.check`, emergency flag, `Playout.receive`)
    /// and `advance`, as `Receiver` runs them. Returns the check alone (a second verifier over the same packets)
    /// and the whole path, per packet.
    static func verifyReceiveAndPlay(_ clip: EncodedClip) -> (Measured, Measured) {
        let streamKey = SigningKeyPair.generate()
        let tagKey = StreamTagKey.random()
        let sentAt: Int64 = 1_795_000_000_000
        let datagrams = Datagrams(
            clip: clip, ssrc: 0x4C4F_4133,
            sealer: PacketSealer(key: streamKey, audience: .benchmark, tagKey: tagKey, epoch: 0x4C4F_4131),
            sentAt: sentAt)
        let sink = NullSink()
        let chain = ReceiveChain(playout: try! Playout(settings: PlayoutSettings(), sink: sink))
        let pathVerifier = PacketVerifier(streamKey: streamKey.publicKey, audience: .benchmark, tagKey: tagKey)
        let checkVerifier = PacketVerifier(streamKey: streamKey.publicKey, audience: .benchmark, tagKey: tagKey)
        let checkTimes = Samples(capacity: clip.frameCount)
        let pathTimes = Samples(capacity: clip.frameCount)
        var checkAllocations = AllocationCount()
        var pathAllocations = AllocationCount()
        let frameNanoseconds = UInt64(clip.frameMilliseconds) * 1_000_000
        let base: UInt64 = 1_000_000_000
        var refused = 0
        for frame in 0..<clip.frameCount {
            let now = base + UInt64(frame) * frameNanoseconds
            let trustedNow = sentAt + Int64(frame * clip.frameMilliseconds) + 40
            var checked: UInt64 = 0
            var checkAllocated: UInt64 = 0
            datagrams.with(frame) { bytes in
                guard let packet = try? RTPPacket(parsing: bytes) else { return }
                let checkStart = MonotonicClock.now()
                let checkBefore = allocations()
                let verdict = checkVerifier.check(packet, datagram: bytes, trustedNow: trustedNow, monotonic: now)
                checkAllocated = allocations() - checkBefore
                checked = MonotonicClock.now() - checkStart
                if verdict != .accepted { refused += 1 }
            }
            let start = MonotonicClock.now()
            let before = allocations()
            datagrams.with(frame) { bytes in
                if chain.receive(bytes, verifier: pathVerifier, trustedNow: trustedNow, at: now) != .accepted {
                    refused += 1
                }
            }
            chain.playout.advance(to: now)
            let allocated = allocations() - before
            let end = MonotonicClock.now()
            if frame >= warmUpFrames {
                pathTimes.record(end - start)
                pathAllocations.add(allocated)
                checkTimes.record(checked)
                checkAllocations.add(checkAllocated)
            }
        }
        precondition(refused == 0, "the verifier refused " + String(refused) + " of the benchmark's own sealed packets")
        precondition(sink.frames > clip.frameCount - 10, "the playout did not play the sealed clip")
        return (
            Measured(time: checkTimes.summary(), allocations: checkAllocations),
            Measured(time: pathTimes.summary(), allocations: pathAllocations)
        )
    }
}

/// A clip's RTP packets built once, back to back.
final class Datagrams {
    private let bytes: UnsafeMutableRawBufferPointer
    private var offsets: [Int] = [0]

    /// With `sealer`, every packet is sealed, its send time `sentAt` + 20 ms per frame (Unix ms).
    init(clip: EncodedClip, ssrc: UInt32, sealer: PacketSealer? = nil, sentAt: Int64 = 0) {
        bytes = .allocate(
            byteCount: clip.bytes.count + (RTPHeader.fixedSize + PacketSeal.overhead) * clip.frameCount, alignment: 8)
        offsets.reserveCapacity(clip.frameCount + 1)
        let samplesPerFrame = UInt32(OpusFormat.samples(milliseconds: clip.frameMilliseconds))
        for frame in 0..<clip.frameCount {
            let header = RTPHeader(
                marker: frame == 0, payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: frame),
                timestamp: UInt32(truncatingIfNeeded: frame) &* samplesPerFrame, ssrc: ssrc)
            let start = offsets.last!
            let length = clip.withPacket(frame) { payload in
                let into = UnsafeMutableRawBufferPointer(rebasing: bytes[start...])
                guard let sealer else { return header.write(payload: payload, into: into) }
                return sealer.seal(
                    header: header, payload: payload, sendTime: sentAt + Int64(frame * clip.frameMilliseconds),
                    into: into)
            }
            offsets.append(start + length)
        }
    }

    deinit { bytes.deallocate() }

    @inline(__always)
    func with(_ index: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        body(UnsafeRawBufferPointer(rebasing: bytes[offsets[index]..<offsets[index + 1]]))
    }
}

/// A sink that discards the audio (it only counts frames).
final class NullSink: AudioSink {
    private(set) var frames = 0
    private(set) var checksum: Int16 = 0
    func play(_ samples: UnsafeBufferPointer<Int16>) {
        frames += 1
        checksum &+= samples[0]
    }
    func pause() {}
    var underruns: Int { 0 }
}
