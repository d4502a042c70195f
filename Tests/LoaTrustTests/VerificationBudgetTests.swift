import LoaCrypto
import LoaTrust
import LoaWire
import Testing

/// Signature checks are budgeted by source: a flood of fresh forgeries from another address, far above the
/// budget, leaves the controller's stream untouched — once it has been heard, and from the first packets on.
@Suite("Verification budget")
struct VerificationBudgetTests {
    let packets = PacketVerifierTests()
    let controller = PacketVerifier.sourceKey(address: 0x7F00_0001, port: 40_001)
    let forger = PacketVerifier.sourceKey(address: 0x7F00_0001, port: 50_123)

    func check(_ verifier: PacketVerifier, _ bytes: [UInt8], from source: UInt64, at time: Int64, monotonic: UInt64)
        -> PacketVerifier.Verdict
    {
        bytes.withUnsafeBytes { raw in
            guard let parsed = try? RTPPacket(parsing: raw) else { return .unsealed }
            return verifier.check(parsed, datagram: raw, from: source, trustedNow: time, monotonic: monotonic)
        }
    }

    /// A forgery of packet `index`: the live stream's key id and epoch, a fresh send time, a random signature.
    func forgery(index: UInt64, at time: Int64) -> [UInt8] {
        var bytes = packets.packet(index: index, sentAt: time)
        let signature = RTPHeader.fixedSize + 4 + 1 + PacketSeal.metadataBytes  // header, extension header, element
        for position in signature..<(signature + PacketSeal.signatureBytes) {
            bytes[position] = UInt8.random(in: 0...255)
        }
        return bytes
    }

    /// A forgery of packet `index` as good as a forger without the stream tag key can make one: random tag and
    /// signature.
    func taggedForgery(index: UInt64, at time: Int64) -> [UInt8] {
        var bytes = packets.packet(index: index, sentAt: time)
        for position in PacketSeal.tag.lowerBound..<PacketSeal.signature.upperBound {
            bytes[position] = UInt8.random(in: 0...255)
        }
        return bytes
    }

    /// Ten seconds of the real stream (50 packets a second, tagged with `tagKey` if given) through 2,000 fresh
    /// forgeries a second from `source` (5 × the whole budget; by default another address than the controller's);
    /// returns how many genuine packets were accepted and forged ones accepted.
    func flood(
        _ verifier: PacketVerifier, firstIndex: UInt64, from source: UInt64? = nil, tagKey: StreamTagKey? = nil
    ) -> (genuine: Int, forged: Int) {
        var genuine = 0
        var forged = 0
        for frame in 0..<500 {
            let time = packets.now + Int64(frame) * 20
            let monotonic = 1_000_000_000 + UInt64(frame) * 20_000_000
            for copy in 0..<40 {
                let bytes = taggedForgery(index: firstIndex + UInt64(frame) + 1 + UInt64(copy % 5), at: time)
                let at = monotonic + UInt64(copy) * 400_000
                if check(verifier, bytes, from: source ?? forger, at: time, monotonic: at) == .accepted { forged += 1 }
            }
            let real = packets.packet(index: firstIndex + UInt64(frame), sentAt: time, tagKey: tagKey)
            if check(verifier, real, from: controller, at: time + 5, monotonic: monotonic + 16_000_000) == .accepted {
                genuine += 1
            }
        }
        return (genuine, forged)
    }

