import CSodium

/// The controller's secret for the short tags its sealed packets carry (`PacketSeal`): SipHash-2-4 (libsodium
/// `crypto_shorthash`) with a random 16-byte key made at every start. A box that holds it knows, for the price of a
/// hash, which packets came from the controller before it spends a signature check on them; a forger who does not
/// hold it cannot make a tag that checks (one chance in 2^64 a packet), whatever source address it spoofs.
///
/// A tag never makes a packet playable: every packet is still verified by its Ed25519 signature. The key reaches
/// a box only sealed to it (`MessageKey.seal`). Tagging and checking allocate nothing.
public struct StreamTagKey: Equatable, Sendable {
    public static let bytes = 16
    public static let tagBytes = 8

    public let bytes: [UInt8]

    /// Nil unless `bytes` is 16 bytes long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.bytes else { return nil }
        self.bytes = bytes
    }

    /// A new random key (the controller's, for one run).
    public static func random() -> StreamTagKey { StreamTagKey(bytes: RandomBytes.make(Self.bytes))! }

    /// The 8-byte tag of `message`, as a number (its bytes in memory order are the tag on the wire).
    public func tag(_ message: UnsafeRawBufferPointer) -> UInt64 {
        Sodium.start()
        var tag: UInt64 = 0
        withUnsafeMutableBytes(of: &tag) { out in
            _ = crypto_shorthash(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count), bytes)
        }
        return tag
    }
}

extension MessageKey {
    /// Bytes `seal` adds to a secret: a random 24-byte nonce and a 16-byte Poly1305 tag.
    public static let sealOverhead = 24 + 16

    /// `secret` encrypted and authenticated for the one box that shares this key (XSalsa20-Poly1305, libsodium
    /// `crypto_secretbox`, with a key derived from this one for the purpose): nonce, then the box.
    public func seal(_ secret: [UInt8]) -> [UInt8] {
        Sodium.start()
        let nonce = RandomBytes.make(24)
        var boxed = [UInt8](repeating: 0, count: secret.count + 16)
        _ = crypto_secretbox_easy(&boxed, secret, UInt64(secret.count), nonce, sealingKey)
        return nonce + boxed
    }

    /// The secret `seal` made with this key, or nil if `sealed` was not made with it or was altered.
    public func open(_ sealed: [UInt8]) -> [UInt8]? {
        Sodium.start()
        guard sealed.count >= Self.sealOverhead else { return nil }
        let nonce = Array(sealed[0..<24])
        let boxed = Array(sealed[24...])
        var secret = [UInt8](repeating: 0, count: boxed.count - 16)
        guard crypto_secretbox_open_easy(&secret, boxed, UInt64(boxed.count), nonce, sealingKey) == 0 else {
            return nil
        }
        return secret
    }

    /// The key `seal` uses: keyed BLAKE2b of a fixed label, so that no secretbox key is ever a tag key too.
    private var sealingKey: [UInt8] {
        let label: [UInt8] = Array("loa: sealed secret".utf8)
        var key = [UInt8](repeating: 0, count: 32)
        _ = crypto_generichash(&key, key.count, label, UInt64(label.count), bytes, bytes.count)
        return key
    }
}
