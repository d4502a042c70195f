/// The receiver's idea of the time: the controller's wall clock, learned from a signed answer to a fresh
/// challenge, carried forward on the local monotonic clock.
///
/// A board without a battery-backed clock boots with a stale time, and a 4G APN may offer no NTP; so the
/// receiver never trusts its own wall clock. Until a time answer has verified, `now` is nil and nothing plays.
public struct TrustedClock: Sendable {
    private var offset: Int64?
    /// Half the round trip of the answer that set the clock: its uncertainty, in milliseconds.
    public private(set) var uncertaintyMilliseconds: Int64 = 0

    public init() {}

    /// True once a signed time has been accepted.
    public var isSet: Bool { offset != nil }

    /// The controller's wall clock now (Unix ms), or nil before a signed time was accepted.
    public func now(monotonic: UInt64) -> Int64? {
        offset.map { Int64(monotonic / 1_000_000) + $0 }
    }

    /// Accepts a verified answer: `controllerTime` (Unix ms) was stamped between `askedAt` and `answeredAt`
    /// (local monotonic ns). The midpoint of the round trip is taken for the stamp.
    public mutating func set(controllerTime: Int64, askedAt: UInt64, answeredAt: UInt64) {
        let middle = Int64((askedAt / 2 + answeredAt / 2) / 1_000_000)
        offset = controllerTime - middle
        uncertaintyMilliseconds = Int64((answeredAt &- askedAt) / 2_000_000)
    }
}
