/// The programme loudness every clip is brought to when it is stored (the controller's `loudness:` settings).
///
/// A clip is measured (EBU R128 integrated loudness) and given the gain that brings it to `integrated`, at most
/// `maximumGain` (so that a nearly silent file is not blown up into noise). Where that gain would push the true
/// peak above `truePeak`, the peaks are limited (`PeakLimiter`), so a quiet recording with a few loud clicks still
/// reaches the target instead of staying quiet.
public struct LoudnessTarget: Sendable, Equatable {
    /// Integrated loudness in LUFS (default −16, the usual level for speech programmes).
    public var integrated: Double
    /// The highest true peak in dBTP (default −1).
    public var truePeak: Double
    /// The largest gain applied, in dB.
    public var maximumGain: Double

    public init(integrated: Double = -16, truePeak: Double = -1, maximumGain: Double = 30) {
        self.integrated = integrated
        self.truePeak = truePeak
        self.maximumGain = maximumGain
    }

    /// The gain in dB that brings a clip measured at `loudness` LUFS (nil: silence) to the target.
    public func gain(forLoudness loudness: Double?) -> Double {
        guard let loudness else { return 0 }
        return min(integrated - loudness, maximumGain)
    }
}
