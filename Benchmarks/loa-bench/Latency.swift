import Dispatch
import Foundation
import LoaCodec
import LoaCrypto
import LoaReceiverCore
import LoaSystem
import LoaTrust
import LoaWire

/// Figures 4 and 5: a live source encoded in real time and sent over TTL-0 multicast on 127.0.0.1 to a
/// receiver thread running the receiver's loop (`Playout`, as `Receiver` drives it) into a real ALSA device
/// (`ALSAPlayback` on a `file` PCM), noting when each frame's write returns. One process, one monotonic clock. Every packet is sealed as the controller
/// seals it (`PacketSealer`) and verified by the receiver thread (`ReceiveChain`, as `Receiver` runs it)
/// before it reaches the playout, so figure 5's receiver CPU includes verification.
///
/// A sample's latency runs from the moment its frame enters `OpusEncoder.encode` to the moment the
/// decoded frame holding it has been written to the ALSA device. The codec delays audio by its look-ahead L (6.5 ms):
/// the first L samples of decoded frame k entered the encoder with frame k − 1, the rest with frame k, and
/// the distribution below weighs each sample so.
enum Latency {
    struct Profile {
        var name: String
        var frameMilliseconds: Int
        var jitterMilliseconds: Int
    }

    struct Result {
        var latency: Summary
        var framesSent: Int
        var framesPlayed: Int
        var statistics: ReceiverStatistics
        var receiverCPUSeconds: Double
        var audioSeconds: Double
        var refused: Int
    }

    static func run(profile: Profile, pcm: [Int16], seconds: Double, groupIndex: Int) -> Result {
        let group = BenchNetwork.group(groupIndex, port: 5404)
        let interface = NetworkInterface(BenchNetwork.interface)!
        let settings = EncoderSettings(frameMilliseconds: profile.frameMilliseconds)
        let frameSamples = settings.frameSamples
        let frameNanoseconds = UInt64(profile.frameMilliseconds) * 1_000_000
        let frames = min(Int(seconds * 1000) / profile.frameMilliseconds, pcm.count / frameSamples)

        let entered = Samples(capacity: frames)
        let streamKey = SigningKeyPair.generate()
        let tagKey = StreamTagKey.random()
        let sealer = PacketSealer(key: streamKey, audience: .benchmark, tagKey: tagKey, epoch: 0x4C4F_4131)
        let receiver = LatencyReceiver(
            group: group, interface: interface,
            playout: PlayoutSettings(jitterMilliseconds: profile.jitterMilliseconds),
            verifier: PacketVerifier(streamKey: streamKey.publicKey, audience: .benchmark, tagKey: tagKey),
            frames: frames,
            until: MonotonicClock.now() + UInt64(seconds * 1e9) + 3_000_000_000)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            receiver.run()
            done.signal()
        }
        thread.start()

        let encoder = try! OpusEncoder(settings: settings)
        let socket = try! UDPSocket()
        try! socket.setMulticastOutput(interface: interface, ttl: 0)
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: OpusFormat.maximumPacketBytes, alignment: 8)
        defer {
            packet.deallocate()
            payload.deallocate()
        }
        let start = MonotonicClock.now() + 200_000_000
        pcm.withUnsafeBufferPointer { samples in
            for frame in 0..<frames {
                MonotonicClock.sleep(until: start + UInt64(frame) * frameNanoseconds)
                entered.record(MonotonicClock.now())
                let input = UnsafeBufferPointer(rebasing: samples[frame * frameSamples..<(frame + 1) * frameSamples])
                let length = try! encoder.encode(input, into: payload)
                let header = RTPHeader(
                    marker: frame == 0, payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: frame),
                    timestamp: UInt32(truncatingIfNeeded: frame * frameSamples), ssrc: 0x4C4F_4132)
                // Sealed by the controller's PacketSealer; the receiver verifies every packet.
                let size = sealer.seal(
                    header: header, payload: UnsafeRawBufferPointer(rebasing: payload[0..<length]),
                    sendTime: WallClock.now() / 1_000_000, into: packet)
                socket.send(UnsafeRawBufferPointer(rebasing: packet[0..<size]), to: group)
            }
        }
        done.wait()

        // Sample-weighted latency of every frame played after the first.
        let lookahead = encoder.lookahead
        let played = min(receiver.sink.count, frames)
        let enteredTimes = entered.values()
        let writtenTimes = receiver.sink.times.values()
        var weighted: [(UInt64, Int)] = []
        weighted.reserveCapacity(2 * played)
        for frame in 1..<max(played, 1) {
            let written = writtenTimes[frame]
            weighted.append((written - enteredTimes[frame], frameSamples - lookahead))
            weighted.append((written - enteredTimes[frame - 1], lookahead))
        }
        return Result(
            latency: weightedSummary(weighted), framesSent: frames, framesPlayed: receiver.sink.count,
            statistics: receiver.statistics, receiverCPUSeconds: receiver.cpuSeconds,
            audioSeconds: Double(receiver.sink.count * profile.frameMilliseconds) / 1000, refused: receiver.refused)
    }

    static func weightedSummary(_ values: [(UInt64, Int)]) -> Summary {
        let sorted = values.sorted { $0.0 < $1.0 }
        let total = sorted.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return Summary(p50: 0, p99: 0, max: 0, count: 0) }
        func quantile(_ fraction: Double) -> UInt64 {
            let wanted = Int((Double(total) * fraction).rounded(.up))
            var seen = 0
            for (value, weight) in sorted {
                seen += weight
                if seen >= wanted { return value }
            }
            return sorted.last!.0
        }
        return Summary(p50: quantile(0.5), p99: quantile(0.99), max: sorted.last!.0, count: total)
    }

    static func measure(pcm: [Int16], seconds: Double, report: Report) {
        let profiles = [
            Profile(name: "default (20 ms frames, 60 ms jitter buffer)", frameMilliseconds: 20, jitterMilliseconds: 60),
            Profile(
                name: "low-latency (10 ms frames, 20 ms jitter buffer)", frameMilliseconds: 10, jitterMilliseconds: 20),
        ]
        var receiverCPU: (Double, Double) = (0, 0)
        for (index, profile) in profiles.enumerated() {
            let result = run(profile: profile, pcm: pcm, seconds: seconds, groupIndex: 4 + index)
            let s = result.statistics
            var text =
                "p50 " + formatDuration(result.latency.p50) + ", p99 " + formatDuration(result.latency.p99) + ", max "
                + formatDuration(result.latency.max)
            text += " (" + String(result.framesPlayed) + "/" + String(result.framesSent) + " frames"
            let trouble = s.lost + s.late + s.concealed
            text +=
                trouble > 0
                ? "; lost " + String(s.lost) + ", late " + String(s.late) + ", concealed " + String(s.concealed)
                : ", none lost"
            text += result.refused > 0 ? ", " + String(result.refused) + " refused by the verifier)" : ")"
            report.add(
                "4",
                "latency, encoder input → receiver sink write, sealed and verified, " + profile.name + ", "
                    + fixed(seconds, 0) + " s",
                text, goal: index == 1 ? "p99 ≤ 40 ms" : "")
            if index == 0 { receiverCPU = (result.receiverCPUSeconds, result.audioSeconds) }
        }
        let perSecond = receiverCPU.1 > 0 ? receiverCPU.0 / receiverCPU.1 : 0
        report.add(
            "5",
            "receiver CPU per second of audio (receive loop thread: wake, recv, parse, verify, buffer, decode), x86",
            fixed(perSecond * 1000, 2) + " ms/s (" + fixed(perSecond * 100, 2) + "% of one core)")
    }
}

