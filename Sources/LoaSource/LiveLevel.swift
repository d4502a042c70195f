import CEbur128
import Foundation

/// A live input's level on its way to the encoder (`LiveSource`): a slow automatic gain towards the programme
/// loudness, and a true-peak limiter, so that a quiet microphone and a loud relay air as loud as the stored clips.
///
/// Contract, block by block (5 ms at 48 kHz; the output lags the input by one block, the limiter's look-ahead):
/// - The automatic gain follows `target.integrated` minus the input's short-term loudness (EBU R128, 3 s, measured
///   every 100 ms), moving at most `slewDecibelsPerSecond`, between `minimumGain` dB and `target.maximumGain` dB;
///   below `gateLUFS` (pauses, silence) it holds, so the noise floor of a pause is not raised.
/// - What the limiter takes off speech with high peaks is given back slowly: once the gain has settled, a make-up gain
///   (at most `makeupDecibelsPerSecond`, 0 to `maximumMakeup` dB) follows the target minus the output's short-term
///   loudness, so the output, not only the input, airs at the target.
/// - The limiter: each block's gain is at most `target.truePeak` over the block's true peak (libebur128, 4×
///   oversampled); within a block the gain moves in a straight line between its edges, each edge at most the gain of
///   both blocks it joins, so no sample jumps; after a peak it recovers at most `releaseDecibelsPerBlock` a block.
/// - Allocates nothing after `init`.
public final class LiveLevel {
    public static let blockSamples = 240
    public let target: LoudnessTarget
    public var slewDecibelsPerSecond = 6.0
    public var minimumGain = -20.0
    public var gateLUFS = -50.0
    public var releaseDecibelsPerBlock = 0.5
    public var makeupDecibelsPerSecond = 0.5
    public var maximumMakeup = 4.0
    /// The automatic gain now, dB, and the make-up part of it.
    public private(set) var gainDecibels = 0.0
    public private(set) var makeupDecibels = 0.0
    private var state: UnsafeMutablePointer<ebur128_state>
    /// The output's loudness, for the make-up gain.
    private var outputState: UnsafeMutablePointer<ebur128_state>
    /// The block waiting for the next one (the look-ahead), its limited gain, and the gain at its left edge.
    private let held: UnsafeMutableBufferPointer<Float>
    private let incoming: UnsafeMutableBufferPointer<Float>
    private let output: UnsafeMutableBufferPointer<Float>
    private var incomingCount = 0
    /// The last short-term loudness (LUFS) of the input and of the output, and the blocks since they were measured.
    private var inputShortTerm = -Double.infinity
    private var outputShortTerm = -Double.infinity
    private var blocksSinceMeasure = 0
    /// Short-term loudness is measured every 20 blocks (100 ms, the rate EBU Tech 3341 asks of a meter).
    static let measureEveryBlocks = 20
    private var heldGain: Double?
    private var leftEdge = 1.0

    public init(target: LoudnessTarget) throws(ClipError) {
        let mode = Int32(EBUR128_MODE_S.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue)
        guard let state = ebur128_init(1, 48_000, mode) else {
            throw .encoding(detail: "libebur128 cannot measure a live input")
        }
        guard let outputState = ebur128_init(1, 48_000, Int32(EBUR128_MODE_S.rawValue)) else {
            var owned: UnsafeMutablePointer<ebur128_state>? = state
            ebur128_destroy(&owned)
            throw .encoding(detail: "libebur128 cannot measure a live input")
        }
        self.state = state
        self.outputState = outputState
        self.target = target
        held = .allocate(capacity: Self.blockSamples)
        held.initialize(repeating: 0)
        incoming = .allocate(capacity: Self.blockSamples)
        incoming.initialize(repeating: 0)
        output = .allocate(capacity: Self.blockSamples)
        output.initialize(repeating: 0)
    }

    deinit {
        var owned: UnsafeMutablePointer<ebur128_state>? = state
        ebur128_destroy(&owned)
        var ownedOutput: UnsafeMutablePointer<ebur128_state>? = outputState
        ebur128_destroy(&ownedOutput)
        held.deallocate()
        incoming.deallocate()
        output.deallocate()
    }

    /// Takes 48 kHz mono `samples` and hands each levelled block to `emit` (one block behind).
    public func process(_ samples: UnsafeBufferPointer<Float>, emit: (UnsafeBufferPointer<Float>) -> Void) {
        var taken = 0
        while taken < samples.count {
            let room = min(Self.blockSamples - incomingCount, samples.count - taken)
            for offset in 0..<room { incoming[incomingCount + offset] = samples[taken + offset] }
            incomingCount += room
            taken += room
            if incomingCount == Self.blockSamples {
                block(emit)
                incomingCount = 0
            }
        }
    }

    /// One whole block has come in: measure it, move the automatic gain, and emit the block held before it.
    private func block(_ emit: (UnsafeBufferPointer<Float>) -> Void) {
        ebur128_add_frames_float(state, incoming.baseAddress, Self.blockSamples)
        var peak = 0.0
        ebur128_prev_true_peak(state, 0, &peak)
        // Short-term loudness sums 3 s of audio: measured every `measureEveryBlocks`, the gain moves every block.
        if blocksSinceMeasure == 0 {
            if ebur128_loudness_shortterm(state, &inputShortTerm) != 0 { inputShortTerm = -.infinity }
            if ebur128_loudness_shortterm(outputState, &outputShortTerm) != 0 { outputShortTerm = -.infinity }
        }
        blocksSinceMeasure = (blocksSinceMeasure + 1) % Self.measureEveryBlocks
        let shortTerm = inputShortTerm
        if shortTerm.isFinite, shortTerm > gateLUFS {
            let seconds = Double(Self.blockSamples) / 48_000
            let wanted = min(max(target.integrated - shortTerm + makeupDecibels, minimumGain), target.maximumGain)
            let step = slewDecibelsPerSecond * seconds
            // Settled (the gain where the input asks it to be): what the output still lacks is the limiter's share.
            let output = outputShortTerm
            if abs(wanted - gainDecibels) < 0.5, output.isFinite, output > gateLUFS {
                let makeupStep = makeupDecibelsPerSecond * seconds
                makeupDecibels = min(
                    max(makeupDecibels + min(max(target.integrated - output, -makeupStep), makeupStep), 0),
                    maximumMakeup)
            }
            gainDecibels += min(max(wanted - gainDecibels, -step), step)
        }
        var gain = Loudness.linear(gainDecibels)
        let ceiling = Loudness.linear(target.truePeak)
        if peak * gain > ceiling { gain = ceiling / peak }
        if let previous = heldGain {
            // Release: at most `releaseDecibelsPerBlock` above the block before.
            gain = min(gain, previous * Loudness.linear(releaseDecibelsPerBlock))
            let rightEdge = min(previous, gain)
            for index in 0..<Self.blockSamples {
                let share = Double(index) / Double(Self.blockSamples)
                output[index] = held[index] * Float(leftEdge + (rightEdge - leftEdge) * share)
            }
            leftEdge = rightEdge
            ebur128_add_frames_float(outputState, output.baseAddress, Self.blockSamples)
            emit(UnsafeBufferPointer(output))
        } else {
            leftEdge = gain
        }
        heldGain = gain
        for index in 0..<Self.blockSamples { held[index] = incoming[index] }
    }
}
