import LoaCodec

/// The tail every live source shares: 48 kHz mono float in, through the automatic level (if any), cut into frames,
/// each encoded with Opus and appended to the source's feed.
///
/// Contract: one thread calls `take` (it is handed to that thread once, hence `@unchecked Sendable`); buffers are made at init, so taking allocates nothing beyond the feed's own
/// growth past its reserved room.
final class LiveEncoder: @unchecked Sendable {
    let feed: LiveFeed
    private let encoder: OpusEncoder
    private let level: LiveLevel?
    private let frameSamples: Int
    /// The frame being filled (float), the same in 16-bit for the encoder, and the packet it makes.
    private let pending: UnsafeMutableBufferPointer<Float>
    private var pendingCount = 0
    private let frame: UnsafeMutableBufferPointer<Int16>
    private let packet: UnsafeMutableRawBufferPointer

    init(encoder: OpusEncoder, level: LiveLevel?, feed: LiveFeed) {
        self.encoder = encoder
        self.level = level
        self.feed = feed
        frameSamples = encoder.settings.frameSamples
        pending = .allocate(capacity: frameSamples)
        pending.initialize(repeating: 0)
        frame = .allocate(capacity: frameSamples)
        frame.initialize(repeating: 0)
        packet = .allocate(byteCount: OpusFormat.maximumPacketBytes, alignment: 8)
    }

    deinit {
        pending.deallocate()
        frame.deallocate()
        packet.deallocate()
    }

    /// Adds 48 kHz mono samples, encoding each frame as it fills.
    func take(_ block: UnsafeBufferPointer<Float>) {
        if let level {
            level.process(block) { levelled in collect(levelled) }
        } else {
            collect(block)
        }
    }

    private func collect(_ block: UnsafeBufferPointer<Float>) {
        var taken = 0
        while taken < block.count {
            let room = min(frameSamples - pendingCount, block.count - taken)
            for offset in 0..<room { pending[pendingCount + offset] = block[taken + offset] }
            pendingCount += room
            taken += room
            if pendingCount == frameSamples {
                encodeFrame()
                pendingCount = 0
            }
        }
    }

    private func encodeFrame() {
        for index in 0..<frameSamples {
            frame[index] = Int16(max(-32768, min(32767, pending[index] * 32767)))
        }
        guard let length = try? encoder.encode(UnsafeBufferPointer(frame), into: packet), length > 0 else { return }
        feed.append(UnsafeRawBufferPointer(rebasing: packet[0..<length]))
    }
}
