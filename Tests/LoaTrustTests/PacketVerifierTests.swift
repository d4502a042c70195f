import LoaCrypto
import LoaTrust
import LoaWire
import Testing

/// The packet half of the attack suite: forged, altered, replayed and revoked-key packets never pass.
@Suite("Packet verification")
struct PacketVerifierTests {
    let key = SigningKeyPair.generate()
    let now: Int64 = 1_795_000_000_000
    /// Zone A of commune 0x0C0FFEE0: the box under test listens as it.
    let audience = PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 0x0C0F_FEE0)

    /// A sealed packet as the controller sends it (tagged with `tagKey` if given).
    func packet(
        index: UInt64, sentAt: Int64, epoch: UInt32 = 7, key signer: SigningKeyPair? = nil,
        payload: [UInt8] = [0x78, 1, 2, 3], for target: PacketAudience? = nil, tagKey: StreamTagKey? = nil
    ) -> [UInt8] {
        let signer = signer ?? key
        let header = RTPHeader(
            marker: false, payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: index),
            timestamp: UInt32(truncatingIfNeeded: index * 960), ssrc: 5)
        let sealer = PacketSealer(key: signer, audience: target ?? audience, tagKey: tagKey, epoch: epoch)
        var bytes = [UInt8](repeating: 0, count: 1500)
        let length = bytes.withUnsafeMutableBytes { raw in
            payload.withUnsafeBytes {
                sealer.seal(header: header, payload: $0, index: index, sendTime: sentAt, into: raw)
            }
        }
        return Array(bytes[0..<length])
    }

    func check(_ verifier: PacketVerifier, _ bytes: [UInt8], at time: Int64?, monotonic: UInt64 = 1_000_000_000)
        -> PacketVerifier.Verdict
    {
        bytes.withUnsafeBytes { raw in
            guard let parsed = try? RTPPacket(parsing: raw) else { return .unsealed }
            return verifier.check(parsed, datagram: raw, trustedNow: time, monotonic: monotonic)
        }
    }

    @Test func acceptsTheControllersPacketsOnce() {
        let verifier = PacketVerifier(streamKey: key.publicKey, audience: audience)
        let first = packet(index: 1, sentAt: now)
        #expect(check(verifier, first, at: now + 40) == .accepted)
        #expect(check(verifier, first, at: now + 60) == .replayed)
        #expect(check(verifier, packet(index: 3, sentAt: now + 40), at: now + 80) == .accepted)
        #expect(check(verifier, packet(index: 2, sentAt: now + 20), at: now + 90) == .accepted)  // late but new
        #expect(check(verifier, packet(index: 2, sentAt: now + 20), at: now + 95) == .replayed)
    }

    @Test func refusesEveryAlteredBitAndForgery() {
        let verifier = PacketVerifier(streamKey: key.publicKey, audience: audience)
        let good = packet(index: 10, sentAt: now)
        // Checks 100 ms apart: no packet here is refused for want of a signature check (`VerificationBudget`
        // gives a source not yet trusted about 12 a second).
        var monotonic: UInt64 = 1_000_000_000
        func next() -> UInt64 {
            monotonic += 100_000_000
            return monotonic
        }
        for position in 0..<good.count where !(12..<16).contains(position) {
            var altered = good
            altered[position] ^= 0x01
            let verdict = check(verifier, altered, at: now, monotonic: next())
            #expect(verdict != .accepted && verdict != .rateLimited, "bit flipped at byte \(position): \(verdict)")
        }
        var forged = good
        for i in 0..<64 { forged[12 + 6 + 24 + i] = UInt8.random(in: 0...255) }
        #expect(check(verifier, forged, at: now, monotonic: next()) == .badSignature)
        #expect(
            check(verifier, packet(index: 11, sentAt: now, key: SigningKeyPair.generate()), at: now, monotonic: next())
                == .unknownKey)
        var unsealed = [UInt8](repeating: 0, count: 20)
        unsealed[0] = 0x80
        unsealed[1] = 111
        #expect(check(verifier, unsealed, at: now, monotonic: next()) == .unsealed)
        #expect(check(verifier, good, at: now, monotonic: next()) == .accepted)  // the original still passes
    }

    @Test func refusesReplaysSecondsOrADayLaterEvenAfterARestart() {
        let recording = (1...50).map { packet(index: UInt64($0), sentAt: now + Int64($0) * 20) }
        let live = PacketVerifier(streamKey: key.publicKey, audience: audience)
        for (i, bytes) in recording.enumerated() {
            #expect(check(live, bytes, at: now + Int64(i) * 20 + 30) == .accepted)
        }
        // Replayed to the same receiver within the window: already seen.
        #expect(recording.allSatisfy { check(live, $0, at: now + 2_000) == .replayed })
        // Replayed ten seconds later, or the next day, to a receiver that has just restarted and remembers nothing.
        let restarted = PacketVerifier(streamKey: key.publicKey, audience: audience)
        #expect(recording.allSatisfy { check(restarted, $0, at: now + 10_000) == .stale })
        #expect(recording.allSatisfy { check(restarted, $0, at: now + 86_400_000) == .stale })
        // Without trusted time nothing passes.
        #expect(
            check(PacketVerifier(streamKey: key.publicKey, audience: audience), recording[0], at: nil) == .noTrustedTime
        )
    }

    @Test func aPacketSealedForAnotherZoneOrCommuneNeverVerifies() {
        let verifier = PacketVerifier(streamKey: key.publicKey, audience: audience)
        var zoneB = audience
        zoneB.group += 1
        var otherPort = audience
        otherPort.port += 2
        var otherCommune = audience
        otherCommune.commune ^= 1
        var monotonic: UInt64 = 1_000_000_000
        for (index, target) in [zoneB, otherPort, otherCommune].enumerated() {
            monotonic += 1_000_000_000
            let relayed = packet(index: UInt64(index + 1), sentAt: now, for: target)
            #expect(check(verifier, relayed, at: now, monotonic: monotonic) == .badSignature)
        }
        #expect(check(verifier, packet(index: 1, sentAt: now), at: now, monotonic: monotonic + 1) == .accepted)
    }

    @Test func alternatingTwoEpochsNeverGoesBack() {
        let verifier = PacketVerifier(streamKey: key.publicKey, audience: audience)
        // The controller ran epoch 7, restarted a second later as epoch 8; both recorded within the window.
        let old = (1...10).map { packet(index: UInt64($0), sentAt: now + Int64($0) * 20, epoch: 7) }
        let new = (1...10).map { packet(index: UInt64($0), sentAt: now + 1_000 + Int64($0) * 20, epoch: 8) }
        var monotonic: UInt64 = 1_000_000_000
        func at() -> UInt64 {
            monotonic += 200_000_000
            return monotonic
        }
        for bytes in old.prefix(5) { #expect(check(verifier, bytes, at: now + 300, monotonic: at()) == .accepted) }
        for bytes in new.prefix(5) { #expect(check(verifier, bytes, at: now + 1_300, monotonic: at()) == .accepted) }
        // The rest of the old epoch, then the new epoch's packets again: nothing plays twice, nothing goes back.
        for bytes in old.suffix(5) { #expect(check(verifier, bytes, at: now + 1_400, monotonic: at()) == .replayed) }
        for bytes in new.prefix(5) { #expect(check(verifier, bytes, at: now + 1_500, monotonic: at()) == .replayed) }
        #expect(check(verifier, new[5], at: now + 1_500, monotonic: at()) == .accepted)
        // Once the old epoch's newest packet is out of the window, a controller restarted with its clock set back
        // (a new epoch whose send times are earlier) is heard again.
        let restarted = packet(index: 1, sentAt: now + 900, epoch: 9)
        #expect(check(verifier, restarted, at: now + 7_000, monotonic: at()) == .stale)
        let stepped = packet(index: 1, sentAt: now - 3_600_000, epoch: 9)
        #expect(check(verifier, stepped, at: now - 3_600_000, monotonic: at()) == .accepted)
    }

    @Test func aRevokedKeyNoLongerPasses() {
        let verifier = PacketVerifier(streamKey: key.publicKey, audience: audience)
        #expect(check(verifier, packet(index: 1, sentAt: now), at: now) == .accepted)
        let next = SigningKeyPair.generate()
        verifier.use(streamKey: next.publicKey)
        #expect(check(verifier, packet(index: 2, sentAt: now), at: now) == .unknownKey)
        #expect(check(verifier, packet(index: 1, sentAt: now, epoch: 9, key: next), at: now) == .accepted)
    }

    @Test func aHundredThousandForgedOrReplayedPacketsPassNoneAndAreCapped() {
        let verifier = PacketVerifier(streamKey: key.publicKey, audience: audience, verificationsPerSecond: 400)
        let genuine = packet(index: 1, sentAt: now)
        #expect(check(verifier, genuine, at: now) == .accepted)
        var accepted = 0
        var rateLimited = 0
        var random = SystemRandomNumberGenerator()
        for i in 0..<100_000 {
            var bytes: [UInt8]
            switch i % 4 {
            case 0: bytes = genuine  // replayed
            case 1:
                bytes = genuine
                bytes[Int.random(in: 12..<bytes.count, using: &random)] ^= UInt8(
                    1 << Int.random(in: 0..<8, using: &random))
            case 2: bytes = packet(index: 1, sentAt: now - 3_600_000)  // an hour-old recording (built once per 4)
            default:
                bytes = genuine
                for j in 42..<106 { bytes[j] = UInt8.random(in: 0...255, using: &random) }  // forged signature
            }
            // A flood arriving within one second: 100 000 packets at 10 µs intervals.
            switch check(verifier, bytes, at: now, monotonic: 1_000_000_000 + UInt64(i) * 10_000) {
            case .accepted: accepted += 1
            case .rateLimited: rateLimited += 1
            default: break
            }
        }
        #expect(accepted == 0)
        #expect(rateLimited > 0)  // signature checks were capped, not spent on every forgery
        // The real stream still passes afterwards.
        #expect(
            check(verifier, packet(index: 2, sentAt: now + 20), at: now + 20, monotonic: 3_000_000_000) == .accepted)
    }
}
