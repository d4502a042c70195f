/// When a pacer thread sleeps to: a pure rule of the monotonic reading and the earliest deadline queued, so
/// that whatever the clock does (a sleep that returned early, a step, a deadline long past) a thread with
/// nothing due sleeps instead of spinning on its core.
package enum PacerWake {
    /// The longest an idle thread sleeps: it reads its mailbox at least this often, so a command waits at most
    /// this long (nanoseconds).
    package static let idleInterval: UInt64 = 5_000_000

    /// The monotonic instant to sleep until at `now`, with `earliest` the earliest deadline queued (nil: none):
    /// nil when that deadline has come (send, do not sleep); otherwise that deadline or `now + idleInterval`,
    /// whichever is sooner, which is always later than `now`.
    package static func sleepUntil(now: UInt64, earliest: UInt64?) -> UInt64? {
        let idle = now.addingReportingOverflow(idleInterval)
        let limit = idle.overflow ? UInt64.max : idle.partialValue
        guard let earliest else { return limit }
        return earliest <= now ? nil : min(earliest, limit)
    }
}
