/// The last packets a zone sent, byte for byte as they went out (sealed once), so that a box's negative
/// acknowledgement (RFC 4585 generic NACK) is answered with the very same packet: never sealed again, never per
/// box, and verified by the box exactly as the original would have been.
///
/// Contract: holds the last `capacity` packets by RTP sequence number (16 bits, wrapping); `keep` copies a packet
/// into its slot, replacing the packet `capacity` numbers before it; a packet longer than `slotBytes` is not kept.
/// Storage is allocated once, in `init`: keeping and reading allocate nothing. Not thread-safe: `UnicastDelivery`
/// holds one per zone and uses it only under its lock (hence `@unchecked Sendable`).
final class PacketHistory: @unchecked Sendable {
    let capacity: Int
    let slotBytes: Int
    private let storage: UnsafeMutableRawBufferPointer
    private let lengths: UnsafeMutableBufferPointer<Int>
    /// The sequence number held in each slot, or -1.
    private let sequences: UnsafeMutableBufferPointer<Int32>

    /// `capacity`: rounded up to a power of two (256 holds 5 s of 20 ms frames); `slotBytes`: the longest packet
    /// kept (an RTP header, the largest Opus packet and the seal fit in 1,500).
    init(capacity: Int = 256, slotBytes: Int = 1_500) {
        var size = 1
        while size < capacity { size <<= 1 }
        self.capacity = size
        self.slotBytes = slotBytes
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size * slotBytes, alignment: 8)
        lengths = UnsafeMutableBufferPointer<Int>.allocate(capacity: size)
        lengths.initialize(repeating: 0)
        sequences = UnsafeMutableBufferPointer<Int32>.allocate(capacity: size)
        sequences.initialize(repeating: -1)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        sequences.deallocate()
    }

    /// Keeps the packet just sent with `sequence`.
    func keep(sequence: UInt16, packet: UnsafeRawBufferPointer) {
        let slot = Int(sequence) & (capacity - 1)
        guard packet.count <= slotBytes else {
            sequences[slot] = -1
            return
        }
        UnsafeMutableRawBufferPointer(rebasing: storage[slot * slotBytes..<slot * slotBytes + packet.count])
            .copyMemory(from: packet)
        lengths[slot] = packet.count
        sequences[slot] = Int32(sequence)
    }

    /// Calls `body` with the packet sent with `sequence` if it is still held; nil if not.
    func withPacket<Result>(_ sequence: UInt16, _ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
        let slot = Int(sequence) & (capacity - 1)
        guard sequences[slot] == Int32(sequence) else { return nil }
        return body(UnsafeRawBufferPointer(rebasing: storage[slot * slotBytes..<slot * slotBytes + lengths[slot]]))
    }
}
