import Foundation

/// A look-ahead true-peak limiter planned over a whole clip: from the true peak of each block of the clip (as
/// measured before any gain) and the clip's gain, the gain of every sample, so that no block's true peak ends up
/// above the ceiling.
///
/// Contract: the gain of every sample of block `j` is at most `ceiling / (gain · peak[j])` (and at most `gain`):
/// each block's gain is the least needed within one block either side, reached by a ramp that starts before the
/// peak (attack, at most `attackDecibels` per block) and recovers after it (release: each block keeps `release` of
/// the previous block's reduction in dB, a time constant of about 50 ms); inside
/// a block the gain moves in a straight line between block edges, each edge at most the gain of both blocks it
/// joins. A clip whose peaks stay under the ceiling gets `gain` everywhere.
public struct PeakLimiter: Sendable, Equatable {
    /// Samples per block (5 ms at 48 kHz).
    public static let blockSamples = 240
    public var attackDecibels = 2.0
    public var release = 0.9

    public init() {}

    /// The gain, linear, at each block edge: `edges[j]` where block `j` starts; one more edge than blocks.
    public func edges(peaks: [Float], gain: Double, ceiling: Double) -> [Float] {
        guard !peaks.isEmpty else { return [Float(gain), Float(gain)] }
        let target = peaks.map { peak -> Double in
            let loud = gain * Double(peak)
            return loud > ceiling ? ceiling / loud : 1
        }
        var held = target
        for index in target.indices {
            held[index] = target[max(0, index - 1)...min(target.count - 1, index + 1)].min() ?? 1
        }
        let attack = Loudness.linear(attackDecibels)
        for index in held.indices.dropLast().reversed() { held[index] = min(held[index], held[index + 1] * attack) }
        for index in held.indices.dropFirst() { held[index] = min(held[index], pow(held[index - 1], release)) }
        var edges = [Float](repeating: 0, count: held.count + 1)
        edges[0] = Float(gain * held[0])
        for index in 1..<held.count { edges[index] = Float(gain * min(held[index - 1], held[index])) }
        edges[held.count] = Float(gain * held[held.count - 1])
        return edges
    }
}
