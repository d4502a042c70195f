/// What the controller says of a clip it delivers to a zone's boxes ahead of its airtime: which item it is, for
/// which audience, how it is framed, and the SHA-256 of its bytes (the `.loaclip` file image). Signed by the stream
/// key (`LoaTrust.StreamKeySignature`), so a box verifies a cached clip without trusting the path it came by.
///
/// Wire form: "LM", version 1, the item id (UInt64), the audience (`PacketAudience`: group, port, commune; 10
/// bytes), the frame length in ms (UInt8), the frame count (UInt32), the byte count (UInt32), the digest (32
/// bytes); 62 bytes in all, then the 64-byte signature of those bytes.
public struct ClipManifest: AudienceDocument, Equatable, Sendable {
    public var item: UInt64
    public var audience: PacketAudience
    public var frameMilliseconds: UInt8
    public var frameCount: UInt32
    public var byteCount: UInt32
    public var digest: [UInt8]

    static let magic: [UInt8] = [0x4C, 0x4D]  // "LM"
    static let version: UInt8 = 1
    /// The signed bytes' length.
    public static let signedBytes = 62
    /// The digest's length (SHA-256).
    public static let digestBytes = 32

    public init(
        item: UInt64, audience: PacketAudience, frameMilliseconds: UInt8, frameCount: UInt32, byteCount: UInt32,
        digest: [UInt8]
    ) {
        self.item = item
        self.audience = audience
        self.frameMilliseconds = frameMilliseconds
        self.frameCount = frameCount
        self.byteCount = byteCount
        self.digest = digest
    }

    /// The bytes the stream key signs.
    public var signed: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u8(Self.version)
        writer.u64(item)
        writer.u32(audience.group)
        writer.u16(audience.port)
        writer.u32(audience.commune)
        writer.u8(frameMilliseconds)
        writer.u32(frameCount)
        writer.u32(byteCount)
        writer.raw(Array(digest.prefix(Self.digestBytes)))
        return writer.bytes
    }

    /// Always `signedBytes`.
    public static func signedLength(of bytes: [UInt8]) -> Int? { signedBytes }

    /// Reads the signed part of `bytes` (the first `signedBytes`); the signature is what follows.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        guard try reader.raw(2) == Self.magic else { throw .badMagic }
        guard try reader.u8() == Self.version else { throw .badVersion }
        item = try reader.u64()
        let group = try reader.u32()
        let port = try reader.u16()
        audience = PacketAudience(group: group, port: port, commune: try reader.u32())
        frameMilliseconds = try reader.u8()
        frameCount = try reader.u32()
        byteCount = try reader.u32()
        digest = try reader.raw(Self.digestBytes)
    }
}
