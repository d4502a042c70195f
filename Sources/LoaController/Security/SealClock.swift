import LoaSystem

/// The time seals and trust answers carry (Unix ms): the wall clock read once, at the first use, then carried
/// forward on the monotonic clock. A step of the wall clock while the controller runs (an operator, NTP, a bad
/// RTC) moves neither, so the send times of a bulletin on the air and the time boxes learn stay in step and no
/// packet turns stale; the next start of the controller takes up the stepped wall clock.
enum SealClock {
    private static let offset: Int64 = WallClock.now() / 1_000_000 - Int64(MonotonicClock.now() / 1_000_000)

    /// Now, in Unix milliseconds, on the seals' time base.
    static func now() -> Int64 { offset + Int64(MonotonicClock.now() / 1_000_000) }
}
