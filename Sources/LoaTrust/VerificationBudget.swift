/// How many Ed25519 checks the receiver spends per second, and on whose packets: a flood of forgeries must not
/// use up the checks the real stream needs.
///
/// Contract:
/// - At most `perSecond` checks a second in all (bursts up to that many).
/// - A *tagged* packet (its stream tag checks with the controller's stream tag key, `PacketSeal`, which no forger
///   holds) may take any check left, the whole budget if need be.
/// - An untagged packet takes a check from its source's share: three quarters for the *trusted source* (the
///   address the last genuine packet came from, the controller), the other quarter for every other address, split
///   over `untrustedSlots` buckets by a hash of the address, so that while no source is trusted yet one flooding
///   address starves only the addresses that share its bucket.
/// - While tags are in use (`reserving`: the last genuine packet was tagged), untagged packets leave a quarter of
///   the budget banked for tagged ones: a forger who spoofs the controller's own address takes only checks the
///   real stream does not need. Without tags (a box that has not got the key, a controller that restarted with a
///   new one) the shares above are all there is, as before tags existed.
struct VerificationBudget {
    /// A token bucket: `rate` tokens a second, at most `rate` banked.
    private struct Bucket {
        var rate: Double
        var tokens: Double
        var refilled: UInt64 = 0

        init(rate: Double) {
            self.rate = rate
            tokens = rate
        }

        mutating func refill(now: UInt64) {
            if refilled == 0 { refilled = now }
            tokens = min(rate, tokens + Double(now &- refilled) / 1e9 * rate)
            refilled = now
        }

        mutating func take(now: UInt64) -> Bool {
            refill(now: now)
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }
    }

    static let untrustedSlots = 8

    /// Every check, tagged or not.
    private var total: Bucket
    private var trusted: Bucket
    /// Allocated once; taking a check updates a bucket in place.
    private var untrusted: [Bucket]
    /// Checks untagged packets leave banked while `reserving`.
    private let reserve: Double
    /// True while tags are in use: untagged packets leave `reserve` checks banked for tagged ones.
    var reserving = false

    init(perSecond: Int) {
        total = Bucket(rate: Double(perSecond))
        trusted = Bucket(rate: Double(perSecond) * 3 / 4)
        untrusted = Array(
            repeating: Bucket(rate: max(1, Double(perSecond) / 4 / Double(Self.untrustedSlots))),
            count: Self.untrustedSlots)
        reserve = Double(perSecond) / 4
    }

    /// Takes one check for a packet from `source` (an address and port as one number); `trusted`: it comes
    /// from the trusted source; `tagged`: its stream tag checks. False: no check left for it now.
    mutating func take(from source: UInt64, trusted isTrusted: Bool, tagged: Bool, now: UInt64) -> Bool {
        total.refill(now: now)
        if tagged { return total.take(now: now) }
        guard total.tokens >= 1 + (reserving ? reserve : 0) else { return false }
        let shared: Bool
        if isTrusted {
            shared = trusted.take(now: now)
        } else {
            // A multiplicative hash: nearby addresses and ports spread over the slots.
            shared = untrusted[Int((source &* 0x9E37_79B9_7F4A_7C15) >> 61)].take(now: now)
        }
        return shared && total.take(now: now)
    }
}
