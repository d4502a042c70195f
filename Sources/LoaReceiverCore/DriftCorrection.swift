import LoaCodec

/// Drift correction's rule (issue 13, point 4, `docs/sync.md`): from the errors the playout notes against the
/// controller's timeline, whether the next frame is played as it is, a sample shorter or a sample longer.
///
/// Contract:
/// - `error` is where the least-squares line through the last `window` errors noted stands at the newest one, each
///   error taken as it would be now: one noted before a correction is moved by that correction (the schedule moved
///   with it), so `error` follows a correction at once, follows a drift without lagging it, and smooths what the
///   timeline and the device's delay add as noise (to about a third of one note's). Until `window` errors are
///   noted, their mean; 0 before any.
/// - `nextFrame()` starts correcting when `error` lies beyond `threshold` (positive: the box plays late, so frames
///   are shortened) and goes on, one sample a frame, until the error has crossed zero: a box whose crystal runs
///   100 ppm off is held between zero and the threshold, not at its edge. Each sample moves the schedule, and
///   `error`, by `sample` ns. (A sudden step in the errors, a timeline set again, is followed with up to a third
///   more while the line catches up, then taken back.)
/// - `reset()` forgets everything noted (a stream timed again).
/// - Never traps: an error noted is taken within ±`largest` (what the network sends never crashes the box), and the
///   shift is folded into the errors held once it passes a second, so the sums stay far from overflowing.
///
/// Pure and allocation-free after `init`: `Playout` calls it once a frame.
public struct DriftCorrection {
    /// How many of the latest errors the line is fitted through: 32 packets, 640 ms of 20 ms frames.
    public static var window: Int { 32 }
    /// Beyond this error (ns) correction starts: 30 µs, under a third of the skew allowed between boxes on one network.
    public static var threshold: Int64 { 30_000 }
    /// The largest error taken as it is (ns, 10 s): beyond it, no correction of a sample a frame would catch up
    /// anyway, and the sums stay small.
    public static var largest: Int64 { 10_000_000_000 }
    /// One sample (ns): what one correction moves the schedule by.
    public static var sample: Int64 { 1_000_000_000 / Int64(OpusFormat.sampleRate) }

    /// The errors noted, each less the schedule's shift when it was noted (a ring of `window`).
    private var unshifted: [Int64]
    private var count = 0
    private var next = 0
    private var sum: Int64 = 0
    /// What the corrections have moved the schedule by so far (ns; positive: later).
    private var shift: Int64 = 0
    /// The direction being corrected (−1 shortening, +1 lengthening, 0 none).
    private var direction = 0

    public init() {
        unshifted = [Int64](repeating: 0, count: Self.window)
    }

    /// The error now (ns; positive: the box plays late), as the schedule stands now.
    public var error: Int64 {
        guard count > 0 else { return 0 }
        let mean = sum / Int64(count)
        guard count == Self.window else { return mean + shift }
        // The line's slope times how far the newest note lies from the middle, with positions counted in halves
        // (2x − (n − 1), oldest first) so that they are whole: Σ of their squares is n(n² − 1)/3.
        let n = Int64(Self.window)
        var moment: Int64 = 0
        for position in 0..<Self.window {
            let value = unshifted[(next + position) % Self.window]
            moment += (2 * Int64(position) - (n - 1)) * (value - mean)
        }
        return mean + moment * (n - 1) / (n * (n * n - 1) / 3) + shift
    }

    /// Notes one error (ns; positive: late) measured against the schedule as it stands now.
    public mutating func note(_ error: Int64) {
        let value = max(min(error, Self.largest), -Self.largest) - shift
        if count == Self.window {
            sum -= unshifted[next]
        } else {
            count += 1
        }
        unshifted[next] = value
        sum += value
        next = (next + 1) % Self.window
    }

    /// The change for the next frame: −1 (a sample shorter), +1 (a sample longer) or 0; the schedule is taken as moved
    /// by it.
    public mutating func nextFrame() -> Int {
        let current = error
        if direction == 0 {
            if current > Self.threshold {
                direction = -1
            } else if current < -Self.threshold {
                direction = 1
            } else {
                return 0
            }
        } else if (direction < 0 && current <= 0) || (direction > 0 && current >= 0) {
            direction = 0
            return 0
        }
        shift += direction < 0 ? -Self.sample : Self.sample
        if shift > 1_000_000_000 || shift < -1_000_000_000 {
            // The same errors, the shift folded in: a box that never catches up (a crystal beyond what a sample a
            // frame corrects) shifts forever.
            for index in 0..<Self.window { unshifted[index] += shift }
            sum += shift * Int64(count)
            shift = 0
        }
        return direction
    }

    /// Forgets what was noted.
    public mutating func reset() {
        count = 0
        next = 0
        sum = 0
        shift = 0
        direction = 0
    }
}
