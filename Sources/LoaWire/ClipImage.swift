/// The `.loaclip` file image, read in place: the one definition of the format (`LoaSource.EncodedClip` writes it
/// and reads it through this; a box plays the frames of the copies it holds, `ClipManifest`).
///
/// Format: the magic "LOAC", a version byte (1), the frame length in ms (1 byte), two reserved bytes, the frame
/// count (UInt32, big-endian), the source length in 48 kHz samples (UInt64, big-endian), then each frame as a
/// UInt16 big-endian length (at least 1) and its bytes, with nothing after the last.
///
/// Reading checks the whole layout once; a frame is then handed out without copying or allocating.
public struct ClipImage: Sendable {
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Length of one frame in milliseconds.
    public let frameMilliseconds: Int
    /// Length of the source audio at 48 kHz, before padding to whole frames.
    public let sourceSamples: Int
    /// Where each frame's bytes start in `bytes`, and one more entry: where the next length would be (the end).
    private let starts: [Int]

    public static let magic: [UInt8] = [0x4C, 0x4F, 0x41, 0x43]  // "LOAC"
    public static let version: UInt8 = 1
    public static let headerBytes = 20

    /// Reads `bytes` as a clip file image; throws if it is not exactly one.
    public init(_ bytes: [UInt8]) throws(DecodeError) {
        guard bytes.count >= Self.headerBytes else { throw .truncated }
        guard Array(bytes[0..<4]) == Self.magic else { throw .badMagic }
        guard bytes[4] == Self.version else { throw .badVersion }
        var reader = ByteReader(bytes)
        _ = try reader.raw(8)
        let count = Int(try reader.u32())
        let samples = try reader.u64()
        guard count <= bytes.count / 3, samples <= UInt64(Int.max) else { throw .badValue }
        var starts: [Int] = []
        starts.reserveCapacity(count + 1)
        var cursor = Self.headerBytes
        for _ in 0..<count {
            guard cursor + 2 <= bytes.count else { throw .truncated }
            let length = Int(bytes[cursor]) << 8 | Int(bytes[cursor + 1])
            guard length > 0 else { throw .badValue }
            guard cursor + 2 + length <= bytes.count else { throw .truncated }
            starts.append(cursor + 2)
            cursor += 2 + length
        }
        guard cursor == bytes.count else { throw .trailingBytes }
        starts.append(cursor + 2)
        self.bytes = bytes
        self.starts = starts
        frameMilliseconds = Int(bytes[5])
        sourceSamples = Int(samples)
    }

    /// Number of frames.
    public var frameCount: Int { starts.count - 1 }

    /// Calls `body` with the bytes of frame `index`; nil (and `body` is not called) if there is no such frame.
    @inlinable
    public func withFrame<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let range = frameRange(index) else { return nil }
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Where frame `index`'s bytes lie in `bytes`; nil if there is no such frame.
    public func frameRange(_ index: Int) -> Range<Int>? {
        guard index >= 0, index < frameCount else { return nil }
        return starts[index]..<(starts[index + 1] - 2)
    }
}
