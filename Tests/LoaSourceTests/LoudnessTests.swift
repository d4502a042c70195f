import Foundation
import LoaCodec
import LoaTestSupport
@testable import LoaSource
import Testing

/// Every clip is stored at the programme loudness: measured with libebur128, given its gain, its peaks limited,
/// then encoded. Checked on real sound files (espeak-ng speech, sox tones) and measured back after Opus decoding by
/// ffmpeg's `ebur128` filter, a measure independent of Loa's.
@Suite("Programme loudness")
final class LoudnessTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-loudness-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Vietnamese speech at `loudness` LUFS.
    func speech(_ name: String, loudness: Double) throws -> String {
        let raw = folder + "/" + name + ".espeak.wav"
        let espeak = Process()
        espeak.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        espeak.arguments = [
            "-v", "vi", "-w", raw, "Thông báo của Ủy ban nhân dân xã về lịch tiêm chủng cho trẻ em dưới năm tuổi",
        ]
        try espeak.run()
        espeak.waitUntilExit()
        let path = folder + "/" + name
        try FFmpegLoudness.scaled(raw, to: loudness, path: path)
        return path
    }

    /// A loud tone sweep, like a jingle, at `loudness` LUFS.
    func jingle(_ name: String, loudness: Double) throws -> String {
        let raw = folder + "/" + name + ".sox.wav"
        try FFmpegLoudness.sox(["-n", "-r", "44100", "-c", "1", "-b", "16", raw, "synth", "4", "sine", "300/1500"])
        let path = folder + "/" + name
        try FFmpegLoudness.scaled(raw, to: loudness, path: path)
        return path
    }

    /// Encodes `path` at `target` as the controller does, decodes it again and returns ffmpeg's measure of it.
    func aired(_ path: String, target: LoudnessTarget = LoudnessTarget()) throws -> (
        plan: LevelPlan, integrated: Double, truePeak: Double
    ) {
        let plan = try LevelPlan.measure(path: path, target: target)
        let clip = try ClipEncoder.encode(path: path, settings: EncoderSettings(), level: plan)
        let decoder = try OpusDecoder()
        var pcm = [Int16](repeating: 0, count: EncoderSettings().frameSamples)
        var out = Data()
        for index in 0..<clip.frameCount {
            let count = try clip.withPacket(index) { packet in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(packet, into: $0) }
            }
            for sample in pcm[0..<count] { withUnsafeBytes(of: sample.littleEndian) { out.append(contentsOf: $0) } }
        }
        let decoded = path + ".decoded.raw"
        try out.write(to: URL(fileURLWithPath: decoded))
        let measured = try FFmpegLoudness.measure(decoded, raw: true)
        return (plan, measured.integrated, measured.truePeak)
    }

    @Test func aQuietRecordingAndALoudJingleAirAtTheTargetLoudness() throws {
        let quiet = try speech("quiet.wav", loudness: -35)
        let loud = try jingle("loud.wav", loudness: -8)
        let quietSource = try FFmpegLoudness.measure(quiet).integrated
        let loudSource = try FFmpegLoudness.measure(loud).integrated
        #expect(abs(quietSource + 35) < 0.5 && abs(loudSource + 8) < 0.5, "sources: \(quietSource), \(loudSource)")

        let a = try aired(quiet)
        let b = try aired(loud)
        #expect(abs(a.integrated + 16) <= 1, "the quiet recording airs at \(a.integrated) LUFS (\(a.plan.summary))")
        #expect(abs(b.integrated + 16) <= 1, "the loud jingle airs at \(b.integrated) LUFS (\(b.plan.summary))")
        #expect(abs(a.integrated - b.integrated) <= 1)
        // Libebur128 saw what ffmpeg sees in the sources.
        #expect(abs((a.plan.loudness ?? 0) - quietSource) < 0.5 && abs((b.plan.loudness ?? 0) - loudSource) < 0.5)
        #expect(a.plan.gain > 15 && b.plan.gain < -5)
    }

    @Test func anotherTargetIsHonoured() throws {
        let loud = try jingle("loud.wav", loudness: -8)
        let result = try aired(loud, target: LoudnessTarget(integrated: -23, truePeak: -2))
        #expect(abs(result.integrated + 23) <= 1, "\(result.integrated) LUFS")
    }

    /// A quiet recording with a few loud clicks cannot reach the target by gain alone without its clicks passing
    /// the true-peak limit: the limiter turns the clicks down, and the speech still reaches the target.
    /// Speech whose peaks stand far above its loudness (espeak-ng's, as `loa say` makes) reaches the target with
    /// its peaks limited, and the limiter is gentle enough that the waveform stays the speech's: what the encoder
    /// is given correlates with the source at 0.97 or more (0.985 measured: 690 blocks limited, at most -4.7 dB).
    @Test func limitedSpeechKeepsItsWaveform() throws {
        for loudness in [-30.0, -24.0] {
            let path = try speech("speech\(Int(-loudness)).wav", loudness: loudness)
            let plan = try LevelPlan.measure(path: path, target: LoudnessTarget())
            #expect(plan.limitedBlocks > 0, "the speech must need limiting for this test: \(plan.summary)")
            var source: [Float] = []
            try ClipEncoder.samples(path: path) { source.append(contentsOf: $0) }
            var fed: [Float] = []
            try plan.applied(path: path) { fed.append(contentsOf: $0) }
            #expect(fed.count == source.count)
            var product = 0.0
            var sourceEnergy = 0.0
            var fedEnergy = 0.0
            for index in 0..<min(fed.count, source.count) {
                product += Double(fed[index]) * Double(source[index])
                sourceEnergy += Double(source[index]) * Double(source[index])
                fedEnergy += Double(fed[index]) * Double(fed[index])
            }
            let correlation = product / (sourceEnergy * fedEnergy).squareRoot()
            #expect(correlation >= 0.97, "\(loudness) LUFS: correlation \(correlation) (\(plan.summary))")
            let fedPath = folder + "/fed\(Int(-loudness)).wav"
            try FFmpegLoudness.writeWAV(fed, to: fedPath)
            let given = try FFmpegLoudness.measure(fedPath)
            #expect(given.truePeak <= -0.9, "the encoder is given \(given.truePeak) dBTP")
            #expect(abs(given.integrated + 16) <= 1, "the encoder is given \(given.integrated) LUFS")
        }
    }

    @Test func clicksInAQuietRecordingAreLimitedAndTheSpeechStillReachesTheTarget() throws {
        let quiet = try speech("quiet.wav", loudness: -35)
        var samples = try FFmpegLoudness.readWAV(quiet)
        // A click: 2.5 ms of 3 kHz under a Hann window, peaking at 0.9 of full scale, every 1.5 s.
        for second in stride(from: 0.5, to: Double(samples.count) / 48_000 - 0.1, by: 1.5) {
            let at = Int(second * 48_000)
            for index in 0..<120 {
                let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(index) / 120)
                samples[at + index] += Float(0.9 * window * sin(2 * Double.pi * 3000 * Double(index) / 48_000))
            }
        }
        let clicky = folder + "/clicky.wav"
        try FFmpegLoudness.writeWAV(samples, to: clicky)
        let source = try FFmpegLoudness.measure(clicky)
        #expect(source.truePeak > -2, "the clicks are loud: \(source.truePeak) dBTP")
        #expect(source.integrated < -30, "the recording stays quiet: \(source.integrated) LUFS")

        let plan = try LevelPlan.measure(path: clicky, target: LoudnessTarget())
        #expect(source.truePeak + plan.gain > 10, "gain alone would push the clicks far past full scale")
        #expect(plan.limitedBlocks > 0 && plan.deepestLimit < -10, "\(plan.summary)")

        // What the encoder is given: true peak at most -1 dBTP (ffmpeg's measure, with 0.1 dB for rounding).
        var fed: [Float] = []
        try plan.applied(path: clicky) { block in fed.append(contentsOf: block) }
        let fedPath = folder + "/fed.wav"
        try FFmpegLoudness.writeWAV(fed, to: fedPath)
        let given = try FFmpegLoudness.measure(fedPath)
        #expect(given.truePeak <= -0.9, "the encoder is given \(given.truePeak) dBTP")
        #expect(abs(given.integrated + 16) <= 1, "the encoder is given \(given.integrated) LUFS")
        let result = try aired(clicky)
        #expect(abs(result.integrated + 16) <= 1, "airs at \(result.integrated) LUFS")
    }

    @Test func theLimiterPlanKeepsEveryBlockUnderTheCeiling() {
        var peaks = [Float](repeating: 0.01, count: 400)
        for index in [3, 50, 51, 52, 200, 399] { peaks[index] = 0.9 }
        let gain = Loudness.linear(19)
        let ceiling = Loudness.linear(-1)
        let edges = PeakLimiter().edges(peaks: peaks, gain: gain, ceiling: ceiling)
        #expect(edges.count == peaks.count + 1)
        for (index, peak) in peaks.enumerated() {
            let loudest = Double(max(edges[index], edges[index + 1])) * Double(peak)
            #expect(loudest <= ceiling * 1.0001, "block \(index): \(loudest)")
        }
        // Between the peaks the gain recovers to the clip's gain.
        #expect(abs(Double(edges[150]) - gain) < gain * 0.001)
        // Peaks that stay under the ceiling are left alone.
        #expect(
            PeakLimiter().edges(peaks: [0.01, 0.02], gain: gain, ceiling: ceiling).allSatisfy {
                Double($0) == Double(Float(gain))
            })
    }

    @Test func silenceIsLeftAloneAndGainIsCapped() {
        #expect(LoudnessTarget().gain(forLoudness: nil) == 0)
        #expect(LoudnessTarget().gain(forLoudness: -70) == 30)
        #expect(LoudnessTarget().gain(forLoudness: -10) == -6)
    }
}
