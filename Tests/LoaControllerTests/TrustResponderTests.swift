import Foundation
import LoaController
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire
import Logging
import Testing

/// The controller's trust answers (issue 13, point 1): a version 2 request gets the controller's time in
/// nanoseconds on the seals' time base as well as in milliseconds, both signed with the nonce; a version 1
/// request (a box of an earlier release) gets the answer it always got.
@Suite("Trust responder")
struct TrustResponderTests {
    @Test func answersInTheRequestsVersionWithTheTimeInNanosecondsSigned() throws {
        try KeyStoreTests().withKeysFolder { folder, ceremony, _ in
            try check(try KeyStore(directory: folder, ceremony: ceremony, logger: Logger(label: "test")))
        }
    }

    func check(_ keys: KeyStore) throws {
        let responder = TrustResponder(keys: keys)
        let nonce = RandomBytes.make(16)
        let stream = keys.current.streamKey

        let request = TrustMessage.request(nonce: nonce).encoded
        #expect(request[2] == 2)
        let answer = try #require(request.withUnsafeBytes { responder.answer($0, from: IPv4Address(1), now: 1) })
        guard
            case .answer(let echoed, let time, let nanoseconds?, let list, let signature) = try TrustMessage(
                decoding: answer)
        else {
            Issue.record("not a version 2 answer")
            return
        }
        #expect(echoed == nonce && list == keys.current.encoded)
        #expect(nanoseconds / 1_000_000 == time)  // one reading of one clock
        let wall = UInt64(Date().timeIntervalSince1970 * 1e9)
        #expect(nanoseconds > wall - 60_000_000_000 && nanoseconds < wall + 60_000_000_000)
        #expect(
            TrustAnswer.isSigned(
                nonce: nonce, time: time, nanoseconds: nanoseconds, keyList: list, signature: signature, by: stream))
        // The nanoseconds are signed: another value does not verify, nor does the answer read as version 1.
        #expect(
            !TrustAnswer.isSigned(
                nonce: nonce, time: time, nanoseconds: nanoseconds + 1, keyList: list, signature: signature,
                by: stream))
        #expect(!TrustAnswer.isSigned(nonce: nonce, time: time, keyList: list, signature: signature, by: stream))

        // A version 1 request: the version 1 answer, byte for byte the layout of earlier releases.
        var old = request
        old[2] = 1
        let oldAnswer = try #require(old.withUnsafeBytes { responder.answer($0, from: IPv4Address(2), now: 2) })
        guard case .answer(_, let oldTime, nil, let oldList, let oldSignature) = try TrustMessage(decoding: oldAnswer)
        else {
            Issue.record("not a version 1 answer")
            return
        }
        #expect(oldAnswer[2] == 1 && oldAnswer.count == 30 + oldList.count + 64)
        #expect(
            TrustAnswer.isSigned(
                nonce: nonce, time: oldTime, keyList: oldList, signature: oldSignature, by: stream))
        // Nor does a request of an unknown version get an answer.
        var future = request
        future[2] = 3
        #expect(future.withUnsafeBytes { responder.answer($0, from: IPv4Address(3), now: 3) } == nil)
    }
}
