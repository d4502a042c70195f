import Testing

@testable import LoaController

/// The zone's sent packets kept for repair: the same bytes come back for a NACK, while they are still held.
@Suite("Packet history")
struct PacketHistoryTests {
    func packet(_ sequence: UInt16, length: Int = 120) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
    }

    func keep(_ history: PacketHistory, _ sequence: UInt16, length: Int = 120) {
        packet(sequence, length: length).withUnsafeBytes { history.keep(sequence: sequence, packet: $0) }
    }

    func held(_ history: PacketHistory, _ sequence: UInt16) -> [UInt8]? {
        history.withPacket(sequence) { Array($0) }
    }

    @Test func aPacketComesBackByteForByte() {
        let history = PacketHistory(capacity: 64)
        for sequence in UInt16(100)..<UInt16(110) { keep(history, sequence, length: 60 + Int(sequence) % 7) }
        for sequence in UInt16(100)..<UInt16(110) {
            #expect(held(history, sequence) == packet(sequence, length: 60 + Int(sequence) % 7))
        }
        #expect(held(history, 99) == nil)
        #expect(held(history, 110) == nil)
    }

    @Test func onlyTheLastCapacityPacketsAreHeldAcrossTheWrap() {
        let history = PacketHistory(capacity: 200)  // rounded up to 256
        #expect(history.capacity == 256)
        var sequence: UInt16 = 65_400
        for _ in 0..<300 {
            keep(history, sequence)
            sequence &+= 1
        }
        // Sent: 65400 ... 65535, 0 ... 163; held: the last 256, from 65444.
        #expect(held(history, 65_443) == nil)
        #expect(held(history, 65_444) == packet(65_444))
        #expect(held(history, 0) == packet(0))
        #expect(held(history, 163) == packet(163))
        #expect(held(history, 164) == nil)
    }

    @Test func aPacketLongerThanASlotIsNotKept() {
        let history = PacketHistory(capacity: 16, slotBytes: 200)
        keep(history, 5)
        keep(history, 21, length: 201)  // the same slot: the old packet goes, the long one is not kept
        #expect(held(history, 5) == nil)
        #expect(held(history, 21) == nil)
        keep(history, 22, length: 200)
        #expect(held(history, 22) == packet(22, length: 200))
    }
}
