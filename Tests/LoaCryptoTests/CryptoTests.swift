import LoaCrypto
import Testing

/// LoaCrypto's promises: signatures only the key's owner makes, shared keys both sides agree on, tags that
/// catch any change, and key text that reads back.
@Suite("Crypto")
struct CryptoTests {
    let message: [UInt8] = Array("thông báo khẩn".utf8)

    func signature(_ key: SigningKeyPair, _ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: SigningKeyPair.signatureBytes)
        message.withUnsafeBytes { m in signature.withUnsafeMutableBytes { key.sign(m, into: $0) } }
        return signature
    }

    func verify(_ signature: [UInt8], _ message: [UInt8], _ publicKey: [UInt8]) -> Bool {
        signature.withUnsafeBytes { s in
            message.withUnsafeBytes { m in publicKey.withUnsafeBytes { SigningKeyPair.verify(s, of: m, by: $0) } }
        }
    }

    @Test func aSignatureVerifiesOnlyForItsKeyAndMessage() {
        let key = SigningKeyPair.generate()
        let other = SigningKeyPair.generate()
        let signed = signature(key, message)
        #expect(verify(signed, message, key.publicKey))
        #expect(!verify(signed, message, other.publicKey))
        var altered = message
        altered[0] ^= 1
        #expect(!verify(signed, altered, key.publicKey))
        var forged = signed
        forged[10] ^= 0x80
        #expect(!verify(forged, message, key.publicKey))
        #expect(!verify(Array(signed.dropLast()), message, key.publicKey))
    }

    @Test func aKeyPairIsRebuiltFromItsSecretKeyOnly() {
        let key = SigningKeyPair.generate()
        #expect(key.publicKey.count == 32 && key.secretKey.count == 64)
        let rebuilt = SigningKeyPair(secretKey: key.secretKey)
        #expect(rebuilt?.publicKey == key.publicKey)
        if let rebuilt { #expect(verify(signature(rebuilt, message), message, key.publicKey)) }
        #expect(SigningKeyPair(secretKey: Array(key.secretKey.prefix(32))) == nil)
    }

    @Test func bothSidesComputeTheSameMessageKeyAndItsTagsCatchChanges() throws {
        let receiver = SigningKeyPair.generate()
        let controller = SigningKeyPair.generate()
        let atReceiver = try #require(
            receiver.sharedKey(receiver: receiver.publicKey, controller: controller.publicKey))
        let atController = try #require(
            controller.sharedKey(receiver: receiver.publicKey, controller: controller.publicKey))
        #expect(atReceiver == atController)
        let stranger = SigningKeyPair.generate()
        #expect(stranger.sharedKey(receiver: receiver.publicKey, controller: controller.publicKey) != atReceiver)

        var tag = [UInt8](repeating: 0, count: MessageKey.tagBytes)
        message.withUnsafeBytes { m in tag.withUnsafeMutableBytes { atReceiver.tag(m, into: $0) } }
        #expect(tag.withUnsafeBytes { t in message.withUnsafeBytes { atController.verify(t, of: $0) } })
        var altered = message
        altered[altered.count - 1] ^= 1
        #expect(!tag.withUnsafeBytes { t in altered.withUnsafeBytes { atController.verify(t, of: $0) } })
        #expect(MessageKey(bytes: [UInt8](repeating: 0, count: 31)) == nil)
    }

    @Test func keyTextReadsBack() {
        let key = SigningKeyPair.generate()
        let text = KeyText.base64(key.publicKey)
        #expect(text.count == 44)
        #expect(KeyText.bytes(base64: text) == key.publicKey)
        #expect(KeyText.bytes(base64: "not base64 !") == nil)
    }

    @Test func hashesAndRandomBytes() {
        #expect(
            KeyText.hex(SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let a = RandomBytes.make(32)
        #expect(a.count == 32)
        #expect(a != RandomBytes.make(32))
    }
}
