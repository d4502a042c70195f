import Foundation
import CEbur128

/// EBU R128 loudness of mono audio, measured by libebur128: integrated loudness (LUFS) and true peak (dBTP,
/// 4× oversampled), and the true peak of each stretch added, for the limiter.
///
/// Mono is measured as one channel of weight 1 (as ffmpeg's `ebur128` filter measures a mono file).
public final class LoudnessMeter {
    private var state: UnsafeMutablePointer<ebur128_state>

    /// A meter for audio at `sampleRate`.
    public init(sampleRate: Int) throws(ClipError) {
        let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue)
        guard let state = ebur128_init(1, UInt(sampleRate), mode) else {
            throw .encoding(detail: "libebur128 cannot measure audio at \(sampleRate) Hz")
        }
        self.state = state
    }

    deinit {
        var owned: UnsafeMutablePointer<ebur128_state>? = state
        ebur128_destroy(&owned)
    }

    /// Adds `samples` and returns their true peak (linear, 1.0 is full scale).
    @discardableResult
    public func add(_ samples: UnsafeBufferPointer<Float>) -> Double {
        guard let base = samples.baseAddress, samples.count > 0 else { return 0 }
        ebur128_add_frames_float(state, base, samples.count)
        var peak = 0.0
        ebur128_prev_true_peak(state, 0, &peak)
        return peak
    }

    /// The integrated loudness of everything added, in LUFS; nil for silence (below the absolute gate).
    public var integratedLoudness: Double? {
        var value = 0.0
        guard ebur128_loudness_global(state, &value) == 0, value.isFinite else { return nil }
        return value
    }

    /// The true peak of everything added, in dBTP (−∞ for silence).
    public var truePeak: Double {
        var value = 0.0
        ebur128_true_peak(state, 0, &value)
        return Loudness.decibels(value)
    }
}

/// Decibel arithmetic.
public enum Loudness {
    /// `20·log10(linear)`; −∞ for 0.
    public static func decibels(_ linear: Double) -> Double { linear > 0 ? 20 * log10(linear) : -.infinity }
    /// `10^(decibels/20)`.
    public static func linear(_ decibels: Double) -> Double { pow(10, decibels / 20) }
}
