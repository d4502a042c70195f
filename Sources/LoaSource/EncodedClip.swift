import LoaWire

/// A clip encoded once, at queue time: its Opus packets in order, ready to be packetised and sent.
///
/// On disk (`.loaclip`): the layout `LoaWire.ClipImage` defines and reads.
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

    static let magic = ClipImage.magic

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

    /// Reads a file image (`ClipImage`); throws `.storage` if it is not a complete clip file.
    public init(serialized data: [UInt8]) throws(ClipError) {
        let image: ClipImage
        do throws(DecodeError) {
            image = try ClipImage(data)
        } catch .badMagic, .badVersion {
            throw .storage(detail: "not a Loa clip file")
        } catch .trailingBytes {
            throw .storage(detail: "clip file has trailing bytes")
        } catch {
            throw .storage(detail: "clip file is cut short")
        }
        frameMilliseconds = image.frameMilliseconds
        sourceSamples = image.sourceSamples
        bytes = []
        bytes.reserveCapacity(data.count)
        offsets = [0]
        offsets.reserveCapacity(image.frameCount + 1)
        for index in 0..<image.frameCount {
            if let range = image.frameRange(index) { bytes.append(contentsOf: data[range]) }
            offsets.append(bytes.count)
        }
    }
}

private func appendBigEndian(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
    for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) {
        out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
}