    @Test func theControllersStreamIsNotStarvedByAFloodFromElsewhere() {
        let verifier = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience)
        #expect(
            check(
                verifier, packets.packet(index: 1, sentAt: packets.now), from: controller, at: packets.now, monotonic: 1
            ) == .accepted)
        let result = flood(verifier, firstIndex: 2)
        #expect(result.forged == 0)
        #expect(result.genuine == 500, "genuine packets accepted under the flood: \(result.genuine) of 500")
    }

    @Test func aReceiverThatStartsDuringTheFloodFindsTheStreamAtOnce() {
        let verifier = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience)
        let result = flood(verifier, firstIndex: 1)
        #expect(result.forged == 0)
        #expect(result.genuine >= 499, "genuine packets accepted under the flood: \(result.genuine) of 500")
    }

    /// Issue 12, point 13: the forgeries come from the controller's own address and port. Tagged with the stream
    /// tag key, the real packets get their checks first and all play; without tags they starve (the box holds
    /// the key but the packets carry none: the budget is as it was before tags).
    @Test func taggedPacketsAreNotStarvedByForgeriesFromTheControllersOwnAddress() {
        let tagKey = StreamTagKey.random()
        let start = packets.packet(index: 1, sentAt: packets.now, tagKey: tagKey)
        let verifier = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience, tagKey: tagKey)
        #expect(check(verifier, start, from: controller, at: packets.now, monotonic: 1) == .accepted)
        let tagged = flood(verifier, firstIndex: 2, from: controller, tagKey: tagKey)
        #expect(tagged.forged == 0)
        #expect(tagged.genuine == 500, "tagged packets accepted under the spoofed flood: \(tagged.genuine) of 500")

        let untaggedVerifier = PacketVerifier(
            streamKey: packets.key.publicKey, audience: packets.audience, tagKey: tagKey)
        #expect(
            check(
                untaggedVerifier, packets.packet(index: 1, sentAt: packets.now), from: controller, at: packets.now,
                monotonic: 1) == .accepted)
        let untagged = flood(untaggedVerifier, firstIndex: 2, from: controller)
        #expect(untagged.forged == 0)
        #expect(untagged.genuine < 250, "untagged packets accepted under the spoofed flood: \(untagged.genuine) of 500")
    }

    /// A packet whose tag checks may take every check left; untagged ones, while tags are in use, leave a quarter
    /// of the budget banked for tagged ones, from whatever source.
    @Test func untaggedPacketsLeaveAQuarterOfTheBudgetForTaggedOnes() {
        let tagKey = StreamTagKey.random()
        let verifier = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience, tagKey: tagKey)
        #expect(
            check(
                verifier, packets.packet(index: 1, sentAt: packets.now, tagKey: tagKey), from: controller,
                at: packets.now, monotonic: 1) == .accepted)
        // A burst of untagged forgeries from the controller's address, then from 1,000 others, all at one instant:
        // of the 399 checks left, the controller's share (300) and the strangers' (100) would take them all; tags in
        // use, they stop where 100 are left.
        var checked = 0
        for index in 0..<2_000 {
            let source =
                index < 1_000 ? controller : PacketVerifier.sourceKey(address: 0x0A00_0000 + UInt32(index), port: 9)
            let verdict = check(
                verifier, taggedForgery(index: UInt64(index + 2), at: packets.now), from: source, at: packets.now,
                monotonic: 2)
            if verdict == .badSignature { checked += 1 }
        }
        #expect(checked == 299, "\(checked) untagged checks")
        // Tagged packets at the same instant still get the 100 kept for them.
        var accepted = 0
        for index in 0..<100 {
            let verdict = check(
                verifier, packets.packet(index: UInt64(2_000 + index), sentAt: packets.now, tagKey: tagKey),
                from: controller, at: packets.now, monotonic: 2)
            if verdict == .accepted { accepted += 1 }
        }
        #expect(accepted == 100, "\(accepted) of 100 tagged packets checked after the untagged burst")
    }

    @Test func theWholeBudgetStaysCappedWhateverTheSources() {
        let verifier = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience)
        var checked = 0
        // One second of forgeries from 1,000 different addresses and ports.
        for index in 0..<20_000 {
            let source = PacketVerifier.sourceKey(
                address: 0x0A00_0000 + UInt32(index % 1000), port: UInt16(1000 + index % 7))
            let verdict = check(
                verifier, forgery(index: UInt64(index + 1), at: packets.now), from: source, at: packets.now,
                monotonic: 1_000_000_000 + UInt64(index) * 50_000)
            if verdict == .badSignature { checked += 1 }
        }
        // At most a quarter of the 400 checks a second serve strangers (plus the buckets' first burst).
        #expect(checked > 0)
        #expect(checked <= 2 * verifier.verificationsPerSecond / 4, "\(checked) signature checks in one second")
    }
}
