import Synchronization

/// The rule that slows password guessing: after `freeFailures` failed logins in a row for one key (an account
/// name, or a caller's address), that key is locked for 30 s, and every further failure doubles the lock (up to
/// an hour). A successful login clears its account's count (not its address's). A pure value: the caller keeps
/// it behind a lock and passes the time in.
struct LoginThrottle: Sendable {
    static let freeFailures = 5
    static let firstLock: Int64 = 30_000
    static let longestLock: Int64 = 3_600_000
    /// Keys remembered at most (the oldest-locked are forgotten first once over).
    static let capacity = 10_000

    private struct Record: Sendable {
        var failures = 0
        var lockedUntil: Int64 = 0
    }

    private var records: [String: Record] = [:]

    /// Milliseconds until `keys` may try again at `now`; 0 if none of them is locked.
    func wait(_ keys: [String], now: Int64) -> Int64 {
        keys.map { max(0, (records[$0]?.lockedUntil ?? 0) - now) }.max() ?? 0
    }

    /// Counts a failed login for each of `keys` at `now`, locking those past `freeFailures`.
    mutating func failed(_ keys: [String], now: Int64) {
        if records.count >= Self.capacity { records = records.filter { $0.value.lockedUntil > now } }
        for key in keys {
            var record = records[key] ?? Record()
            record.failures += 1
            let over = record.failures - Self.freeFailures
            if over >= 0 {
                record.lockedUntil = now + min(Self.longestLock, Self.firstLock << min(over, 20))
            }
            records[key] = record
        }
    }

    /// Clears `key`'s failures after a successful login.
    mutating func succeeded(_ key: String) { records[key] = nil }
}

extension LoginThrottle {
    /// One throttle for every request of a controller, behind a lock.
    final class Shared: Sendable {
        private let state = Mutex(LoginThrottle())

        func withLock<T>(_ body: (inout LoginThrottle) -> T) -> T { state.withLock { body(&$0) } }
    }
}
