import LoaSystem

/// The time seals and trust answers carry (Unix ms): the wall clock read once, at the first use, then carried
/// forward on the monotonic clock. A step of the wall clock while the controller runs (an operator, NTP, a bad
/// RTC) moves neither, so the send times of a bulletin on the air and the time boxes learn stay in step and no
/// packet turns stale; the next start of the controller takes up the stepped wall clock.
///
/// This is the commune's one clock (issue 13): boxes estimate it from the trust answers (`nanoseconds()`, its
/// full resolution) and play every zone's samples at instants on it.
enum SealClock {
    private static let offset: Int64 = WallClock.now() / 1_000_000 - Int64(MonotonicClock.now() / 1_000_000)

    /// Now, in Unix milliseconds, on the seals' time base.
    static func now() -> Int64 { offset + Int64(MonotonicClock.now() / 1_000_000) }

    /// Now, in Unix nanoseconds, on the same time base: `nanoseconds() / 1_000_000` is `now()`.
    static func nanoseconds() -> Int64 { nanoseconds(monotonic: MonotonicClock.now()) }

    /// The seal time (Unix ns) at monotonic instant `monotonic` (ns).
    static func nanoseconds(monotonic: UInt64) -> Int64 { offset &* 1_000_000 &+ Int64(monotonic) }
}
