/// Encoded frames waiting for their turn to be decoded, ordered by extended RTP sequence number.
///
/// Storage is allocated once, at creation: inserting and taking frames allocate nothing. The buffer holds
/// at most `capacity` consecutive sequence numbers starting at `nextSequence`; it never reorders
/// what it has already handed out.
public final class JitterBuffer {
    /// What happened to an inserted packet.
    public enum Insertion: Equatable, Sendable {
        /// Stored for playout.
        case stored
        /// The same sequence number is already stored: dropped.
        case duplicate
        /// Its turn has passed: dropped.
        case late
        /// Further ahead of the next frame than the buffer can hold: dropped.
        case tooFarAhead
        /// Larger than any Opus packet: dropped.
        case oversized
    }

    /// Slots the buffer has; a power of two.
    public let capacity: Int
    private let slotBytes = OpusFormat.maximumPacketBytes
    private let storage: UnsafeMutableRawBufferPointer
    private let lengths: UnsafeMutableBufferPointer<Int>
    private let sequences: UnsafeMutableBufferPointer<Int64>

    /// The sequence number to be played next; nil until the first packet is stored or after `reset()`.
    public private(set) var nextSequence: Int64?
    /// The highest sequence number stored since the last reset.
    public private(set) var newestSequence: Int64?
    /// Frames stored now.
    public private(set) var count = 0

    /// Creates an empty buffer with room for `capacity` frames (rounded up to a power of two).
    public init(capacity: Int) {
        var size = 1
        while size < capacity { size <<= 1 }
        self.capacity = size
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size * OpusFormat.maximumPacketBytes, alignment: 8)
        lengths = UnsafeMutableBufferPointer<Int>.allocate(capacity: size)
        lengths.initialize(repeating: 0)
        sequences = UnsafeMutableBufferPointer<Int64>.allocate(capacity: size)
        sequences.initialize(repeating: -1)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        sequences.deallocate()
    }

    /// Stores a frame. The first frame after a reset sets `nextSequence`.
    public func insert(sequence: Int64, payload: UnsafeRawBufferPointer) -> Insertion {
        guard payload.count <= slotBytes else { return .oversized }
        let next = nextSequence ?? sequence
        if sequence < next { return .late }
        if sequence - next >= Int64(capacity) { return .tooFarAhead }
        let slot = Int(sequence & Int64(capacity - 1))
        if sequences[slot] == sequence { return .duplicate }
        sequences[slot] = sequence
        lengths[slot] = payload.count
        UnsafeMutableRawBufferPointer(rebasing: storage[slot * slotBytes..<slot * slotBytes + payload.count])
            .copyMemory(from: payload)
        count += 1
        nextSequence = next
        if newestSequence.map({ sequence > $0 }) ?? true { newestSequence = sequence }
        return .stored
    }

    /// The stored payload of `sequence`, valid until that frame is taken or overwritten; nil if absent.
    public func frame(_ sequence: Int64) -> UnsafeRawBufferPointer? {
        let slot = Int(sequence & Int64(capacity - 1))
        guard sequences[slot] == sequence else { return nil }
        return UnsafeRawBufferPointer(rebasing: storage[slot * slotBytes..<slot * slotBytes + lengths[slot]])
    }

    /// True if a frame later than `nextSequence` is stored: a missing next frame is then lost, not late.
    public var hasLaterFrame: Bool {
        guard let next = nextSequence, let newest = newestSequence else { return false }
        return newest > next
    }

    /// Frames from `nextSequence` through the newest stored one, present or missing.
    public var span: Int64 {
        guard let next = nextSequence, let newest = newestSequence, newest >= next else { return 0 }
        return newest - next + 1
    }

    /// Ends the turn of `nextSequence` (played or given up) and moves to the following frame.
    public func advance() {
        guard let next = nextSequence else { return }
        let slot = Int(next & Int64(capacity - 1))
        if sequences[slot] == next {
            sequences[slot] = -1
            count -= 1
        }
        nextSequence = next + 1
    }

    /// Moves the next frame to `sequence`, dropping everything before it. Returns how many stored frames
    /// were dropped.
    public func skip(to sequence: Int64) -> Int {
        var dropped = 0
        if let next = nextSequence, sequence - next >= Int64(capacity) {
            // Every stored frame is before `sequence`: drop them all at once rather than one turn at a time.
            dropped = count
            let newest = newestSequence
            reset()
            nextSequence = sequence
            newestSequence = newest.map { max($0, sequence - 1) }
            return dropped
        }
        while let next = nextSequence, next < sequence {
            if frame(next) != nil { dropped += 1 }
            advance()
        }
        return dropped
    }

    /// Moves the next frame back to `sequence`, before any stored frame, so that the frames from it on get their
    /// turn (a caller that can play them from elsewhere: a clip held ahead). Does nothing unless `sequence` is before
    /// `nextSequence` and the newest frame stays within `capacity` of it.
    public func rewind(to sequence: Int64) {
        guard let next = nextSequence, sequence < next, (newestSequence ?? next) - sequence < Int64(capacity) else {
            return
        }
        nextSequence = sequence
    }

    /// Forgets every frame and the stream's position.
    public func reset() {
        sequences.update(repeating: -1)
        count = 0
        nextSequence = nil
        newestSequence = nil
    }
}
