import Foundation
import LoaCrypto
import LoaSource
import LoaTrust
import LoaWire
import Testing

@testable import LoaController

/// Issue 15, the controller's side of delivery ahead: what is offered to whom, signed for whom, and how much is
/// sent for a box's requests.
@Suite("Clip offers")
struct ClipOffersTests {
    let streamKey = SigningKeyPair.generate()
    let east = PacketAudience(group: 0xEFFF_4D02, port: 5004, commune: 77)
    let west = PacketAudience(group: 0xEFFF_4D03, port: 5004, commune: 77)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-offers-\(UUID().uuidString)")

    /// A stored clip of `frames` frames of 100 bytes, as the library writes it.
    func stored(_ name: String, frames: Int) throws -> (URL, [UInt8]) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var clip = EncodedClip(frameMilliseconds: 20)
        for frame in 0..<frames {
            let payload = [UInt8](repeating: UInt8(frame & 0xFF), count: 100)
            payload.withUnsafeBytes { clip.append($0) }
        }
        let url = folder.appendingPathComponent(name)
        let bytes = clip.serialized()
        try Data(bytes).write(to: url)
        return (url, bytes)
    }

    @Test func eachZoneOffersItsOwnItemsSignedForItsAudienceToBoxesThatLackThem() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let (first, firstBytes) = try stored("1.loaclip", frames: 50)
        let (second, _) = try stored("2.loaclip", frames: 80)
        let offers = ClipOffers(audiences: ["dong": east, "tay": west], streamKey: streamKey)
        offers.refresh([
            "dong": [(item: 11, file: first), (item: 12, file: second)], "tay": [(item: 13, file: second)],
        ])
        let manifests = offers.offers(zone: "dong", holding: [])
        #expect(manifests.count == 2)
        let manifest = try StreamKeySignature.open(
            manifests[0], as: ClipManifest.self, streamKey: streamKey.publicKey, audience: east)
        #expect(manifest.item == 11 && manifest.frameCount == 50 && manifest.byteCount == UInt32(firstBytes.count))
        #expect(manifest.digest == SHA256.hash(firstBytes))
        #expect(throws: StreamKeySignature.Refusal.otherAudience) {
            try StreamKeySignature.open(
                manifests[0], as: ClipManifest.self, streamKey: streamKey.publicKey, audience: west)
        }
        #expect(offers.offers(zone: "dong", holding: [11, 12]).isEmpty, "nothing a box holds is offered again")
        #expect(offers.offers(zone: "tay", holding: []).count == 1)
        // An item no longer to air is no longer offered or served.
        offers.refresh(["dong": [(item: 12, file: second)], "tay": []])
        #expect(offers.offers(zone: "dong", holding: []).count == 1)
        #expect(offers.chunks(zone: "dong", item: 11, offset: 0, count: 1, box: ReceiverID(1), now: 0).isEmpty)
    }

    @Test func aBoxGetsOnlyItsZonesItemsAndOnlyItsShare() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let (file, bytes) = try stored("1.loaclip", frames: 100)
        let offers = ClipOffers(
            audiences: ["dong": east, "tay": west], streamKey: streamKey, boxBytesPerSecond: 4_000,
            totalBytesPerSecond: 1_000_000)
        offers.refresh(["dong": [(item: 21, file: file)], "tay": []])
        #expect(offers.chunks(zone: "tay", item: 21, offset: 0, count: 4, box: ReceiverID(1), now: 0).isEmpty)
        let start: UInt64 = 5_000_000_000
        let chunks = offers.chunks(zone: "dong", item: 21, offset: 0, count: 16, box: ReceiverID(1), now: start)
        // A second's worth at 4,000 bytes a second: four whole chunks of 960.
        #expect(chunks.map(\.offset) == [0, 960, 1_920, 2_880])
        #expect(chunks.allSatisfy { $0.bytes == Array(bytes[Int($0.offset)..<Int($0.offset) + 960]) })
        #expect(offers.chunks(zone: "dong", item: 21, offset: 3_840, count: 16, box: ReceiverID(1), now: start).isEmpty)
        #expect(offers.counts.capped >= 2)
        // Another box has its own share; the first gets more as time passes.
        #expect(offers.chunks(zone: "dong", item: 21, offset: 0, count: 1, box: ReceiverID(2), now: start).count == 1)
        let later = offers.chunks(
            zone: "dong", item: 21, offset: 3_840, count: 16, box: ReceiverID(1), now: start + 500_000_000)
        #expect(later.count == 2)
        // The last chunk is short: it ends with the clip.
        let end = UInt32(bytes.count / 960 * 960)
        let last = offers.chunks(zone: "dong", item: 21, offset: end, count: 16, box: ReceiverID(3), now: start)
        #expect(last.count == 1 && last[0].bytes.count == bytes.count - Int(end))
    }
}
