import LoaSystem

/// Where the controller reads the time: the system's clocks in service, a hand-moved one in tests.
///
/// `Controller` builds one and hands it to the programme (and through it the control API), the pacer (the wall
/// time of its events; its send deadlines stay on the kernel's monotonic clock, which its threads sleep on) and
/// the emergency desk, so that a test can drive a simulated week through everything that reads the time.
public protocol ControllerClock: Sendable {
    /// Unix time in milliseconds. May step (NTP); the programme copes with steps both ways.
    func now() -> Int64
    /// Nanoseconds since an arbitrary start; never steps, never goes back. For deadlines and durations.
    func monotonicNanoseconds() -> UInt64
}

/// The system's clocks: `CLOCK_REALTIME` for the wall, `CLOCK_MONOTONIC` for deadlines.
public struct SystemClock: ControllerClock {
    public init() {}
    public func now() -> Int64 { WallClock.now() / 1_000_000 }
    public func monotonicNanoseconds() -> UInt64 { MonotonicClock.now() }
}
