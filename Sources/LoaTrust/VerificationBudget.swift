/// How many Ed25519 checks the receiver spends per second, and on whose packets: a flood of forgeries must not
/// use up the checks the real stream needs.
///
/// Contract:
/// - At most `perSecond` checks a second in all (bursts up to that many).
/// - Three quarters of them are kept for the *trusted source*: the address the last genuine packet came from
///   (the controller). Forgeries from any other address cannot touch that share.
/// - The other quarter serves every other address, split over `untrustedSlots` buckets by a hash of the address,
///   so that while no source is trusted yet (a receiver that has just started, or a controller that moved) one
///   flooding address starves only the addresses that share its bucket.
/// - A forger who also spoofs the controller's own source address competes with it for the trusted share; that
///   takes a place on the path to the box, and still plays nothing (every packet is verified).
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

        mutating func take(now: UInt64) -> Bool {
            if refilled == 0 { refilled = now }
            tokens = min(rate, tokens + Double(now &- refilled) / 1e9 * rate)
            refilled = now
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }
    }

    static let untrustedSlots = 8

    private var trusted: Bucket
    /// Allocated once; taking a check updates a bucket in place.
    private var untrusted: [Bucket]

    init(perSecond: Int) {
        trusted = Bucket(rate: Double(perSecond) * 3 / 4)
        untrusted = Array(
            repeating: Bucket(rate: max(1, Double(perSecond) / 4 / Double(Self.untrustedSlots))),
            count: Self.untrustedSlots)
    }

    /// Takes one check for a packet from `source` (an address and port as one number); `trusted`: it comes
    /// from the trusted source. False: no check left for it now.
    mutating func take(from source: UInt64, trusted isTrusted: Bool, now: UInt64) -> Bool {
        if isTrusted { return trusted.take(now: now) }
        // A multiplicative hash: nearby addresses and ports spread over the slots.
        return untrusted[Int((source &* 0x9E37_79B9_7F4A_7C15) >> 61)].take(now: now)
    }
}
