import LoaCrypto
import LoaTrust
import LoaWire
import Testing

/// The stream tag of a sealed packet: made with the controller's stream tag key over the whole packet but tag and
/// signature, signed with the rest, and only ever a reason to check a packet first.
@Suite("Stream tags")
struct StreamTagTests {
    let packets = PacketVerifierTests()

    func tagOf(_ bytes: [UInt8], with key: StreamTagKey) -> UInt64 {
        var covered = [UInt8](repeating: 0, count: bytes.count)
        return bytes.withUnsafeBytes { raw in
            covered.withUnsafeMutableBytes { out in
                let count = PacketSeal.taggedBytes(packet: raw, length: raw.count, into: out)
                return key.tag(UnsafeRawBufferPointer(rebasing: out[0..<count]))
            }
        }
    }

    func tag(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { PacketSeal.readTag($0) } }

    @Test func aTagChecksOnlyWithItsKeyAndForItsPacket() {
        let key = StreamTagKey.random()
        let sealed = packets.packet(index: 3, sentAt: packets.now, tagKey: key)
        #expect(tag(sealed) == tagOf(sealed, with: key))
        #expect(tag(sealed) != tagOf(sealed, with: StreamTagKey.random()))
        #expect(tag(packets.packet(index: 3, sentAt: packets.now)) == 0, "a sealer without a tag key writes zeros")
        // Every byte but tag and signature is covered: header, seal metadata, padding, payload.
        for position in 0..<sealed.count
        where !(PacketSeal.tag.lowerBound..<PacketSeal.signature.upperBound).contains(position) {
            var altered = sealed
            altered[position] ^= 0x01
            #expect(tag(altered) != tagOf(altered, with: key), "byte \(position) is not covered by the tag")
        }
    }

    @Test func theTagIsSignedAndNeverMakesAPacketPlay() {
        let key = StreamTagKey.random()
        let verifier = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience, tagKey: key)
        let sealed = packets.packet(index: 5, sentAt: packets.now, tagKey: key)
        // A wrong tag on a genuine packet: the signature covers the tag.
        var retagged = sealed
        retagged[PacketSeal.tag.lowerBound] ^= 0x80
        #expect(packets.check(verifier, retagged, at: packets.now) == .badSignature)
        // A right tag on a wrong signature: refused all the same.
        var forged = sealed
        forged[PacketSeal.signature.lowerBound] ^= 0x01
        #expect(packets.check(verifier, forged, at: packets.now) == .badSignature)
        #expect(packets.check(verifier, sealed, at: packets.now) == .accepted)
        // An untagged genuine packet plays too (a box whose key is stale still plays, at today's priority).
        let other = PacketVerifier(streamKey: packets.key.publicKey, audience: packets.audience, tagKey: key)
        #expect(packets.check(other, packets.packet(index: 5, sentAt: packets.now), at: packets.now) == .accepted)
    }

    @Test func aTagKeySealedForOneBoxOpensOnlyWithItsKey() throws {
        let box = SigningKeyPair.generate()
        let controller = SigningKeyPair.generate()
        let shared = try #require(box.sharedKey(receiver: box.publicKey, controller: controller.publicKey))
        let key = StreamTagKey.random()
        let sealed = shared.seal(key.bytes)
        #expect(sealed.count == FleetMessage.sealedTagKeyBytes)
        #expect(sealed != shared.seal(key.bytes), "a fresh nonce each time")
        #expect(shared.open(sealed) == key.bytes)
        let stranger = SigningKeyPair.generate()
        let other = try #require(stranger.sharedKey(receiver: stranger.publicKey, controller: controller.publicKey))
        #expect(other.open(sealed) == nil)
        var altered = sealed
        altered[30] ^= 1
        #expect(shared.open(altered) == nil)
        #expect(!sealed.contains(subsequence: key.bytes))
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
