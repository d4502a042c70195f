import LoaCrypto

/// Ed25519 signatures of whole byte arrays, for the messages that are signed as a whole (key lists,
/// emergency commands, trust answers).
public enum Signature {
    /// The 64-byte signature of `message` by `key`.
    public static func make(_ message: [UInt8], by key: SigningKeyPair) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: SigningKeyPair.signatureBytes)
        message.withUnsafeBytes { m in signature.withUnsafeMutableBytes { key.sign(m, into: $0) } }
        return signature
    }

    /// True if `signature` is `publicKey`'s signature of `message` (false for keys or signatures of the wrong size).
    public static func verify(_ signature: [UInt8], of message: [UInt8], by publicKey: [UInt8]) -> Bool {
        message.withUnsafeBytes { m in
            signature.withUnsafeBytes { s in publicKey.withUnsafeBytes { SigningKeyPair.verify(s, of: m, by: $0) } }
        }
    }
}
