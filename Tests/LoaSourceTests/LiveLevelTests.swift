import LoaSource
import Testing

/// A live input's slow automatic gain and true-peak limiter (`LiveLevel`), on noise in bursts with pauses (as speech
/// has them), measured back with libebur128.
@Suite("Live level")
struct LiveLevelTests {
    /// `seconds` of noise bursts (1.5 s on, 0.5 s off), deterministic, with `peaks` of full scale every 2 s if asked,
    /// scaled so that its integrated loudness is `loudness` LUFS.
    func bursts(seconds: Int, loudness: Double, peaks: Bool = false) throws -> [Float] {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var samples = [Float](repeating: 0, count: seconds * 48_000)
        for index in samples.indices where index % 96_000 < 72_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            samples[index] = Float(Int64(bitPattern: seed >> 11) % 1_000_000) / 1_000_000 * 0.5
        }
        let meter = try LoudnessMeter(sampleRate: 48_000)
        samples.withUnsafeBufferPointer { _ = meter.add($0) }
        let scale = Float(Loudness.linear(loudness - (meter.integratedLoudness ?? 0)))
        var scaled = samples.map { $0 * scale }
        if peaks { for index in stride(from: 24_000, to: scaled.count, by: 96_000) { scaled[index] = 0.99 } }
        return scaled
    }

    /// `input` through a level set for −16 LUFS and −1 dBTP.
    func levelled(_ input: [Float]) throws -> [Float] {
        let level = try LiveLevel(target: LoudnessTarget())
        var output: [Float] = []
        output.reserveCapacity(input.count)
        for start in stride(from: 0, to: input.count, by: 960) {
            input[start..<min(start + 960, input.count)].withUnsafeBufferPointer {
                level.process($0) { output.append(contentsOf: $0) }
            }
        }
        return output
    }

    /// Integrated loudness and true peak of `samples`.
    func measure(_ samples: ArraySlice<Float>) throws -> (loudness: Double, truePeak: Double) {
        let meter = try LoudnessMeter(sampleRate: 48_000)
        Array(samples).withUnsafeBufferPointer { _ = meter.add($0) }
        return (meter.integratedLoudness ?? -.infinity, meter.truePeak)
    }

    @Test func aQuietMicrophoneIsBroughtUpToTheProgrammeLoudness() throws {
        let input = try bursts(seconds: 40, loudness: -35)
        let output = try levelled(input)
        #expect(abs(output.count - input.count) <= LiveLevel.blockSamples)
        // After the gain has settled (about 3 s of rise and the 3 s window), the last 20 s air at the target.
        let settled = try measure(output[(20 * 48_000)...])
        #expect(abs(settled.loudness + 16) <= 1, "the quiet input airs at \(settled.loudness) LUFS")
        #expect(settled.truePeak <= -0.9, "true peak \(settled.truePeak) dBTP")
    }

    /// Quiet speech with high peaks: the limiter turns many blocks down, and the make-up gain gives the loudness back.
    @Test func aQuietSourceWithManyPeaksStillReachesTheTarget() throws {
        var input = try bursts(seconds: 40, loudness: -38)
        // A click every quarter second, 8 dB above full scale once the quiet input is brought up.
        for index in stride(from: 0, to: input.count, by: 12_000) where index % 96_000 < 72_000 { input[index] = 0.2 }
        let output = try levelled(input)
        let settled = try measure(output[(25 * 48_000)...])
        #expect(abs(settled.loudness + 16) <= 0.7, "the peaky input airs at \(settled.loudness) LUFS")
        #expect(try measure(output[...]).truePeak <= -0.9, "true peak above the ceiling")
    }

    @Test func aLoudSourceWithPeaksIsBroughtDownAndItsPeaksLimited() throws {
        let input = try bursts(seconds: 40, loudness: -8, peaks: true)
        #expect(try measure(input[...]).truePeak > -0.5, "the input has its peaks")
        let output = try levelled(input)
        let settled = try measure(output[(20 * 48_000)...])
        #expect(abs(settled.loudness + 16) <= 1, "the loud input airs at \(settled.loudness) LUFS")
        #expect(try measure(output[...]).truePeak <= -0.9, "no peak above the ceiling, even before the gain settles")
        // No sample jumps: the gain moves in straight lines, so neighbouring samples differ no more than the input's.
        let inputStep = zip(input, input.dropFirst()).map { abs($1 - $0) }.max() ?? 0
        let outputStep = zip(output, output.dropFirst()).map { abs($1 - $0) }.max() ?? 0
        #expect(outputStep <= inputStep, "a step of \(outputStep) in the output")
    }
}
