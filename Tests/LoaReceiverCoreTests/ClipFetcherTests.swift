import Foundation
import LoaCrypto
import LoaReceiverCore
import LoaTrust
import LoaWire
import Testing

/// Issue 15: the box's side of delivery ahead, on a real cache in a fresh folder, the controller's chunks fed by
/// hand, some lost, some out of order.
@Suite("Clip fetcher")
struct ClipFetcherTests {
    let streamKey = SigningKeyPair.generate()
    let audience = PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 77)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-fetch-\(UUID().uuidString)").path
    static let second: UInt64 = 1_000_000_000

    func clip(_ item: UInt64, length: Int, key: SigningKeyPair? = nil) -> (bytes: [UInt8], signed: [UInt8]) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ Int(item)) }
        let manifest = ClipManifest(
            item: item, audience: audience, frameMilliseconds: 20, frameCount: 50, byteCount: UInt32(length),
            digest: SHA256.hash(bytes))
        return (bytes, StreamKeySignature.make(manifest, signedBy: key ?? streamKey))
    }

    func fetcher(rate: Int = 9_600) throws -> ClipFetcher {
        ClipFetcher(cache: try ClipCache(folder: folder, limitBytes: 1 << 20), bytesPerSecond: rate)
    }

    /// Answers `request` as the controller would, chunk by chunk, dropping those `lose` says.
    func answer(
        _ request: (item: UInt64, offset: UInt32, chunks: UInt8), from bytes: [UInt8], to fetcher: ClipFetcher,
        at now: UInt64, lose: (Int) -> Bool = { _ in false }, reversed: Bool = false
    ) {
        var chunks: [(Int, [UInt8])] = []
        var offset = Int(request.offset)
        for _ in 0..<Int(request.chunks) where offset < bytes.count {
            let end = min(offset + FleetMessage.clipChunkBytes, bytes.count)
            chunks.append((offset, Array(bytes[offset..<end])))
            offset = end
        }
        if reversed { chunks.reverse() }
        for (index, chunk) in chunks.enumerated() where !lose(index) {
            fetcher.received(item: request.item, offset: chunk.0, bytes: chunk.1, now: now)
        }
    }

    @Test func aClipFetchedThroughLossAndReorderingIsHeldWholeAndAtTheRateAsked() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (bytes, signed) = clip(7, length: 40_000)
        let fetcher = try fetcher()
        #expect(fetcher.request(now: 0) == nil, "nothing offered, nothing asked")
        fetcher.offered(signed, streamKey: streamKey.publicKey, audience: audience)
        var now: UInt64 = 10 * Self.second
        var requests = 0
        var asked = 0
        var round = 0
        while fetcher.report().first?.percent != 100 {
            round += 1
            try #require(round < 1_000, "the download never ends")
            guard let request = fetcher.request(now: now) else {
                now = try #require(fetcher.nextRequestTime)
                continue
            }
            #expect(request.offset == UInt32(fetcher.cache.resumeOffset(7)), "asks from where the disk stands")
            requests += 1
            asked += Int(request.chunks)
            // Every third chunk lost, the rest in reverse order.
            answer(request, from: bytes, to: fetcher, at: now, lose: { ($0 + round) % 3 == 0 }, reversed: true)
        }
        #expect(fetcher.report() == [HeldClip(item: 7, percent: 100)])
        #expect(fetcher.cache.clip(7, streamKey: streamKey.publicKey, audience: audience) == bytes)
        // 40,000 bytes at 9,600 bytes a second: no faster than the rate allows.
        #expect(now >= 3 * Self.second + 10 * Self.second, "fetched too fast: \(now)")
        #expect(asked >= 42 && requests > 3)
    }

    @Test func theItemOnTheAirIsFetchedFirstElseTheSoonest() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fetcher = try fetcher()
        for item: UInt64 in [9, 4, 12] {
            fetcher.offered(clip(item, length: 5_000).signed, streamKey: streamKey.publicKey, audience: audience)
        }
        // An emergency (item 12) is on the air: its copy comes before the bulletins still to air.
        #expect(fetcher.request(now: 0, onAir: 12)?.item == 12)
        #expect(fetcher.request(now: 100 * Self.second)?.item == 4)
        #expect(fetcher.request(now: 200 * Self.second, onAir: 3)?.item == 4, "an item not offered is not asked for")
    }

    @Test func aForgedOfferIsRefusedAndStraysAreDropped() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fetcher = try fetcher()
        let (_, forged) = clip(8, length: 5_000, key: SigningKeyPair.generate())
        fetcher.offered(forged, streamKey: streamKey.publicKey, audience: audience)
        #expect(fetcher.refusedOffers == 1)
        #expect(fetcher.request(now: 0) == nil && fetcher.report().isEmpty)
        // Chunks of an item never offered are not written.
        fetcher.received(item: 8, offset: 0, bytes: [1, 2, 3], now: 0)
        #expect(fetcher.droppedChunks == 1)
        #expect(fetcher.cache.resumeOffset(8) == 0)
    }

    @Test func aDownloadCutByARestartResumesAndAnAlteredClipIsFetchedAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (bytes, signed) = clip(9, length: 5_000)
        let first = try fetcher()
        first.offered(signed, streamKey: streamKey.publicKey, audience: audience)
        let request = try #require(first.request(now: 0))
        answer(request, from: bytes, to: first, at: 0, lose: { $0 >= 2 })
        #expect(first.report() == [HeldClip(item: 9, percent: 38)])
        // The box starts again: the offer is repeated, the download goes on from byte 1,920.
        let second = try fetcher()
        second.offered(signed, streamKey: streamKey.publicKey, audience: audience)
        let resumed = try #require(second.request(now: 0))
        #expect(resumed.offset == 1_920)
        answer(resumed, from: bytes, to: second, at: 0)
        #expect(second.report() == [HeldClip(item: 9, percent: 100)])
        // One byte changed on the disk: the check at start removes it, and it is fetched again when offered.
        let path = folder + "/9.clip"
        var altered = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        altered[100] ^= 1
        try Data(altered).write(to: URL(fileURLWithPath: path))
        let third = try fetcher()
        #expect(third.verifyHeld(streamKey: streamKey.publicKey, audience: audience) == 1)
        #expect(third.report().isEmpty)
        third.offered(signed, streamKey: streamKey.publicKey, audience: audience)
        #expect(try #require(third.request(now: 0)).offset == 0)
    }
}
