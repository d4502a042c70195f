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

    /// Ten seconds of the real stream (50 packets a second) through 2,000 fresh forgeries a second from another
    /// address (5 × the whole budget); returns how many genuine packets were accepted and forged ones accepted.
    func flood(_ verifier: PacketVerifier, firstIndex: UInt64) -> (genuine: Int, forged: Int) {
        var genuine = 0
        var forged = 0
        for frame in 0..<500 {
            let time = packets.now + Int64(frame) * 20
            let monotonic = 1_000_000_000 + UInt64(frame) * 20_000_000
            for copy in 0..<40 {
                let bytes = forgery(index: firstIndex + UInt64(frame) + 1 + UInt64(copy % 5), at: time)
                let at = monotonic + UInt64(copy) * 400_000
                if check(verifier, bytes, from: forger, at: time, monotonic: at) == .accepted { forged += 1 }
            }
            let real = packets.packet(index: firstIndex + UInt64(frame), sentAt: time)
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
