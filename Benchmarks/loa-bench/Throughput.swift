import CLoaBench
import Glibc
import LoaCodec
import LoaController
import LoaSource
import LoaSystem

/// Figure 1: CPU seconds to put a whole clip on the wire as fast as possible, Loa against ffmpeg and
/// against libopus's encode loop alone. Loa and ffmpeg run as child processes and are charged their whole
/// CPU time (wait4), start-up included; the libopus loop is timed on this thread.
enum Throughput {
    struct Result {
        var loa: [Double] = []
        var loaSigned: [Double] = []
        var ffmpeg: [Double] = []
        var libopus: [Double] = []
    }

    static func run(clip: String, pcm: [Int16], runs: Int, report: Report) {
        let settings = EncoderSettings()
        let group = BenchNetwork.group(1, port: 5401)
        let ffmpegTarget =
            "rtp://" + BenchNetwork.group(2, port: 5402).text + "?ttl=0&localaddr=" + BenchNetwork.interface
        let loaCommand = [selfPath(), "send-clip", clip, group.text]
        let loaSignedCommand = loaCommand + ["signed"]
        let ffmpegCommand = [
            "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", clip,
            "-c:a", "libopus", "-b:a", String(settings.bitrate / 1000) + "k", "-application", "voip",
            "-frame_duration", String(settings.frameMilliseconds), "-compression_level", String(settings.complexity),
            "-fec:a", settings.inbandFEC ? "1" : "0", "-packet_loss", String(settings.expectedLossPercent),
            "-f", "rtp", ffmpegTarget,
        ]
        var result = Result()
        for round in 0..<runs {
            // Interleaved, so that a noisy neighbour hurts all three alike.
            guard let loa = runChild(loaCommand), let ffmpeg = runChild(ffmpegCommand),
                let signed = runChild(loaSignedCommand)
            else {
                report.note("figure 1: a child process failed; see its error above")
                return
            }
            result.loa.append(loa)
            result.loaSigned.append(signed)
            result.ffmpeg.append(ffmpeg)
            result.libopus.append(libopusLoop(pcm, settings))
            print(
                "    run " + String(round + 1) + "/" + String(runs) + ": Loa " + fixed(loa, 2) + " s, signed "
                    + fixed(signed, 2) + " s, ffmpeg "
                    + fixed(ffmpeg, 2) + " s, libopus " + fixed(result.libopus.last!, 2) + " s")
        }
        let loa = median(result.loa)
        let loaSigned = median(result.loaSigned)
        let ffmpeg = median(result.ffmpeg)
        let libopus = median(result.libopus)
        let of = " (median of " + String(runs) + ")"
        report.add(
            "1", "Loa send path, 10-min clip: decode, resample, encode, packetise, send (CPU)",
            fixed(loa, 2) + " s" + of)
        report.add("1", "the same with every packet sealed (signed, PacketSealer)", fixed(loaSigned, 2) + " s" + of)
        report.add(
            "1", "ffmpeg -c:a libopus … -f rtp, same clip and libopus settings (CPU)", fixed(ffmpeg, 2) + " s" + of)
        report.add("1", "libopus encode loop alone on decoded 48 kHz PCM (CPU)", fixed(libopus, 2) + " s" + of)
        report.add("1", "Loa ÷ ffmpeg, signing off", fixed(loa / ffmpeg, 3), goal: "≤ 1.02")
        report.add("1", "Loa ÷ ffmpeg, signing on", fixed(loaSigned / ffmpeg, 3), goal: "≤ 1.10")
        report.add(
            "1", "Loa ÷ libopus loop; ffmpeg ÷ libopus loop",
            fixed(loa / libopus, 3) + "; " + fixed(ffmpeg / libopus, 3))
    }

    /// What the `send-clip` child does: the whole send path, as fast as the CPU allows.
    static func sendClip(path: String, group: SocketAddress, signed: Bool) -> Int32 {
        let clip: EncodedClip
        do { clip = try ClipEncoder.encode(path: path, settings: EncoderSettings()) } catch {
            print(error.message)
            return 1
        }
        let zone = Zone(name: "bench", group: group, interface: BenchNetwork.interface, ttl: 0)
        let stream: BenchmarkZoneStream
        do { stream = try BenchmarkZoneStream(zone: zone, signed: signed) } catch {
            print(error.message)
            return 1
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        stream.play(clip, id: 1, now: MonotonicClock.now())
        while !stream.sendDue(now: .max, buffer: buffer) {}
        return stream.sendFailures == 0 && stream.packetsSent == clip.frameCount ? 0 : 2
    }

    static func libopusLoop(_ pcm: [Int16], _ settings: EncoderSettings) -> Double {
        let start = threadCPUSeconds()
        let bytes = pcm.withUnsafeBufferPointer { samples in
            loa_bench_opus_encode_loop(
                samples.baseAddress, samples.count, Int32(settings.frameSamples), Int32(settings.bitrate),
                Int32(settings.complexity), settings.inbandFEC ? 1 : 0, Int32(settings.expectedLossPercent))
        }
        precondition(bytes > 0, "libopus failed")
        return threadCPUSeconds() - start
    }

    private static func runChild(_ command: [String]) -> Double? {
        var arguments = command.map { strdup($0) }
        arguments.append(nil)
        defer { for argument in arguments { free(argument) } }
        var seconds = 0.0
        let status = loa_bench_run_child(&arguments, &seconds)
        guard status == 0 else {
            print("    '" + command.joined(separator: " ") + "' exited with status " + String(status))
            return nil
        }
        return seconds
    }

    private static func selfPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return length > 0
            ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : CommandLine.arguments[0]
    }
}

/// The clip decoded and resampled to 48 kHz mono 16-bit, the way `ClipEncoder` feeds the encoder.
func decodePCM(path: String) throws(ClipError) -> [Int16] {
    let file = try AudioFile(path: path)
    let resampler = try Resampler(inputRate: file.sampleRate, outputRate: OpusFormat.sampleRate)
    var pcm: [Int16] = []
    pcm.reserveCapacity(file.frames * OpusFormat.sampleRate / file.sampleRate + 8192)
    var input = [Float](repeating: 0, count: 4096)
    func append(_ samples: UnsafeBufferPointer<Float>) {
        for sample in samples { pcm.append(Int16(max(-32768, min(32767, (sample * 32767).rounded())))) }
    }
    while true {
        let count = try input.withUnsafeMutableBufferPointer { buffer throws(ClipError) in try file.read(into: buffer) }
        if count == 0 { break }
        try input.withUnsafeBufferPointer { buffer throws(ClipError) in
            try resampler.process(UnsafeBufferPointer(rebasing: buffer[0..<count])) { samples in append(samples) }
        }
    }
    try resampler.process(UnsafeBufferPointer(start: nil, count: 0)) { samples in append(samples) }
    return pcm
}
