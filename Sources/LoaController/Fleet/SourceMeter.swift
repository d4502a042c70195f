import LoaSystem

/// Token buckets keyed by source address: each source may take `perSecond` a second, in bursts of as many, so a
/// flood from one address is metered while every other address keeps its own allowance.
///
/// Contract: memory is bounded. The table holds at most `maximumSources` addresses; when a new one finds it
/// full, the addresses whose bucket has refilled (idle ones) are forgotten first, and if none has, the whole
/// table. A flood from many addresses is then bounded by the caller's overall budget (`SignatureBudget`).
package struct SourceMeter: Sendable {
    private struct Bucket {
        var tokens: Double
        var refilledAt: UInt64
    }

    let perSecond: Double
    let maximumSources: Int
    private var buckets: [IPv4Address: Bucket] = [:]

    package init(perSecond: Int, maximumSources: Int = 4096) {
        self.perSecond = Double(max(1, perSecond))
        self.maximumSources = max(1, maximumSources)
    }

    /// Takes one token of `source`'s bucket at `now` (monotonic nanoseconds); false when it is spent.
    package mutating func take(_ source: IPv4Address, now: UInt64) -> Bool {
        var bucket = buckets[source] ?? Bucket(tokens: perSecond, refilledAt: now)
        if buckets[source] == nil && buckets.count >= maximumSources { forgetIdle(now: now) }
        bucket.tokens = min(perSecond, bucket.tokens + Double(now &- bucket.refilledAt) / 1e9 * perSecond)
        bucket.refilledAt = now
        guard bucket.tokens >= 1 else {
            buckets[source] = bucket
            return false
        }
        bucket.tokens -= 1
        buckets[source] = bucket
        return true
    }

    private mutating func forgetIdle(now: UInt64) {
        let fullAfter = UInt64(1e9)
        buckets = buckets.filter { now &- $0.value.refilledAt < fullAfter }
        if buckets.count >= maximumSources { buckets = [:] }
    }
}
