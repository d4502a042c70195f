import CLoaSystem

/// Time on CLOCK_MONOTONIC, in nanoseconds. It never steps, so every deadline in Loa is on it.
public enum MonotonicClock {
    /// Now, in nanoseconds since an arbitrary start (boot).
    @inline(__always)
    public static func now() -> UInt64 { loa_monotonic_ns() }

    /// Sleeps until the absolute `deadline`; returns at once if it has passed, or once a stop was requested.
    @inline(__always)
    public static func sleep(until deadline: UInt64) { loa_sleep_until_ns(deadline) }
}

/// Real-time scheduling for the threads that pace audio.
public enum RealTime {
    /// Makes the calling thread SCHED_FIFO at `priority` with 1 ns timer slack. Returns false where not allowed
    /// (the thread then keeps normal scheduling, still with the finer timer slack).
    @discardableResult
    public static func promoteCurrentThread(priority: Int32 = 20) -> Bool { loa_thread_make_realtime(priority) == 0 }
}

/// Wall-clock time (CLOCK_REALTIME), which NTP may step: only for stamps shown to people.
public enum WallClock {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public static func now() -> Int64 { loa_realtime_ns() }
}

/// SIGINT and SIGTERM as a flag that long-running loops poll.
public enum StopSignal {
    /// Installs the handlers (and ignores SIGPIPE). Call once, early.
    public static func install() { loa_install_stop_signals() }
    /// True once SIGINT or SIGTERM has arrived.
    public static var requested: Bool { loa_stop_requested() != 0 }
}
