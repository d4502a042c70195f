import Foundation
import LoaCodec
import LoaCrypto
import LoaTrust
import LoaWire

/// Real Opus frames (a 440 Hz tone) sealed by a stream key with the controller's `PacketSealer`, one per
/// 20 ms, as the controller sends them.
public struct SealedStream {
    public let key: SigningKeyPair
    public let epoch: UInt32
    public let audience: PacketAudience
    /// The stream tag key the packets are tagged with (nil: untagged).
    public let tagKey: StreamTagKey?
    private let frames: [[UInt8]]

    /// `audience`: the zone and commune the packets are sealed for (a box verifies only its own); `tagKey`: the
    /// controller's stream tag key, if the packets are to be tagged.
    public init(
        key: SigningKeyPair, audience: PacketAudience, tagKey: StreamTagKey? = nil, epoch: UInt32 = 1,
        frames count: Int = 25
    ) throws {
        self.key = key
        self.audience = audience
        self.tagKey = tagKey
        self.epoch = epoch
        let encoder = try OpusEncoder()
        var opus = [UInt8](repeating: 0, count: 1275)
        var frames: [[UInt8]] = []
        for index in 0..<count {
            let pcm = (0..<960).map { n in Int16(8_000 * sin(Double(index * 960 + n) * 2 * Double.pi * 440 / 48_000)) }
            let length = try pcm.withUnsafeBufferPointer { p in
                try opus.withUnsafeMutableBytes { try encoder.encode(p, into: $0) }
            }
            frames.append(Array(opus[0..<length]))
        }
        self.frames = frames
    }

    public var count: Int { frames.count }

    /// Packet `index` (0-based, seal index `index + 1`) of the stream, its seal stamped with the send time
    /// `sentAt` (Unix ms). The same index always gives the same packet, as a replay would.
    public func packet(_ index: Int, sentAt: Int64, emergency: Bool = false, live: Bool = false) -> [UInt8] {
        let header = RTPHeader(
            marker: index == 0, payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: 1000 + index),
            timestamp: UInt32(truncatingIfNeeded: index * 960), ssrc: 0x51A1)
        let sealer = PacketSealer(key: key, audience: audience, tagKey: tagKey, epoch: epoch)
        var bytes = [UInt8](repeating: 0, count: 1500)
        let length = bytes.withUnsafeMutableBytes { raw in
            frames[index].withUnsafeBytes {
                sealer.seal(
                    header: header, payload: $0, index: UInt64(index + 1), sendTime: sentAt, emergency: emergency,
                    live: live, into: raw)
            }
        }
        return Array(bytes[0..<length])
    }
}

/// Key lists as a commune's root signs them, for tests.
public enum KeyListFixture {
    /// A key list of `version` naming `stream` as the stream key, with `operators`, expiring at `expiresAt`
    /// (Unix ms; default never), signed by `signer`.
    public static func list(
        version: UInt32, stream: [UInt8], operators: [KeyList.Operator] = [], issuedAt: UInt64 = 1,
        expiresAt: UInt64 = .max, signedBy signer: SigningKeyPair
    ) -> KeyList {
        KeyList(version: version, issuedAt: issuedAt, expiresAt: expiresAt, streamKey: stream, operators: operators)
            .signed(by: signer)
    }
}
