import LoaCodec

/// How a clip's level is changed on its way to the encoder, decided from one measuring pass over the clip as it
/// will be encoded (mono, 48 kHz): its loudness, the gain that brings it to the `LoudnessTarget`, and the
/// limiter's gain where that gain would push its true peak above the target's.
public struct LevelPlan: Sendable {
    /// The clip's integrated loudness as it is, LUFS (nil: silence, left as it is).
    public var loudness: Double?
    /// The clip's true peak as it is, dBTP.
    public var truePeak: Double
    /// The gain applied before limiting, dB.
    public var gain: Double
    /// How many 5 ms blocks the limiter turns down, and by how much at most (dB, ≤ 0).
    public var limitedBlocks: Int
    public var deepestLimit: Double
    /// The limiter's gain at each block edge (`PeakLimiter.edges`), the clip's gain included.
    let edges: [Float]

    /// Measures the sound file at `path` and plans its level for `target`. Where the limiter turns peaks down, the
    /// clip is measured again as it would be encoded and its gain corrected (up to six times, until within 0.1 LU),
    /// so that limiting does not leave it below the target.
    public static func measure(path: String, target: LoudnessTarget, limiter: PeakLimiter = PeakLimiter())
        throws(ClipError) -> LevelPlan
    {
        let meter = try LoudnessMeter(sampleRate: OpusFormat.sampleRate)
        var peaks: [Float] = []
        var block = [Float](repeating: 0, count: PeakLimiter.blockSamples)
        var filled = 0
        try ClipEncoder.samples(path: path) { samples in
            for sample in samples {
                block[filled] = sample
                filled += 1
                if filled == block.count {
                    peaks.append(Float(block.withUnsafeBufferPointer { meter.add($0) }))
                    filled = 0
                }
            }
        }
        if filled > 0 {
            peaks.append(Float(block.withUnsafeBufferPointer { meter.add(.init(rebasing: $0[0..<filled])) }))
        }
        let loudness = meter.integratedLoudness
        var plan = LevelPlan(
            loudness: loudness, truePeak: meter.truePeak, gain: target.gain(forLoudness: loudness), peaks: peaks,
            target: target, limiter: limiter)
        // Limiting takes loudness away, and more gain is partly limited away again: correct the gain by the secant
        // through the last two tries (the first try assumes every dB of gain is heard).
        var previous: (gain: Double, loudness: Double)?
        for _ in 0..<6 where plan.limitedBlocks > 0 {
            guard let limited = try plan.loudnessAsEncoded(path: path),
                abs(limited - target.integrated) > 0.1, plan.gain < target.maximumGain
            else { break }
            var slope = 1.0
            if let previous, abs(plan.gain - previous.gain) > 0.01 {
                slope = min(1, max(0.1, (limited - previous.loudness) / (plan.gain - previous.gain)))
            }
            previous = (plan.gain, limited)
            plan = LevelPlan(
                loudness: loudness, truePeak: plan.truePeak,
                gain: min(plan.gain + (target.integrated - limited) / slope, target.maximumGain), peaks: peaks,
                target: target, limiter: limiter)
        }
        return plan
    }

    /// The plan for `gain` dB on a clip whose blocks have `peaks`.
    private init(
        loudness: Double?, truePeak: Double, gain: Double, peaks: [Float], target: LoudnessTarget,
        limiter: PeakLimiter
    ) {
        let linear = Loudness.linear(gain)
        let edges = limiter.edges(peaks: peaks, gain: linear, ceiling: Loudness.linear(target.truePeak))
        let lowest = edges.min().map { Double($0) } ?? linear
        self.loudness = loudness
        self.truePeak = truePeak
        self.gain = gain
        limitedBlocks = zip(edges, edges.dropFirst()).filter { min($0, $1) < Float(linear) * 0.999 }.count
        deepestLimit = min(0, Loudness.decibels(lowest / linear))
        self.edges = edges
    }

    /// The integrated loudness of the clip at `path` with this plan applied, as the encoder would be given it.
    private func loudnessAsEncoded(path: String) throws(ClipError) -> Double? {
        let meter = try LoudnessMeter(sampleRate: OpusFormat.sampleRate)
        try applied(path: path) { samples in meter.add(samples) }
        return meter.integratedLoudness
    }

    /// Reads the sound file at `path` as mono 48 kHz audio with this plan applied, handing it to `body` block by
    /// block: what the encoder is given.
    public func applied(path: String, _ body: (UnsafeBufferPointer<Float>) throws(ClipError) -> Void)
        throws(ClipError)
    {
        var scaled = [Float](repeating: 0, count: 8192)
        var position = 0
        try ClipEncoder.samples(path: path) { samples throws(ClipError) in
            if scaled.count < samples.count { scaled = [Float](repeating: 0, count: samples.count) }
            try scaled.withUnsafeMutableBufferPointer { buffer throws(ClipError) in
                for index in 0..<samples.count { buffer[index] = samples[index] * gain(at: position + index) }
                try body(UnsafeBufferPointer(rebasing: buffer[0..<samples.count]))
            }
            position += samples.count
        }
    }

    /// The gain, linear, of the sample at `index` (48 kHz samples from the clip's start).
    func gain(at index: Int) -> Float {
        let block = index / PeakLimiter.blockSamples
        guard block + 1 < edges.count else { return edges[edges.count - 1] }
        let fraction = Float(index - block * PeakLimiter.blockSamples) / Float(PeakLimiter.blockSamples)
        return edges[block] + (edges[block + 1] - edges[block]) * fraction
    }

    /// One line for the log: "−35.1 LUFS, +19.1 dB, 12 blocks limited (at most −4.2 dB)".
    public var summary: String {
        func number(_ value: Double) -> String {
            let rounded = (value * 10).rounded() / 10
            return (rounded > 0 ? "+" : "") + String(rounded)
        }
        let measured = loudness.map { number($0) + " LUFS" } ?? "silence"
        let limited =
            limitedBlocks == 0
            ? "" : ", peaks limited in \(limitedBlocks) blocks of 5 ms (at most \(number(deepestLimit)) dB)"
        return "\(measured) as stored, true peak \(number(truePeak)) dBTP; gain \(number(gain)) dB" + limited
    }
}
