import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// The receive chain as the receiver runs it: only packets the verifier accepts reach the playout, the emergency
/// flag of an accepted packet is raised before it plays, and every refusal is counted by reason.
@Suite("Receive chain")
struct ReceiveChainTests {
    @Test func onlyAcceptedPacketsPlayAndOnlyTheirFlagsCount() throws {
        let fixture = try TrustFixture()
        let link = try fixture.link()
        let stream = SigningKeyPair.generate()
        let forger = SigningKeyPair.generate()
        #expect(
            fixture.exchange(
                link, at: 1_000_000_000, time: 1_795_000_000_000, list: fixture.list(version: 1, stream: stream),
                stream: stream))
        let sealed = try SealedStream(key: stream, audience: fixture.audience, frames: 6)
        let forged = try SealedStream(key: forger, audience: fixture.audience, frames: 6)
        var emergencies: [UInt64] = []
        var live: [UInt64] = []
        let chain = ReceiveChain(playout: try Playout(settings: PlayoutSettings(), sink: CountingSink())) {
            flags, now in
            if flags & PacketSeal.emergencyFlag != 0 { emergencies.append(now) }
            if flags & PacketSeal.liveFlag != 0 { live.append(now) }
        }
        func receive(_ bytes: [UInt8], at now: UInt64) -> PacketVerifier.Verdict {
            bytes.withUnsafeBytes {
                chain.receive($0, verifier: link.verifier, trustedNow: link.now(monotonic: now), at: now)
            }
        }
        let start: UInt64 = 2_000_000_000
        let sentAt = try #require(link.now(monotonic: start))
        #expect(receive(sealed.packet(0, sentAt: sentAt), at: start) == .accepted)
        #expect(receive(sealed.packet(1, sentAt: sentAt + 20, emergency: true), at: start + 20_000_000) == .accepted)
        // A forged emergency packet raises nothing; a replayed one neither.
        #expect(receive(forged.packet(2, sentAt: sentAt + 40, emergency: true), at: start + 40_000_000) == .unknownKey)
        #expect(receive(sealed.packet(1, sentAt: sentAt + 20, emergency: true), at: start + 41_000_000) == .replayed)
        #expect(receive([0x80, 1, 2], at: start + 42_000_000) == .unsealed)
        #expect(receive(sealed.packet(2, sentAt: sentAt + 40), at: start + 43_000_000) == .accepted)
        // A live packet says so (a box near the office goes silent for it); a forged one does not.
        #expect(receive(forged.packet(3, sentAt: sentAt + 60, live: true), at: start + 60_000_000) == .unknownKey)
        #expect(receive(sealed.packet(3, sentAt: sentAt + 60, live: true), at: start + 61_000_000) == .accepted)
        #expect(emergencies == [start + 20_000_000])
        #expect(live == [start + 61_000_000])
        #expect(chain.refusals.unknownKey == 2 && chain.refusals.replayed == 1 && chain.refusals.total == 3)
        #expect(chain.playout.statistics.rejected == 4)
        chain.playout.advance(to: start + 2_000_000_000)
        #expect(chain.playout.sink.samples > 0)

        // Before the key list and the time arrive, nothing plays.
        let fresh = ReceiveChain(playout: try Playout(settings: PlayoutSettings(), sink: CountingSink()))
        let verdict = sealed.packet(3, sentAt: sentAt + 60).withUnsafeBytes {
            fresh.receive($0, verifier: nil, trustedNow: nil, at: start)
        }
        #expect(verdict == .noTrustedTime && fresh.refusals.noTrustedTime == 1)
    }
}
