import Foundation
import Testing

/// The measure the end-to-end tests judge a box's output by: it follows the few samples a box drops or doubles
/// to keep to the timeline, and still falls for a lost frame or a frame's shift.
@Suite("Audio comparison")
struct AudioComparisonTests {
    /// 3 s of a speech-like signal: a sum of tones whose loudness changes every 100 ms (pseudo-random, fixed seed).
    static func signal() -> [Float] {
        var seed: UInt32 = 12_345
        func next() -> Float {
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return Float(seed >> 8) / Float(1 << 24)
        }
        let tones: [Float] = [180, 420, 950, 1_700, 2_900, 4_300]
        var out = [Float](repeating: 0, count: 144_000)
        for start in stride(from: 0, to: out.count, by: 4_800) {
            let levels = tones.map { _ in next() }
            for index in start..<start + 4_800 {
                var sample: Float = 0
                for (tone, level) in zip(tones, levels) {
                    sample += level * sinf(Float(index) * 2 * .pi * tone / 48_000)
                }
                out[index] = 3_000 * sample
            }
        }
        return out
    }

    @Test func aDoubledSampleEveryFifthFrameIsFollowed() {
        let source = Self.signal()
        var played = [Float](repeating: 0, count: 2_400)
        for frame in stride(from: 0, to: source.count, by: 960) {
            let part = source[frame..<min(frame + 960, source.count)]
            played += part
            // The box's drift correction: one sample doubled in the middle of every fifth frame (30 samples in
            // 3 s: a crystal 200 ppm slow, twice the worst a box is specified for).
            if frame / 960 % 5 == 0 { played.insert(part[part.startIndex + 480], at: played.count - 480) }
        }
        let match = AudioComparison.compare(source: source, played: played)
        #expect(match.correlation > 0.98, "NCC \(match.correlation)")
        // Held at one lag, the same output matches far worse: the drift is what the window-by-window lag follows.
        #expect(AudioComparison.correlation(source, played, lag: match.lag) < 0.9)
    }

    @Test func aLostFrameOrAFramesShiftStillCounts() {
        let source = Self.signal()
        // Every fifth frame lost and played as silence.
        var holes = source
        for frame in stride(from: 0, to: source.count, by: 4_800) {
            for index in frame..<frame + 960 { holes[index] = 0 }
        }
        #expect(AudioComparison.compare(source: source, played: holes).correlation < 0.9)
        // Halfway through, one frame of silence pushes the rest 20 ms later.
        let shifted = Array(source[..<72_000]) + [Float](repeating: 0, count: 960) + Array(source[72_000...])
        #expect(AudioComparison.compare(source: source, played: shifted).correlation < 0.9)
        // Untouched, it matches.
        #expect(AudioComparison.compare(source: source, played: source).correlation > 0.999)
    }
}
