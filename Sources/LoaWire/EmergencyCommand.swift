/// A signed order to start or stop an emergency broadcast, made by an operator's key.
///
/// Wire form: "LOAE", version 2, the commune it is for (UInt32: its root key's id, `KeyList.keyID`), action
/// (1 start, 2 stop), issued-at and expires-at (UInt64 Unix ms), a
/// 16-byte random nonce, the SHA-256 of the clip (zeros for stop or a stored item), the stored item id
/// (UInt64, 0 for a clip), zones (count, then each length-prefixed UTF-8); then signature count (UInt8) and
/// for each an operator public key (32) and its Ed25519 signature (64) of everything before the count.
public struct EmergencyCommand: Equatable, Sendable {
    public enum Action: UInt8, Sendable { case start = 1, stop = 2 }

    /// The commune the command is for: its root key's id (`KeyList.keyID` of the root public key). Signed, so a
    /// command by an operator whom two communes both list is refused by the other one.
    public var commune: UInt32
    public var action: Action
    public var issuedAt: UInt64
    public var expiresAt: UInt64
    public var nonce: [UInt8]
    public var clipSHA256: [UInt8]
    public var item: UInt64
    public var zones: [String]
    /// (operator public key, signature) pairs.
    public var signatures: [(key: [UInt8], signature: [UInt8])]

    public init(
        commune: UInt32, action: Action, issuedAt: UInt64, expiresAt: UInt64, nonce: [UInt8], clipSHA256: [UInt8],
        item: UInt64,
        zones: [String]
    ) {
        self.commune = commune
        self.action = action
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.nonce = nonce
        self.clipSHA256 = clipSHA256
        self.item = item
        self.zones = zones
        self.signatures = []
    }

    public static func == (a: EmergencyCommand, b: EmergencyCommand) -> Bool {
        a.signedBytes == b.signedBytes
            && a.signatures.map { $0.key + $0.signature } == b.signatures.map { $0.key + $0.signature }
    }

    static let magic: [UInt8] = [0x4C, 0x4F, 0x41, 0x45]  // "LOAE"
    /// Version 2 names the commune; a version 1 command (which named none) no longer decodes.
    static let version: UInt8 = 2

    /// The bytes each operator signs.
    public var signedBytes: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u8(Self.version)
        writer.u32(commune)
        writer.u8(action.rawValue)
        writer.u64(issuedAt)
        writer.u64(expiresAt)
        writer.raw(nonce)
        writer.raw(clipSHA256)
        writer.u64(item)
        writer.u8(UInt8(zones.count))
        for zone in zones { writer.text(zone) }
        return writer.bytes
    }

    /// The command with its signatures.
    public var encoded: [UInt8] {
        var writer = ByteWriter()
        writer.raw(signedBytes)
        writer.u8(UInt8(signatures.count))
        for entry in signatures {
            writer.raw(entry.key)
            writer.raw(entry.signature)
        }
        return writer.bytes
    }

    /// Reads a command; throws if the bytes are not one (signatures are not checked here).
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        guard try reader.raw(4) == Self.magic else { throw .badMagic }
        guard try reader.u8() == Self.version else { throw .badVersion }
        commune = try reader.u32()
        guard let action = Action(rawValue: try reader.u8()) else { throw .badValue }
        self.action = action
        issuedAt = try reader.u64()
        expiresAt = try reader.u64()
        nonce = try reader.raw(16)
        clipSHA256 = try reader.raw(32)
        item = try reader.u64()
        let zoneCount = Int(try reader.u8())
        zones = []
        for _ in 0..<zoneCount { zones.append(try reader.text()) }
        let count = Int(try reader.u8())
        guard count >= 1, count <= 4 else { throw .badValue }
        signatures = []
        for _ in 0..<count { signatures.append((try reader.raw(32), try reader.raw(64))) }
        try reader.finish()
    }
}
