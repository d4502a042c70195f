import LoaReceiverCore
import Testing

/// Drift correction's rule on its own (issue 13, point 4): noise is averaged, not corrected; a drift is held between
/// zero and the threshold, not at its edge; an error taken back stops at zero.
@Suite("Drift correction rule")
struct DriftCorrectionRuleTests {
    /// A deterministic draw in [−1, 1).
    struct Noise {
        var state: UInt64
        mutating func next() -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(state >> 33) - (1 << 30)
        }
    }

    @Test func noiseAroundTheTimelineIsNotCorrected() {
        var rule = DriftCorrection()
        var noise = Noise(state: 7)
        var changes = 0
        // ±40 µs on every packet, uniformly: each note alone beyond the threshold one time in four.
        for _ in 0..<15_000 {
            rule.note(noise.next() * 40_000 / (1 << 30))
            changes += abs(rule.nextFrame())
        }
        #expect(changes == 0)
    }

    @Test(arguments: [100.0, -100.0, 300.0])
    func aDriftIsHeldBetweenZeroAndTheThreshold(ppm: Double) {
        var rule = DriftCorrection()
        var noise = Noise(state: 11)
        // The box's schedule drifts by `ppm` of each 20 ms frame; the errors noted carry ±20 µs of noise.
        var drifted = 0.0
        var applied: Int64 = 0
        var worst: Int64 = 0
        var sum: Int64 = 0
        var total = 0
        for frame in 0..<15_000 {
            drifted += 20_000_000 * ppm / 1e6
            let error = Int64(drifted) + applied
            rule.note(error + noise.next() * 20_000 / (1 << 30))
            applied += Int64(rule.nextFrame()) * DriftCorrection.sample
            if frame >= 100 {
                worst = max(worst, abs(error))
                sum += abs(error)
                total += 1
            }
        }
        // Within the threshold plus one sample and the noise left in the line (a few µs).
        #expect(worst <= DriftCorrection.threshold + DriftCorrection.sample + 10_000, "worst \(worst) ns")
        // Held in the middle, not at the edge: the mean error about half the threshold.
        #expect(sum / Int64(total) < DriftCorrection.threshold * 2 / 3, "mean \(sum / Int64(total)) ns")
    }

    @Test func anErrorTakenBackStopsAtZero() {
        var rule = DriftCorrection()
        for _ in 0..<DriftCorrection.window { rule.note(300_000) }
        var steps = 0
        while rule.nextFrame() == -1 { steps += 1 }
        // 300 µs is 14.4 samples: 15 taken, the error now just below zero, and nothing more.
        #expect(steps == 15)
        #expect(rule.error <= 0 && rule.error > -DriftCorrection.sample)
        #expect(rule.nextFrame() == 0)
        rule.reset()
        #expect(rule.error == 0)
    }

    /// Whatever the errors (the extremes of Int64, a box that never catches up for over half an hour), the rule
    /// never traps and keeps correcting the way the error says.
    @Test func extremeErrorsAndAnEndlessCorrectionNeverTrap() {
        var rule = DriftCorrection()
        var shortened = 0
        for frame in 0..<100_000 {
            rule.note(frame % 2 == 0 ? Int64.max : Int64.max - 1)
            shortened += rule.nextFrame() == -1 ? 1 : 0
        }
        // Every frame shortened (the error noted stays far beyond what was taken back), past the shift's folding.
        #expect(shortened == 100_000)
        #expect(rule.error > DriftCorrection.threshold)
        rule.reset()
        for _ in 0..<DriftCorrection.window { rule.note(Int64.min) }
        #expect(rule.nextFrame() == 1)
        #expect(rule.error < -DriftCorrection.threshold)
    }
}
