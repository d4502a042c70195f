/// Extends 16-bit RTP sequence numbers to a 64-bit count that never wraps (RFC 3550 Appendix A.1).
///
/// A number within half the sequence space of the highest one seen is placed next to it, before or
/// after; so reordering and wrap-around both keep their true order.
public struct SequenceExtender: Sendable {
    private var highest: Int64?

    public init() {}

    /// The extended value of `sequenceNumber`. The first number seen starts at 2^16 so that numbers
    /// slightly before it stay positive.
    public mutating func extend(_ sequenceNumber: UInt16) -> Int64 {
        guard let highest else {
            let first = Int64(1 << 16) + Int64(sequenceNumber)
            self.highest = first
            return first
        }
        let low = Int64(UInt16(truncatingIfNeeded: highest))
        var delta = Int64(sequenceNumber) - low
        if delta > 32768 { delta -= 65536 } else if delta < -32768 { delta += 65536 }
        let value = highest + delta
        if value > highest { self.highest = value }
        return value
    }

    /// Forgets the stream: the next number starts a new count.
    public mutating func reset() { highest = nil }
}
