import LoaReceiverCore
import Testing

/// When a box asks for lost packets again (NACK), and what it counts.
@Suite("Repair requests")
struct RepairRequestsTests {
    static let ms: UInt64 = 1_000_000
    let roundTrip = 30 * Self.ms

    func due(_ requests: inout RepairRequests, at now: UInt64, oldestUseful: Int64 = 0) -> [Int64] {
        var numbers: [Int64] = []
        numbers.reserveCapacity(requests.capacity)
        requests.due(now: now, roundTrip: roundTrip, oldestUseful: oldestUseful, into: &numbers)
        return numbers
    }

    @Test func anUnbrokenStreamAsksForNothing() {
        var requests = RepairRequests()
        for sequence in Int64(1_000)..<1_500 {
            requests.received(sequence, now: UInt64(sequence) * 20 * Self.ms)
            #expect(due(&requests, at: UInt64(sequence) * 20 * Self.ms + 15 * Self.ms).isEmpty)
        }
        #expect(requests.missed == 0 && requests.asked == 0 && requests.outstanding == 0)
    }

    @Test func aGapIsAskedForAfterTheReorderWaitThenEachRoundTripUntilRepaired() {
        var requests = RepairRequests()
        let start: UInt64 = 1_000 * Self.ms
        requests.received(10, now: start)
        requests.received(13, now: start)
        #expect(requests.outstanding == 2)
        #expect(due(&requests, at: start + 5 * Self.ms).isEmpty)  // might be reordering
        #expect(due(&requests, at: start + 10 * Self.ms) == [11, 12])
        #expect(due(&requests, at: start + 20 * Self.ms).isEmpty)  // asked; a round trip has not passed
        #expect(due(&requests, at: start + 40 * Self.ms) == [11, 12])
        requests.received(12, now: start + 45 * Self.ms)  // a repair
        #expect(requests.repaired == 1)
        #expect(due(&requests, at: start + 70 * Self.ms) == [11])
        // Asked three times: given up one round trip later.
        #expect(due(&requests, at: start + 90 * Self.ms).isEmpty)
        #expect(due(&requests, at: start + 100 * Self.ms).isEmpty)
        #expect(requests.outstanding == 0)
        #expect(requests.missed == 2 && requests.asked == 5 && requests.repaired == 1 && requests.abandoned == 1)
    }

    @Test func reorderingIsNotLoss() {
        var requests = RepairRequests()
        requests.received(100, now: 0)
        requests.received(102, now: 20 * Self.ms)
        requests.received(101, now: 21 * Self.ms)  // overtaken by 102, arrives 1 ms later
        #expect(due(&requests, at: 40 * Self.ms).isEmpty)
        #expect(requests.missed == 0 && requests.asked == 0 && requests.repaired == 0)
    }

    @Test func whatCanNoLongerPlayIsGivenUp() {
        var requests = RepairRequests()
        requests.received(0, now: 0)
        requests.received(5, now: 0)  // 1...4 missing
        #expect(due(&requests, at: 10 * Self.ms, oldestUseful: 3) == [3, 4])
        #expect(requests.abandoned == 2)  // 1 and 2: their instant has passed
        #expect(requests.missed == 4)
        requests.received(1, now: 11 * Self.ms)  // too late: already given up, not a repair
        #expect(requests.repaired == 0)
    }

    @Test func aLongOutageTracksOnlyTheNewestNumbers() {
        var requests = RepairRequests(capacity: 64)
        requests.received(0, now: 0)
        requests.received(1_000, now: 0)
        #expect(requests.outstanding == 63)
        #expect(requests.missed == 936 && requests.abandoned == 936)
        let asked = due(&requests, at: 10 * Self.ms)
        #expect(asked.first == 937 && asked.last == 999 && asked.count == 63)
    }

    @Test func askingAllocatesNothingOnceTheListHasRoom() {
        var requests = RepairRequests()
        var numbers: [Int64] = []
        numbers.reserveCapacity(requests.capacity)
        let capacity = numbers.capacity
        requests.received(0, now: 0)
        requests.received(200, now: 0)
        requests.due(now: 10 * Self.ms, roundTrip: roundTrip, oldestUseful: 0, into: &numbers)
        #expect(numbers.count == 199)
        #expect(numbers.capacity == capacity)
    }

    /// The receive chain asks only for numbers the playout could still play: its next number (16 bits) is placed on
    /// the chain's count, before the highest or just after it when everything has played, across a wrap too.
    @Test func theOldestUsefulNumberFollowsThePlayout() {
        typealias Chain = ReceiveChain<RecordingSink>
        #expect(Chain.oldestUseful(highest: 70_000, nextToPlay: UInt16(70_000 % 65_536) &- 5) == 69_995)
        #expect(Chain.oldestUseful(highest: 70_000, nextToPlay: UInt16(70_000 % 65_536) &+ 1) == 70_001)
        #expect(Chain.oldestUseful(highest: 65_537, nextToPlay: 65_534) == 65_534, "across the wrap")
        #expect(Chain.oldestUseful(highest: 70_000, nextToPlay: nil) == 70_001)
    }
}
