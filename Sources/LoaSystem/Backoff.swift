/// Waits between attempts at something that failed (a missing config file, a network interface that is
/// not up yet, a sound card that is not there): 1 s, 2 s, 4 s, … up to `maximumSeconds`, each wait
/// announced in one log line that says what failed.
///
/// Waiting keeps the systemd watchdog fed and ends early when a stop signal arrives, so a box that waits
/// for its hardware is neither killed as hung nor slow to stop.
public struct Backoff: Sendable {
    /// The next wait, in seconds.
    public private(set) var nextSeconds: Int
    public let maximumSeconds: Int

    public init(firstSeconds: Int = 1, maximumSeconds: Int = 60) {
        nextSeconds = firstSeconds
        self.maximumSeconds = maximumSeconds
    }

    /// For a loop that must go on meanwhile: logs "`problem`; retrying in N s" as an error (and as systemd's
    /// status), doubles N for next time and returns when to retry (monotonic ns, `now` + N s).
    public mutating func schedule(after problem: String, now: UInt64) -> UInt64 {
        let line = problem + "; retrying in " + String(nextSeconds) + " s"
        Log.error(line)
        ServiceManager.status("waiting: " + line)
        let due = now + UInt64(nextSeconds) * 1_000_000_000
        nextSeconds = min(nextSeconds * 2, maximumSeconds)
        return due
    }

    /// Logs "`problem`; retrying in N s" as an error (and as systemd's status), then waits N seconds
    /// (less if a stop is requested) and doubles N for next time.
    public mutating func wait(after problem: String) {
        let deadline = schedule(after: problem, now: MonotonicClock.now())
        let slice = min(1_000_000_000, (ServiceManager.watchdogInterval ?? UInt64.max) / 4)
        while !StopSignal.requested {
            let now = MonotonicClock.now()
            ServiceManager.keepAlive(now: now)
            if now >= deadline { break }
            MonotonicClock.sleep(until: min(deadline, now + slice))
        }
    }
}
