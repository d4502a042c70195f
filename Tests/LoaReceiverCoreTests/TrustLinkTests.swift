import Foundation
import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// The receiver's trust: only answers to its own question, signed by the stream key of a list the root signed;
/// and never an older key list, also after a restart (a revoked stream key stays revoked).
@Suite("Trust link")
struct TrustLinkTests {
    let root = SigningKeyPair.generate()

    func list(version: UInt32, stream: SigningKeyPair) -> [UInt8] {
        KeyListFixture.list(version: version, stream: stream.publicKey, signedBy: root).encoded
    }

    func answer(_ question: [UInt8], time: UInt64, list: [UInt8], stream: SigningKeyPair) -> [UInt8] {
        guard case .request(let nonce)? = try? TrustMessage(decoding: question) else { return [] }
        return TrustAnswer.make(nonce: nonce, time: time, keyList: list, signedBy: stream)
    }

    func makeLink(_ state: String) throws -> TrustLink {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try (KeyText.base64(root.publicKey) + "\n").write(
            toFile: state + "/root.pub", atomically: true, encoding: .utf8)
        return try TrustLink(
            trustFile: state + "/root.pub", identity: try ReceiverIdentity.loadOrCreate(stateDirectory: state),
            group: ReceiverSettings.defaults.group)
    }

    @Test func acceptsOnlyTheAnswerToItsOwnQuestionAndNeverAnOlderList() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-trust-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let oldStream = SigningKeyPair.generate()
        let newStream = SigningKeyPair.generate()
        let link = try makeLink(state)
        #expect(link.now(monotonic: 1_000_000_000) == nil)  // no trusted time: nothing may play

        // An answer to a question never asked, and one signed by the wrong key, are refused.
        let question = try #require(link.request(now: 1_000_000_000))
        var stale = question
        stale[stale.count - 1] ^= 1
        #expect(
            !answer(stale, time: 5_000, list: list(version: 2, stream: newStream), stream: newStream).withUnsafeBytes {
                link.handle($0, now: 1_100_000_000)
            })
        #expect(
            !answer(question, time: 5_000, list: list(version: 2, stream: newStream), stream: oldStream).withUnsafeBytes
            { link.handle($0, now: 1_100_000_000) })
        // The right answer sets the time and the list (version 2, the new stream key).
        #expect(
            answer(question, time: 5_000_000, list: list(version: 2, stream: newStream), stream: newStream)
                .withUnsafeBytes { link.handle($0, now: 1_100_000_000) })
        #expect(link.keyList?.version == 2)
        #expect(link.verifier?.streamKey == newStream.publicKey)
        #expect(link.now(monotonic: 2_050_000_000) == 5_001_000)  // stamped mid-way through the 100 ms round trip

        // After a restart (a new link on the same state), version 1 with the old, revoked stream key is refused.
        let restarted = try makeLink(state)
        #expect(restarted.keyList?.version == 2)
        let again = try #require(restarted.request(now: 3_000_000_000))
        #expect(
            !answer(again, time: 6_000_000, list: list(version: 1, stream: oldStream), stream: oldStream)
                .withUnsafeBytes { restarted.handle($0, now: 3_100_000_000) })
        #expect(restarted.verifier == nil)
        #expect(restarted.refused == 1)
    }

    /// Key lists expire (issue 12, point 8): a box never adopts a list past its signed expiry (by the controller's
    /// signed time), but the list it holds goes on working after it expires, so a lapsed signature never
    /// silences the commune; a newer, valid list is taken as ever.
    /// A stream tag key that arrives before the first trust answer reaches the verifier the answer makes; a new
    /// one (the controller restarted) replaces it in the verifier in force.
    @Test func theStreamTagKeyReachesTheVerifierWhicheverComesFirst() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-trust-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let stream = SigningKeyPair.generate()
        let link = try makeLink(state)
        let first = StreamTagKey.random()
        link.use(tagKey: first)
        #expect(link.verifier == nil)
        let question = try #require(link.request(now: 1_000_000_000))
        #expect(
            answer(question, time: 5_000_000, list: list(version: 2, stream: stream), stream: stream)
                .withUnsafeBytes { link.handle($0, now: 1_100_000_000) })
        #expect(link.verifier?.tagKey == first)
        let second = StreamTagKey.random()
        link.use(tagKey: second)
        #expect(link.verifier?.tagKey == second)
    }

    @Test func anExpiredListIsNeverAdoptedButTheOneHeldPlaysOn() throws {
        let fixture = try TrustFixture()
        let stream = SigningKeyPair.generate()
        let link = try fixture.link()
        func list(_ version: UInt32, expiresAt: UInt64) -> [UInt8] {
            KeyListFixture.list(
                version: version, stream: stream.publicKey, expiresAt: expiresAt, signedBy: fixture.root
            ).encoded
        }
        // Offered, already expired at the answer's time: refused, no trusted time.
        #expect(
            !fixture.exchange(link, at: 1_000_000_000, time: 10_000, list: list(1, expiresAt: 10_000), stream: stream))
        #expect(link.keyList == nil && link.now(monotonic: 1_100_000_000) == nil)
        #expect(link.lastRefusal?.hasPrefix("refused key list version 1: it expired at 10000") == true)
        // Valid: taken. Later, past its expiry, the same list still gives the box its time.
        let held = list(1, expiresAt: 20_000)
        #expect(fixture.exchange(link, at: 2_000_000_000, time: 10_000, list: held, stream: stream))
        #expect(fixture.exchange(link, at: 700_000_000_000, time: 30_000, list: held, stream: stream))
        #expect(link.now(monotonic: 700_005_000_000) == 30_000)
        // A newer list, expired: refused; the held one stays in force. A newer valid one is taken.
        #expect(
            !fixture.exchange(
                link, at: 1_400_000_000_000, time: 40_000, list: list(2, expiresAt: 35_000), stream: stream))
        #expect(link.keyList?.version == 1)
        #expect(
            fixture.exchange(
                link, at: 2_100_000_000_000, time: 50_000, list: list(3, expiresAt: 90_000), stream: stream))
        #expect(link.keyList?.version == 3)
    }
}
