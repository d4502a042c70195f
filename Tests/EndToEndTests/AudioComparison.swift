import Foundation

/// Compares what a receiver played with the clip that was queued.
enum AudioComparison {
    /// 48 kHz mono samples of any sound file, decoded by ffmpeg (independently of Loa's own decoder).
    static func reference(_ file: String) throws -> [Float] {
        let raw = file + ".ref.raw"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-loglevel", "error", "-y", "-i", file, "-ac", "1", "-ar", "48000", "-f", "s16le", raw]
        try process.run()
        process.waitUntilExit()
        return try raw16(raw)
    }

    /// Raw signed 16-bit little-endian mono samples.
    /// The strength of `frequency` in `samples` at 48 kHz (Goertzel), relative to the window's energy: 0.5 for a
    /// pure tone at that frequency, near 0 for another.
    static func strength(_ samples: ArraySlice<Float>, _ frequency: Double) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / 48_000)
        var (previous, older, energy) = (0.0, 0.0, 0.0)
        for sample in samples {
            let value = Double(sample) + coefficient * previous - older
            older = previous
            previous = value
            energy += Double(sample) * Double(sample)
        }
        let power = previous * previous + older * older - coefficient * previous * older
        return energy > 0 ? power / (energy * Double(samples.count)) : 0
    }

    static func raw16(_ file: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return data.withUnsafeBytes { raw in
            (0..<raw.count / 2).map {
                Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)))
            }
        }
    }

    /// The best alignment of `played` against `source` (lag of `played`, up to ±`maximumLag` samples) and the
    /// normalised cross-correlation there, over the overlapping part.
    ///
    /// A box keeps to the controller's timeline by dropping or doubling one sample a frame (`Playout`'s drift
    /// correction), so the lag of what it played may move by a few samples in the course of a clip. The
    /// correlation is therefore summed window by window (50 ms), each window at its own best lag within
    /// `drift` samples (1 ms) of the clip's. A gap, or a lost frame played as silence or noise, moves the lag by far
    /// more than that or leaves nothing to match, so it still lowers the correlation.
    static func compare(
        source: [Float], played: [Float], maximumLag: Int = 4800, drift: Int = 48
    ) -> (lag: Int, correlation: Double) {
        // Coarse search on 8× decimated signals, then a fine search around it at full rate.
        let step = 8
        let a = decimate(source, step)
        let b = decimate(played, step)
        var best = (lag: 0, value: -Double.infinity)
        for lag in -maximumLag / step...maximumLag / step {
            let value = correlation(a, b, lag: lag)
            if value > best.value { best = (lag, value) }
        }
        var fine = (lag: best.lag * step, value: -Double.infinity)
        for lag in (best.lag * step - 2 * step)...(best.lag * step + 2 * step) {
            let value = correlation(source, played, lag: lag)
            if value > fine.value { fine = (lag, value) }
        }
        return (fine.lag, windowed(source, played, lag: fine.lag, drift: drift))
    }

    /// The correlation of `a` with `b` over their overlap at `lag`, each `window` of `a` matched at the lag within
    /// `drift` of `lag` that suits it best.
    static func windowed(_ a: [Float], _ b: [Float], lag: Int, drift: Int, window: Int = 2400) -> Double {
        var ab = 0.0, aa = 0.0, bb = 0.0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let limit = min(a.count, b.count - lag)
                var start = max(0, -lag)
                while start < limit {
                    let end = min(start + window, limit)
                    var chosen = (score: -Double.infinity, ab: 0.0, aa: 0.0, bb: 0.0)
                    for candidate in (lag - drift)...(lag + drift) {
                        var xy = 0.0, xx = 0.0, yy = 0.0
                        for i in start..<end {
                            let j = i + candidate
                            let x = Double(a[i])
                            let y = j >= 0 && j < b.count ? Double(b[j]) : 0
                            xy += x * y
                            xx += x * x
                            yy += y * y
                        }
                        let score = xx > 0 && yy > 0 ? xy / (xx * yy).squareRoot() : -1
                        // Ties (silence) keep the clip's lag.
                        if score > chosen.score || (score == chosen.score && candidate == lag) {
                            chosen = (score, xy, xx, yy)
                        }
                    }
                    ab += chosen.ab
                    aa += chosen.aa
                    bb += chosen.bb
                    start = end
                }
            }
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }

    /// Normalised correlation of `a[i]` with `b[i + lag]` over their overlap.
    static func correlation(_ a: [Float], _ b: [Float], lag: Int) -> Double {
        let start = max(0, -lag)
        let end = min(a.count, b.count - lag)
        guard end > start else { return 0 }
        var ab = 0.0, aa = 0.0, bb = 0.0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in start..<end {
                    let x = Double(a[i])
                    let y = Double(b[i + lag])
                    ab += x * y
                    aa += x * x
                    bb += y * y
                }
            }
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }

    static func decimate(_ samples: [Float], _ step: Int) -> [Float] {
        stride(from: 0, to: samples.count - step + 1, by: step).map { start in
            var sum: Float = 0
            for i in start..<start + step { sum += samples[i] }
            return sum / Float(step)
        }
    }
}
