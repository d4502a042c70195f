/// Which lost packets a box asks the controller for again, and when (the box's side of loss repair by negative
/// acknowledgement, RFC 4585): a gap in the sequence numbers is asked for once the packets after it show it is
/// not mere reordering, asked again if no repair came within a round trip, and given up when the packets could
/// no longer play in time or after `maximumAttempts`.
///
/// Contract:
/// - `received(_:now:)` takes every packet that passed verification once, by extended sequence number, in
///   arrival order (late, repaired and repeated ones included). A number above the highest so far marks the
///   numbers in between missing; a missing number that arrives is repaired (counted in `repaired` if it had
///   been asked for).
/// - `due(now:roundTrip:oldestUseful:into:)` writes the numbers to ask for now into `into` (emptied first,
///   capacity kept) and counts them in `asked`. A number is asked for first `reorderWait` after it went missing,
///   then again each `roundTrip` (at least `reorderWait`) until it arrives. Numbers below `oldestUseful` (those
///   whose playout instant has passed) and numbers asked `maximumAttempts` times are dropped and counted in
///   `abandoned`: lost even after repair.
/// - Only the `capacity - 1` numbers below the highest are tracked; older gaps are abandoned.
/// - Nothing allocates after `init` when `into` has room for `capacity` numbers.
public struct RepairRequests: Sendable {
    public static let maximumAttempts = 3
    /// How long a gap waits before it counts as a loss, not reordering.
    public static let reorderWait: UInt64 = 10_000_000

    public let capacity: Int
    /// Numbers still missing `reorderWait` after the packets after them came (reordering is not loss): the
    /// loss before repair.
    public private(set) var missed = 0
    /// Requests written (one per number per attempt): the NACK entries sent.
    public private(set) var asked = 0
    /// Numbers that arrived after being asked for.
    public private(set) var repaired = 0
    /// Numbers given up: the loss after repair.
    public private(set) var abandoned = 0

    private struct Gap {
        var sequence: Int64 = -1
        var missingSince: UInt64 = 0
        var askedAt: UInt64 = 0
        var attempts = 0
    }

    /// Gaps by `sequence & (capacity - 1)`; a slot whose `sequence` is -1 is free.
    private var gaps: [Gap]
    private var highest: Int64?
    private var tracked = 0

    /// `capacity`: rounded up to a power of two (e.g. 256: 5 s of 20 ms frames).
    public init(capacity: Int = 256) {
        var size = 1
        while size < capacity { size <<= 1 }
        self.capacity = size
        gaps = [Gap](repeating: Gap(), count: size)
    }

    /// How many numbers are missing and not yet given up.
    public var outstanding: Int { tracked }

    /// The highest number taken so far (nil: none since the last `reset`).
    public var highestReceived: Int64? { highest }

    /// Forgets the stream's numbers (a new stream starts): its gaps are dropped uncounted; the counters stay.
    /// Allocates nothing.
    public mutating func reset() {
        for slot in gaps.indices { gaps[slot].sequence = -1 }
        tracked = 0
        highest = nil
    }

    /// Takes a verified packet's extended sequence number.
    public mutating func received(_ sequence: Int64, now: UInt64) {
        guard let top = highest else {
            highest = sequence
            return
        }
        if sequence > top {
            // Mark the gap, at most the newest `capacity - 1` numbers of it.
            var number = max(top + 1, sequence - Int64(capacity) + 1)
            let skipped = Int(number - top - 1)
            missed += skipped
            abandoned += skipped
            while number < sequence {
                let slot = Int(number & Int64(capacity - 1))
                if gaps[slot].sequence >= 0 { drop(slot, abandoned: true) }
                gaps[slot] = Gap(sequence: number, missingSince: now, askedAt: 0, attempts: 0)
                tracked += 1
                number += 1
            }
            highest = sequence
            return
        }
        let slot = Int(sequence & Int64(capacity - 1))
        if gaps[slot].sequence == sequence {
            if gaps[slot].attempts > 0 { repaired += 1 }
            drop(slot, abandoned: false)
        }
    }

    /// Writes the numbers to ask for at `now` into `requests`.
    public mutating func due(now: UInt64, roundTrip: UInt64, oldestUseful: Int64, into requests: inout [Int64]) {
        requests.removeAll(keepingCapacity: true)
        guard tracked > 0, let top = highest else { return }
        let retry = max(roundTrip, Self.reorderWait)
        var number = max(oldestUseful, top - Int64(capacity) + 1)
        for slot in gaps.indices where gaps[slot].sequence >= 0 && gaps[slot].sequence < number {
            drop(slot, abandoned: true)
        }
        while number < top {
            let slot = Int(number & Int64(capacity - 1))
            if gaps[slot].sequence == number {
                let gap = gaps[slot]
                if gap.attempts >= Self.maximumAttempts {
                    if now &- gap.askedAt >= retry { drop(slot, abandoned: true) }
                } else if gap.attempts == 0 ? now &- gap.missingSince >= Self.reorderWait : now &- gap.askedAt >= retry
                {
                    if gap.attempts == 0 { missed += 1 }
                    gaps[slot].attempts += 1
                    gaps[slot].askedAt = now
                    requests.append(number)
                    asked += 1
                }
            }
            number += 1
        }
    }

    private mutating func drop(_ slot: Int, abandoned isAbandoned: Bool) {
        if isAbandoned {
            abandoned += 1
            if gaps[slot].attempts == 0 { missed += 1 }
        }
        gaps[slot].sequence = -1
        tracked -= 1
    }
}