/// The receiver side of the latency run: the loop of `Receiver` around its `ReceiveChain`, with a recording
/// sink for ALSA.
final class LatencyReceiver: @unchecked Sendable {
    let sink: RecordingSink
    private let socket: UDPSocket
    private let chain: ReceiveChain<RecordingSink>
    private let frames: Int
    private let until: UInt64
    private(set) var statistics = ReceiverStatistics()
    private(set) var cpuSeconds = 0.0
    private let verifier: PacketVerifier
    var refused: Int { chain.refusals.total }

    init(
        group: SocketAddress, interface: NetworkInterface, playout settings: PlayoutSettings, verifier: PacketVerifier,
        frames: Int,
        until: UInt64
    ) {
        self.verifier = verifier
        sink = RecordingSink(capacity: frames + 16)
        socket = try! UDPSocket()
        try! socket.bind(group)
        try! socket.join(group.address, on: interface)
        socket.setReceiveBuffer(bytes: 1 << 20)
        chain = ReceiveChain(playout: try! Playout(settings: settings, sink: sink))
        self.frames = frames
        self.until = until
    }

    func run() {
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { datagram.deallocate() }
        let playout = chain.playout
        let cpuBefore = threadCPUSeconds()
        while sink.count < frames && MonotonicClock.now() < until {
            let wake = min(playout.nextEventTime ?? UInt64.max, MonotonicClock.now() + 100_000_000)
            if socket.waitReadable(until: wake) {
                receiving: while true {
                    let received: UDPSocket.Received
                    do { received = try socket.receive(into: datagram) } catch { break receiving }
                    switch received {
                    case .nothing: break receiving
                    case .oversized: playout.countRejected()
                    case .datagram(let length):
                        let now = MonotonicClock.now()
                        chain.receive(
                            UnsafeRawBufferPointer(rebasing: datagram[0..<length]), verifier: verifier,
                            trustedNow: WallClock.now() / 1_000_000, at: now)
                    }
                }
            }
            playout.advance(to: MonotonicClock.now())
        }
        cpuSeconds = threadCPUSeconds() - cpuBefore
        statistics = playout.statistics
    }
}

/// Writes each frame to a real ALSA device (`ALSAPlayback`, as on a box, here an ALSA `file` PCM into /dev/null
/// defined by `BenchALSA`) and notes the monotonic time at which the write returned.
final class RecordingSink: AudioSink {
    let times: Samples
    private let device = ALSAPlayback(device: BenchALSA.device)
    var count: Int { times.count }
    init(capacity: Int) {
        times = Samples(capacity: capacity)
        if let failure = device.failure {
            print("figures 4 and 5: " + failure.message + " (frames are timed without it)")
        }
    }
    func play(_ samples: UnsafeBufferPointer<Int16>) {
        device.play(samples)
        times.record(MonotonicClock.now())
    }
    func pause() {}
    var underruns: Int { device.underruns }
}

/// The benchmark's own ALSA configuration: one `file` PCM writing raw samples to /dev/null, so that the
/// receiver path ends in a real `snd_pcm_writei` on any machine, sound card or not.
enum BenchALSA {
    static let device = "loabench"

    /// Points libasound at the configuration (call before the first ALSA use).
    static func install() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-asound.conf").path
        let text = "pcm.loabench { type file slave.pcm { type null } file \"/dev/null\" format \"raw\" }\n"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        setenv("ALSA_CONFIG_PATH", path, 1)
    }
}

extension PacketAudience {
    /// The zone and commune the benchmarks seal for and verify as.
    static let benchmark = PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 0x4C4F_4130)
}
