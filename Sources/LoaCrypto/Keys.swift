import CSodium

/// libsodium, started once. Every entry point of this module calls `start()` first; it is cheap after the
/// first call.
enum Sodium {
    static func start() {
        // sodium_init returns 0 the first time, 1 after; -1 only if it cannot work at all.
        precondition(sodium_init() >= 0, "libsodium cannot start")
    }
}

/// An Ed25519 key pair: a speaker box's identity, or the controller's.
///
/// The secret key (64 bytes, libsodium's layout: seed then public key) never leaves the machine that made
/// it; `publicKey` (32 bytes) is what the other side pins.
public struct SigningKeyPair: Sendable {
    public static let publicKeyBytes = 32
    public static let secretKeyBytes = 64
    public static let signatureBytes = 64

    public let publicKey: [UInt8]
    public let secretKey: [UInt8]

    /// A new random key pair.
    public static func generate() -> SigningKeyPair {
        Sodium.start()
        var publicKey = [UInt8](repeating: 0, count: publicKeyBytes)
        var secretKey = [UInt8](repeating: 0, count: secretKeyBytes)
        _ = crypto_sign_keypair(&publicKey, &secretKey)
        return SigningKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// The key pair whose secret key is `secretKey`; nil if it is not 64 bytes of a valid key.
    public init?(secretKey: [UInt8]) {
        Sodium.start()
        guard secretKey.count == Self.secretKeyBytes else { return nil }
        var publicKey = [UInt8](repeating: 0, count: Self.publicKeyBytes)
        guard crypto_sign_ed25519_sk_to_pk(&publicKey, secretKey) == 0,
            Array(secretKey[32..<64]) == publicKey
        else { return nil }
        self.init(publicKey: publicKey, secretKey: secretKey)
    }

    private init(publicKey: [UInt8], secretKey: [UInt8]) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Writes the 64-byte detached signature of `message` into `signature`.
    public func sign(_ message: UnsafeRawBufferPointer, into signature: UnsafeMutableRawBufferPointer) {
        precondition(signature.count >= Self.signatureBytes)
        _ = crypto_sign_detached(
            signature.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
            message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count), secretKey)
    }

    /// True if `signature` is `publicKey`'s signature of `message`.
    public static func verify(
        _ signature: UnsafeRawBufferPointer, of message: UnsafeRawBufferPointer, by publicKey: UnsafeRawBufferPointer
    ) -> Bool {
        Sodium.start()
        guard signature.count == signatureBytes, publicKey.count == publicKeyBytes else { return false }
        return crypto_sign_verify_detached(
            signature.baseAddress!.assumingMemoryBound(to: UInt8.self),
            message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count),
            publicKey.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
    }

    /// The symmetric key this receiver and that controller share, agreed without sending it: X25519 between
    /// the two Ed25519 key pairs (converted to Curve25519), hashed with both public keys. Either side
    /// computes the same 32 bytes from its own secret key and the other's public key. Nil if the other key
    /// is not a valid public key.
    public func sharedKey(receiver: [UInt8], controller: [UInt8]) -> MessageKey? {
        let peer = receiver == publicKey ? controller : receiver
        var peerCurve = [UInt8](repeating: 0, count: 32)
        var ownCurve = [UInt8](repeating: 0, count: 32)
        var shared = [UInt8](repeating: 0, count: 32)
        guard peer.count == 32, crypto_sign_ed25519_pk_to_curve25519(&peerCurve, peer) == 0,
            crypto_sign_ed25519_sk_to_curve25519(&ownCurve, secretKey) == 0,
            crypto_scalarmult(&shared, ownCurve, peerCurve) == 0
        else { return nil }
        let input = shared + receiver + controller
        var key = [UInt8](repeating: 0, count: MessageKey.bytes)
        _ = crypto_generichash(&key, key.count, input, UInt64(input.count), nil, 0)
        return MessageKey(bytes: key)
    }
}

/// A 32-byte symmetric key for message tags (keyed BLAKE2b, 16-byte tags): cheap enough to check every
/// heartbeat of a province.
public struct MessageKey: Equatable, Sendable {
    public static let bytes = 32
    public static let tagBytes = 16

    public let bytes: [UInt8]

    /// Nil unless `bytes` is 32 bytes long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.bytes else { return nil }
        self.bytes = bytes
    }

    /// Writes the 16-byte tag of `message` into `tag`.
    public func tag(_ message: UnsafeRawBufferPointer, into tag: UnsafeMutableRawBufferPointer) {
        precondition(tag.count >= Self.tagBytes)
        _ = crypto_generichash(
            tag.baseAddress!.assumingMemoryBound(to: UInt8.self), Self.tagBytes,
            message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count), bytes, bytes.count)
    }

    /// True if `tag` is this key's tag of `message` (compared in constant time). Allocates nothing.
    public func verify(_ tag: UnsafeRawBufferPointer, of message: UnsafeRawBufferPointer) -> Bool {
        guard tag.count == Self.tagBytes else { return false }
        var expected: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &expected) { buffer in
            self.tag(message, into: buffer)
            return crypto_verify_16(
                buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                tag.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
        }
    }
}

/// Text forms of keys: base64 (the `*.pub` files `Firmware/provision` installs) and hex (ids, logs).
public enum KeyText {
    /// Standard base64 with padding.
    public static func base64(_ bytes: [UInt8]) -> String {
        Sodium.start()
        let length = sodium_base64_encoded_len(bytes.count, sodium_base64_VARIANT_ORIGINAL)
        var text = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&text, length, bytes, bytes.count, sodium_base64_VARIANT_ORIGINAL)
        return String(cString: text)
    }

    /// Decodes base64 (surrounding blanks and newlines ignored); nil if it is not base64.
    public static func bytes(base64 text: String) -> [UInt8]? {
        Sodium.start()
        var output = [UInt8](repeating: 0, count: text.utf8.count)
        var length = 0
        let result = text.withCString { pointer in
            sodium_base642bin(
                &output, output.count, pointer, text.utf8.count, " \n\r\t", &length, nil, sodium_base64_VARIANT_ORIGINAL
            )
        }
        guard result == 0 else { return nil }
        return Array(output[0..<length])
    }

    /// Lowercase hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes hex (either case); nil if it is not an even number of hex digits.
    public static func bytes(hex text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Random bytes from libsodium (the kernel's generator).
public enum SecureRandom {
    public static func uint32() -> UInt32 {
        Sodium.start()
        return randombytes_random()
    }
}
