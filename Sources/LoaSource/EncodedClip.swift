/// A clip encoded once, at queue time: its Opus packets in order, ready to be packetised and sent.
///
/// On disk (`.loaclip`): the magic "LOAC", a version byte (1), the frame length in ms (1 byte), two
/// reserved bytes, the frame count (UInt32, big-endian), the source length in 48 kHz samples (UInt64),
/// then each packet as a UInt16 big-endian length and its bytes.
public struct EncodedClip: Sendable {
    /// Every packet's bytes, back to back.
    public private(set) var bytes: [UInt8]
    /// Where each packet starts in `bytes`; one more entry than there are packets (the end).
    public private(set) var offsets: [Int]
    /// Length of one frame in milliseconds.
    public let frameMilliseconds: Int
    /// Length of the source audio at 48 kHz, before padding to whole frames.
    public var sourceSamples: Int

    public init(frameMilliseconds: Int) {
        bytes = []
        offsets = [0]
        self.frameMilliseconds = frameMilliseconds
        sourceSamples = 0
    }

    /// Number of packets (frames).
    public var frameCount: Int { offsets.count - 1 }

    /// Playing time in milliseconds.
    public var durationMilliseconds: Int { frameCount * frameMilliseconds }

    /// Appends one packet.
    public mutating func append(_ packet: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: packet)
        offsets.append(bytes.count)
    }

    /// Makes room for `frames` more packets of about `bytesPerFrame` each, so that appending them allocates nothing
    /// (a live source's recording, appended to on a real-time thread).
    public mutating func reserve(frames: Int, bytesPerFrame: Int) {
        bytes.reserveCapacity(bytes.count + frames * bytesPerFrame)
        offsets.reserveCapacity(offsets.count + frames)
    }

    /// Calls `body` with the bytes of packet `index`.
    @inlinable
    public func withPacket<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = offsets[index]..<offsets[index + 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    static let magic: [UInt8] = Array("LOAC".utf8)

    /// The file image of the clip.
    public func serialized() -> [UInt8] {
        var out = Self.magic
        out.append(1)
        out.append(UInt8(frameMilliseconds))
        out.append(contentsOf: [0, 0])
        appendBigEndian(UInt64(frameCount), bytes: 4, to: &out)
        appendBigEndian(UInt64(sourceSamples), bytes: 8, to: &out)
        out.reserveCapacity(out.count + bytes.count + 2 * frameCount)
        for index in 0..<frameCount {
            let length = offsets[index + 1] - offsets[index]
            appendBigEndian(UInt64(length), bytes: 2, to: &out)
            out.append(contentsOf: bytes[offsets[index]..<offsets[index + 1]])
        }
        return out
    }

    /// Reads a file image; throws `.storage` if it is not a complete clip file.
    public init(serialized data: [UInt8]) throws(ClipError) {
        guard data.count >= 20, Array(data[0..<4]) == Self.magic, data[4] == 1 else {
            throw .storage(detail: "not a Loa clip file")
        }
        frameMilliseconds = Int(data[5])
        let count = Int(readBigEndian(data, at: 8, bytes: 4))
        sourceSamples = Int(readBigEndian(data, at: 12, bytes: 8))
        bytes = []
        bytes.reserveCapacity(data.count)
        offsets = [0]
        offsets.reserveCapacity(count + 1)
        var cursor = 20
        for _ in 0..<count {
            guard cursor + 2 <= data.count else { throw .storage(detail: "clip file is cut short") }
            let length = Int(readBigEndian(data, at: cursor, bytes: 2))
            cursor += 2
            guard length > 0, cursor + length <= data.count else { throw .storage(detail: "clip file is cut short") }
            bytes.append(contentsOf: data[cursor..<cursor + length])
            offsets.append(bytes.count)
            cursor += length
        }
        guard cursor == data.count else { throw .storage(detail: "clip file has trailing bytes") }
    }
}

private func appendBigEndian(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
    for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) {
        out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
}

private func readBigEndian(_ data: [UInt8], at offset: Int, bytes: Int) -> UInt64 {
    var value: UInt64 = 0
    for index in 0..<bytes { value = value << 8 | UInt64(data[offset + index]) }
    return value
}
