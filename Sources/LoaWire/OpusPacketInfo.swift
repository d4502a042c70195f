/// What the table-of-contents byte of an Opus packet says (RFC 6716 §3.1), read without decoding.
///
/// A receiver uses it to refuse payloads that cannot be Opus before they reach the decoder.
public struct OpusPacketInfo: Equatable, Sendable {
    /// Samples per channel at 48 kHz in the whole packet.
    public var samples: Int
    /// Number of Opus frames in the packet.
    public var frames: Int

    /// Reads the TOC byte (and frame count byte for code 3). Returns nil if the payload is empty, a code 3
    /// packet lacks its count byte or has zero frames, or the packet would exceed 120 ms.
    public init?(payload: UnsafeRawBufferPointer) {
        // Indexed, not `payload.first`: unoptimised, `first` allocates on every call, and `swift test` asserts
        // that the receive path allocates nothing per frame.
        guard !payload.isEmpty else { return nil }
        let toc = payload[0]
        let configuration = Int(toc >> 3)
        let frameSamples: Int
        switch configuration {
        case 0..<12:  // SILK: 10, 20, 40, 60 ms
            frameSamples = configuration & 3 == 3 ? 2880 : 480 << (configuration & 3)
        case 12..<16:  // Hybrid: 10, 20 ms
            frameSamples = configuration & 1 == 0 ? 480 : 960
        default:  // CELT: 2.5, 5, 10, 20 ms
            frameSamples = 120 << (configuration & 3)
        }
        let count: Int
        switch toc & 3 {
        case 0: count = 1
        case 1, 2: count = 2
        default:
            guard payload.count >= 2 else { return nil }
            count = Int(payload[1] & 0x3F)
        }
        guard count > 0, count * frameSamples <= 5760 else { return nil }
        samples = count * frameSamples
        frames = count
    }
}
