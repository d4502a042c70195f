import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// Key lists and trust answers: a signature by the right key verifies, and any other key, any changed byte or a
/// missing signature does not.
@Suite("Key list and trust answer signatures")
struct SignatureTests {
    let root = SigningKeyPair.generate()
    let stream = SigningKeyPair.generate()

    @Test func aKeyListVerifiesOnlyAgainstItsRootAndUnchanged() throws {
        let operators = [
            KeyList.Operator(
                name: "chu-tich", mayTriggerEmergencies: true, publicKey: SigningKeyPair.generate().publicKey)
        ]
        let list = KeyListFixture.list(version: 4, stream: stream.publicKey, operators: operators, signedBy: root)
        let read = try KeyList(decoding: list.encoded)
        #expect(read.isSigned(by: root.publicKey))
        #expect(!read.isSigned(by: stream.publicKey))
        #expect(!read.isSigned(by: [UInt8](repeating: 0, count: 5)))

        var raised = read
        raised.version = 5
        #expect(!raised.isSigned(by: root.publicKey))
        var promoted = read
        promoted.operators[0].mayTriggerEmergencies = false
        #expect(!promoted.isSigned(by: root.publicKey))
        var unsigned = read
        unsigned.signature = []
        #expect(!unsigned.isSigned(by: root.publicKey))
        #expect(KeyList(version: 1, issuedAt: 1, streamKey: stream.publicKey, operators: []).signature.isEmpty)
    }

    @Test func aTrustAnswerVerifiesOnlyForItsNonceTimeAndList() throws {
        let nonce = [UInt8](repeating: 7, count: 16)
        let list = KeyListFixture.list(version: 1, stream: stream.publicKey, signedBy: root).encoded
        let answer = TrustAnswer.make(nonce: nonce, time: 1_795_000_000_000, keyList: list, signedBy: stream)
        guard case .answer(let echoed, let time, nil, let listBytes, let signature) = try TrustMessage(decoding: answer)
        else {
            Issue.record("not an answer")
            return
        }
        #expect(echoed == nonce && time == 1_795_000_000_000 && listBytes == list)
        #expect(
            TrustAnswer.isSigned(nonce: nonce, time: time, keyList: list, signature: signature, by: stream.publicKey))
        #expect(
            !TrustAnswer.isSigned(
                nonce: nonce, time: time + 1, keyList: list, signature: signature, by: stream.publicKey))
        #expect(
            !TrustAnswer.isSigned(
                nonce: [UInt8](repeating: 8, count: 16), time: time, keyList: list, signature: signature,
                by: stream.publicKey))
        #expect(
            !TrustAnswer.isSigned(nonce: nonce, time: time, keyList: list, signature: signature, by: root.publicKey))
    }
}
