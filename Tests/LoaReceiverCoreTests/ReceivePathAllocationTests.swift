import CLoaBench
import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// The receive path allocates nothing per frame: for each sealed datagram the receiver's `ReceiveChain` parses
/// it, verifies its seal (`PacketVerifier.check`), hands it to the `Playout`, which decodes and plays it (`advance`).
/// Counted by the benchmark's allocator interposer (Benchmarks/CLoaBench/allocation_counter.c), which this
/// test binary links.
@Suite("Allocations per frame: receive path")
struct ReceivePathAllocationTests {
    /// Frames received before counting starts: the jitter buffer fills and playing starts.
    static let warmUpFrames = 50

    @Test func verifyingAndPlayingAFrameAllocatesNothing() throws {
        let audience = PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 1)
        // Tagged, as the controller sends them, to a box that holds the tag key: the tag check allocates nothing too.
        let tagKey = StreamTagKey.random()
        let stream = try SealedStream(key: SigningKeyPair.generate(), audience: audience, tagKey: tagKey, frames: 300)
        let sentAt: Int64 = 1_795_000_000_000
        let packets = (0..<stream.count).map { stream.packet($0, sentAt: sentAt + Int64($0 * 20)) }
        let verifier = PacketVerifier(streamKey: stream.key.publicKey, audience: audience, tagKey: tagKey)
        let sink = CountingSink()
        let chain = ReceiveChain(playout: try Playout(settings: PlayoutSettings(), sink: sink))
        var accepted = 0
        var allocating = 0
        for (index, bytes) in packets.enumerated() {
            let monotonic = 1_000_000_000 + UInt64(index) * 20_000_000
            let trustedNow = sentAt + Int64(index * 20) + 40
            let before = loa_bench_thread_allocations()
            let verdict = bytes.withUnsafeBytes {
                chain.receive($0, verifier: verifier, trustedNow: trustedNow, at: monotonic)
            }
            chain.playout.advance(to: monotonic)
            if index >= Self.warmUpFrames && loa_bench_thread_allocations() != before { allocating += 1 }
            if verdict == .accepted { accepted += 1 }
        }
        #expect(accepted == packets.count)
        #expect(sink.samples >= (packets.count - 10) * 960)
        #expect(
            allocating == 0, "\(allocating) of \(packets.count - Self.warmUpFrames) frames allocated")
    }
    /// The loss-repair and jitter-depth bookkeeping a box keeps per packet allocates nothing either, gaps included.
    @Test func repairRequestsAndTheJitterTargetAllocateNothing() {
        var target = JitterTarget(floor: 40_000_000, ceiling: 400_000_000, frame: 20_000_000)
        var requests = RepairRequests()
        var due: [Int64] = []
        due.reserveCapacity(requests.capacity)
        var allocating = 0
        for index in 0..<2_000 where index % 7 != 3 {  // one packet in seven lost
            let now = 1_000_000_000 + UInt64(index) * 20_000_000 + UInt64(index % 5) * 3_000_000
            let before = loa_bench_thread_allocations()
            target.arrived(at: now, sample: 7_000 + Int64(index) * 960)
            requests.received(Int64(index), now: now)
            requests.due(now: now, roundTrip: 30_000_000, oldestUseful: Int64(index) - 10, into: &due)
            if index >= Self.warmUpFrames && loa_bench_thread_allocations() != before { allocating += 1 }
        }
        #expect(requests.missed > 200 && requests.asked >= requests.missed)
        #expect(allocating == 0, "\(allocating) packets allocated")
    }
}
