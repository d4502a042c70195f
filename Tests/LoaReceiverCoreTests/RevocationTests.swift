import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// Revocation survives a reboot: a box that took a newer key list (which dropped a stream key) and then
/// restarted plays nothing signed with the dropped key, even when the thief of that key answers its first
/// time question with the old list. Real `TrustLink`, `PacketVerifier`, `Playout` and state folder on disk.
@Suite("Revoked stream key after a restart")
struct RevocationTests {
    let ms: UInt64 = 1_000_000

    /// Feeds `stream`'s packets, each freshly stamped with the link's trusted time, one per 20 ms from `start`,
    /// and plays them out; returns the verdicts.
    func play(_ stream: SealedStream, through link: TrustLink, into playout: Playout<CountingSink>, from start: UInt64)
        -> [PacketVerifier.Verdict]
    {
        var verdicts: [PacketVerifier.Verdict] = []
        for index in 0..<stream.count {
            let now = start + UInt64(index) * 20 * ms
            verdicts.append(
                deliver(
                    stream.packet(index, sentAt: link.now(monotonic: now) ?? 0), to: playout, through: link, at: now))
            playout.advance(to: now)
        }
        playout.advance(to: start + UInt64(stream.count) * 20 * ms + 2_000 * ms)
        return verdicts
    }

    @Test func packetsSignedByARevokedKeyPlayNothingAfterARestart() throws {
        let fixture = try TrustFixture()
        let revoked = SigningKeyPair.generate()  // list version 1's stream key, since stolen
        let current = SigningKeyPair.generate()  // list version 2's
        let versionOne = fixture.list(version: 1, stream: revoked)
        let versionTwo = fixture.list(version: 2, stream: current)
        let wall: Int64 = 1_795_000_000_000

        // Before the rotation the box plays what the first key signs (so the path below does play what verifies).
        let box = try fixture.link()
        #expect(fixture.exchange(box, at: 1_000 * ms, time: wall, list: versionOne, stream: revoked))
        let before = try Playout(settings: PlayoutSettings(), sink: CountingSink())
        #expect(
            play(
                try SealedStream(key: revoked, audience: fixture.audience, epoch: 1), through: box, into: before,
                from: 2_000 * ms
            ).allSatisfy {
                $0 == .accepted
            })
        #expect(before.sink.samples > 0)

        // The commune rotates the stream key: version 2 drops it. The box takes it at its next question.
        #expect(fixture.exchange(box, at: 700_000 * ms, time: wall + 700_000, list: versionTwo, stream: current))
        #expect(box.keyList?.version == 2)

        // The box reboots: a new link on the same state folder, its monotonic clock from zero again.
        let rebooted = try fixture.link()
        #expect(rebooted.keyList?.version == 2)  // kept on disk
        let question = try #require(rebooted.request(now: 1_000 * ms))
        // The thief of the old key sees the question and answers first with the old list, signed with that key.
        let thiefAnswer = fixture.answer(question, time: wall + 800_000, list: versionOne, signedBy: revoked)
        #expect(!thiefAnswer.withUnsafeBytes { rebooted.handle($0, now: 1_010 * ms) })
        #expect(rebooted.verifier == nil)
        // Then the controller's answer, with version 2.
        let answer = fixture.answer(question, time: wall + 800_000, list: versionTwo, signedBy: current)
        #expect(answer.withUnsafeBytes { rebooted.handle($0, now: 1_020 * ms) })

        // The thief's stream, freshly stamped in a new epoch: not one sample.
        let after = try Playout(settings: PlayoutSettings(), sink: CountingSink())
        let stolen = play(
            try SealedStream(key: revoked, audience: fixture.audience, epoch: 2, frames: 50), through: rebooted,
            into: after, from: 2_000 * ms)
        #expect(stolen.allSatisfy { $0 == .unknownKey })
        #expect(after.sink.samples == 0)
        // The controller's own stream still plays.
        let genuine = play(
            try SealedStream(key: current, audience: fixture.audience, epoch: 3), through: rebooted, into: after,
            from: 10_000 * ms)
        #expect(genuine.allSatisfy { $0 == .accepted })
        #expect(after.sink.samples > 0)
    }

    /// A version names one list: a box holding version 2 refuses a different version-2 list (here one naming a
    /// stolen stream key, as a controller that reused a version after its stream key was replaced would have
    /// issued), also after a restart, with the reason in its log; the same version-2 list re-sent is taken.
    @Test func aDifferentListOfTheSameVersionIsRefusedAlsoAfterARestart() throws {
        let fixture = try TrustFixture()
        let stolen = SigningKeyPair.generate()
        let current = SigningKeyPair.generate()
        let genuine = fixture.list(version: 2, stream: current)
        let reused = fixture.list(version: 2, stream: stolen)  // root-signed, same version, other stream key
        let wall: Int64 = 1_795_000_000_000

        let box = try fixture.link()
        #expect(fixture.exchange(box, at: 1_000 * ms, time: wall, list: genuine, stream: current))
        #expect(!fixture.exchange(box, at: 700_000 * ms, time: wall + 700_000, list: reused, stream: stolen))
        #expect(box.keyList?.streamKey == current.publicKey)
        #expect(box.verifier?.streamKey == current.publicKey)
        #expect(
            box.lastRefusal
                == "refused key list version 2: it differs from the version 2 this box holds, and a version is never reused (the controller must sign a newer one)"
        )

        // After a reboot the thief answers first, with the other version-2 list: refused; the genuine one is taken.
        let rebooted = try fixture.link()
        let question = try #require(rebooted.request(now: 1_000 * ms))
        #expect(
            !fixture.answer(question, time: wall + 800_000, list: reused, signedBy: stolen).withUnsafeBytes {
                rebooted.handle($0, now: 1_010 * ms)
            })
        #expect(rebooted.verifier == nil)
        #expect(rebooted.refused == 1)
        #expect(rebooted.lastRefusal?.hasPrefix("refused key list version 2: it differs") == true)
        #expect(
            fixture.answer(question, time: wall + 800_000, list: genuine, signedBy: current).withUnsafeBytes {
                rebooted.handle($0, now: 1_020 * ms)
            })
        #expect(rebooted.keyList?.encoded == genuine)

        // The thief's stream: not one sample. The controller's plays.
        let playout = try Playout(settings: PlayoutSettings(), sink: CountingSink())
        let thief = play(
            try SealedStream(key: stolen, audience: fixture.audience, epoch: 2, frames: 50), through: rebooted,
            into: playout, from: 2_000 * ms)
        #expect(thief.allSatisfy { $0 == .unknownKey })
        #expect(playout.sink.samples == 0)
        let real = play(
            try SealedStream(key: current, audience: fixture.audience, epoch: 3), through: rebooted, into: playout,
            from: 10_000 * ms)
        #expect(real.allSatisfy { $0 == .accepted })
        #expect(playout.sink.samples > 0)
    }
}
