import Foundation
import LoaCrypto
import LoaReceiverCore
import LoaSystem
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// Issue 12, point 11: a trust answer carrying a key list of 200 operators reaches a box through its real
/// `ControllerLink` socket (one UDP datagram on 127.0.0.1, far longer than any fleet message) and `TrustLink`
/// verifies it; a box without trusted time says so after its grace.
@Suite("Large key lists")
struct LargeKeyListTests {
    /// 200 operators, each with a 40-byte name, signed by `fixture`'s root.
    static func list(_ fixture: TrustFixture, stream: SigningKeyPair) -> [UInt8] {
        let operators = (0..<200).map { index in
            KeyList.Operator(
                name: "operator-" + String(index) + String(repeating: "x", count: 31 - String(index).count),
                mayTriggerEmergencies: index % 2 == 0, publicKey: SigningKeyPair.generate().publicKey)
        }
        return KeyListFixture.list(
            version: 3, stream: stream.publicKey, operators: operators, signedBy: fixture.root
        ).encoded
    }

    @Test func aTwoHundredOperatorAnswerFitsOneDatagramAndVerifies() throws {
        let fixture = try TrustFixture()
        let stream = SigningKeyPair.generate()
        let controller = try UDPSocket()
        try controller.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
        var settings = ReceiverSettings.defaults
        settings.controller = "127.0.0.1:\(controller.localPort)"
        settings.stateDirectory = fixture.state
        let link = try ControllerLink(settings: settings)
        let trust = try fixture.link(settings)

        let question = try #require(trust.request(now: MonotonicClock.now()))
        link.send(raw: question)
        let incoming = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { incoming.deallocate() }
        var box = SocketAddress(address: .any, port: 0)
        let deadline = MonotonicClock.now() + 5_000_000_000
        var heard = 0
        while heard == 0 && MonotonicClock.now() < deadline {
            _ = controller.waitReadable(until: MonotonicClock.now() + 100_000_000)
            if case .datagram(let length)? = try? controller.receive(into: incoming, from: &box) { heard = length }
        }
        #expect(heard == question.count)

        let list = Self.list(fixture, stream: stream)
        let answer = fixture.answer(question, time: 1_800_000_000_000, list: list, signedBy: stream)
        #expect(list.count <= KeyList.maximumBytes)
        #expect(answer.count > FleetMessage.maximumBytes)  // what the box's 1,024-byte buffer used to drop
        #expect(answer.count <= TrustMessage.maximumAnswerBytes)
        answer.withUnsafeBytes { _ = controller.send($0, to: box) }

        var took = false
        while !took && MonotonicClock.now() < deadline {
            usleep(10_000)
            link.receive({ _ in }, trust: { bytes in took = trust.handle(bytes, now: MonotonicClock.now()) || took })
        }
        #expect(took)
        #expect(trust.keyList?.operators.count == 200)
        #expect(trust.now(monotonic: MonotonicClock.now()) != nil)
        #expect(!trust.lacksTrustedTime(now: MonotonicClock.now() + 60_000_000_000))
    }

    @Test func aBoxWithoutTrustedTimeSaysSoAfterItsGrace() throws {
        let fixture = try TrustFixture()
        let link = try fixture.link()
        let now = MonotonicClock.now()
        #expect(!link.lacksTrustedTime(now: now))  // just started: still asking
        #expect(link.lacksTrustedTime(now: now + TrustLink.graceNanoseconds + 1_000_000_000))
        let stream = SigningKeyPair.generate()
        let later = now + TrustLink.graceNanoseconds + 2_000_000_000
        #expect(
            fixture.exchange(
                link, at: later, time: 1_800_000_000_000, list: fixture.list(version: 1, stream: stream), stream: stream
            ))
        #expect(!link.lacksTrustedTime(now: later + 1_000_000_000))
    }
}
