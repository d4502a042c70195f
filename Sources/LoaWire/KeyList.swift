/// The commune's list of trusted keys, signed by its root key (kept offline, or on the one server):
/// the controller's stream key, and each operator's key with its role.
///
/// Wire form: "LOAK", version (UInt32, only ever increases), issued-at (UInt64 Unix ms), expires-at (UInt64 Unix
/// ms: a box never adopts a list past it, see `isExpired`), stream key (32),
/// operator count (UInt8), each operator as name (length-prefixed UTF-8), role (UInt8, bit 0: may trigger
/// emergencies), key (32); then the root's Ed25519 signature (64) of everything before it.
/// Decoding checks the form only; the caller verifies `signature` over `signedBytes` with the root key.
public struct KeyList: Equatable, Sendable {
    public struct Operator: Equatable, Sendable {
        public var name: String
        public var mayTriggerEmergencies: Bool
        public var publicKey: [UInt8]

        public init(name: String, mayTriggerEmergencies: Bool, publicKey: [UInt8]) {
            self.name = name
            self.mayTriggerEmergencies = mayTriggerEmergencies
            self.publicKey = publicKey
        }
    }

    public var version: UInt32
    public var issuedAt: UInt64
    /// When the list stops being adopted (Unix ms), signed with the rest: `issuedAt` + the validity the root
    /// signed it for (`defaultValidity` unless `loa keys sign-list --valid-days` says otherwise).
    public var expiresAt: UInt64
    public var streamKey: [UInt8]
    public var operators: [Operator]
    /// The root's signature; empty until signed.
    public var signature: [UInt8]

    public init(
        version: UInt32, issuedAt: UInt64, expiresAt: UInt64 = .max, streamKey: [UInt8], operators: [Operator],
        signature: [UInt8] = []
    ) {
        self.version = version
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.streamKey = streamKey
        self.operators = operators
        self.signature = signature
    }

    static let magic: [UInt8] = [0x4C, 0x4F, 0x41, 0x4B]  // "LOAK"

    /// The most operators a list holds (the count is one byte on the wire).
    public static let maximumOperators = 255
    /// The longest signed list, in bytes: a box's trust-answer buffer is sized for it (`TrustMessage.maximumAnswerBytes`),
    /// so `loa keys sign-list` and the controller refuse a longer one. 200 operators with 40-byte names take 15 KiB.
    public static let maximumBytes = 32 * 1024

    /// How long a list is valid unless its signer says otherwise: 180 days, in ms.
    public static let defaultValidity: UInt64 = 180 * 86_400_000
    /// How long before its expiry the controller starts to alert: 14 days, in ms.
    public static let expiryWarning: UInt64 = 14 * 86_400_000

    /// Whether the list has expired at `now` (Unix ms).
    public func isExpired(at now: UInt64) -> Bool { now >= expiresAt }

    /// The bytes the root signs.
    public var signedBytes: [UInt8] {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.u32(version)
        writer.u64(issuedAt)
        writer.u64(expiresAt)
        writer.raw(streamKey)
        writer.u8(UInt8(operators.count))
        for entry in operators {
            writer.text(entry.name)
            writer.u8(entry.mayTriggerEmergencies ? 1 : 0)
            writer.raw(entry.publicKey)
        }
        return writer.bytes
    }

    /// The whole signed list.
    public var encoded: [UInt8] { signedBytes + signature }

    /// Reads a signed list; throws if the bytes are not one (the signature is not checked here).
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        guard try reader.raw(4) == Self.magic else { throw .badMagic }
        version = try reader.u32()
        issuedAt = try reader.u64()
        expiresAt = try reader.u64()
        streamKey = try reader.raw(32)
        let count = Int(try reader.u8())
        operators = []
        for _ in 0..<count {
            let name = try reader.text()
            let role = try reader.u8()
            guard role <= 1 else { throw .badValue }
            operators.append(Operator(name: name, mayTriggerEmergencies: role == 1, publicKey: try reader.raw(32)))
        }
        signature = try reader.raw(64)
        try reader.finish()
    }

    /// A key's 4-byte id: the first bytes of the public key, for packets that name their key.
    public static func keyID(_ publicKey: [UInt8]) -> UInt32 {
        guard publicKey.count >= 4 else { return 0 }
        return UInt32(publicKey[0]) << 24 | UInt32(publicKey[1]) << 16 | UInt32(publicKey[2]) << 8
            | UInt32(publicKey[3])
    }
}
