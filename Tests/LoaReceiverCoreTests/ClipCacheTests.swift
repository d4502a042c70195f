import Foundation
import LoaCrypto
import LoaReceiverCore
import LoaSystem
import LoaTrust
import LoaWire
import Testing

/// The box's store of clips delivered ahead of airtime, on real files in a fresh folder.
@Suite("Clip cache")
struct ClipCacheTests {
    let streamKey = SigningKeyPair.generate()
    let audience = PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 77)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-cache-\(UUID().uuidString)").path

    /// A clip image of `length` bytes and its signed manifest for item `item`.
    func clip(_ item: UInt64, length: Int = 10_000, key: SigningKeyPair? = nil, audience: PacketAudience? = nil)
        -> (bytes: [UInt8], signed: [UInt8], manifest: ClipManifest)
    {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ Int(item)) }
        let manifest = ClipManifest(
            item: item, audience: audience ?? self.audience, frameMilliseconds: 20, frameCount: 50,
            byteCount: UInt32(length), digest: SHA256.hash(bytes))
        return (bytes, StreamKeySignature.make(manifest, signedBy: key ?? streamKey), manifest)
    }

    func deliver(_ cache: ClipCache, _ item: UInt64, length: Int = 10_000) throws -> [UInt8] {
        let (bytes, signed, _) = clip(item, length: length)
        let manifest = try cache.offer(signed, streamKey: streamKey.publicKey, audience: audience)
        try cache.append(item, offset: 0, bytes: bytes, manifest: manifest)
        #expect(cache.finish(item, manifest: manifest) == .ready)
        return bytes
    }

    @Test func aClipDeliveredInChunksAcrossARestartIsHeldWholeAndVerified() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (bytes, signed, _) = clip(21)
        var cache = try ClipCache(folder: folder, limitBytes: 1 << 20)
        var manifest = try cache.offer(signed, streamKey: streamKey.publicKey, audience: audience)
        try cache.append(21, offset: 0, bytes: Array(bytes[0..<4_000]), manifest: manifest)
        #expect(cache.finish(21, manifest: manifest) == .incomplete(have: 4_000, of: 10_000))
        // The box restarts (a power cut): the download resumes where the disk stands.
        cache = try ClipCache(folder: folder, limitBytes: 1 << 20)
        manifest = try cache.offer(signed, streamKey: streamKey.publicKey, audience: audience)
        #expect(cache.resumeOffset(21) == 4_000)
        #expect(throws: ClipCache.Refusal.outOfOrder(expected: 4_000)) {
            try cache.append(21, offset: 0, bytes: Array(bytes[0..<10]), manifest: manifest)
        }
        try cache.append(21, offset: 4_000, bytes: Array(bytes[4_000...]), manifest: manifest)
        #expect(cache.clip(21, streamKey: streamKey.publicKey, audience: audience) == nil)  // not finished yet
        #expect(cache.finish(21, manifest: manifest) == .ready)
        #expect(cache.clip(21, streamKey: streamKey.publicKey, audience: audience) == bytes)
        #expect(cache.held() == [21])
        #expect(cache.resumeOffset(21) == 10_000)
        // Offered again (the next heartbeat): kept, not fetched again.
        _ = try cache.offer(signed, streamKey: streamKey.publicKey, audience: audience)
        #expect(cache.clip(21, streamKey: streamKey.publicKey, audience: audience) == bytes)
    }

    @Test func aTamperedClipIsRefusedAndRemovedSoItIsFetchedAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = try ClipCache(folder: folder, limitBytes: 1 << 20)
        var bytes = try deliver(cache, 5)
        bytes[1234] ^= 0x01
        try FileSystem.replace(folder + "/5.clip", with: bytes)
        #expect(cache.clip(5, streamKey: streamKey.publicKey, audience: audience) == nil)
        #expect(cache.held().isEmpty)
        #expect(cache.resumeOffset(5) == 0)
    }

    @Test func aTornDownloadIsFoundCorruptAtTheEnd() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = try ClipCache(folder: folder, limitBytes: 1 << 20)
        let (bytes, signed, _) = clip(9)
        let manifest = try cache.offer(signed, streamKey: streamKey.publicKey, audience: audience)
        var torn = bytes
        torn[9_999] = ~torn[9_999]  // the last block written wrongly before a power cut
        try cache.append(9, offset: 0, bytes: torn, manifest: manifest)
        #expect(cache.finish(9, manifest: manifest) == .corrupt)
        #expect(cache.resumeOffset(9) == 0)
        #expect(cache.clip(9, streamKey: streamKey.publicKey, audience: audience) == nil)
    }

    @Test func onlyTheStreamKeyInForceForThisAudienceFillsTheCache() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = try ClipCache(folder: folder, limitBytes: 1 << 20)
        let forger = SigningKeyPair.generate()
        #expect(throws: ClipCache.Refusal.manifest(.badSignature)) {
            try cache.offer(clip(1, key: forger).signed, streamKey: streamKey.publicKey, audience: audience)
        }
        let elsewhere = PacketAudience(group: 0xEFFF_4D02, port: 5004, commune: 77)
        #expect(throws: ClipCache.Refusal.manifest(.otherAudience)) {
            try cache.offer(clip(1, audience: elsewhere).signed, streamKey: streamKey.publicKey, audience: audience)
        }
        var cut = clip(1).signed
        cut.removeLast()
        #expect(throws: ClipCache.Refusal.manifest(.malformed)) {
            try cache.offer(cut, streamKey: streamKey.publicKey, audience: audience)
        }
        #expect(throws: ClipCache.Refusal.unknownItem) {
            try cache.append(1, offset: 0, bytes: [1, 2, 3], manifest: clip(1).manifest)
        }
        #expect(FileSystem.size(folder + "/1.part") == nil)
        // A clip held whole is refused once its stream key is no longer the one in force (revoked).
        _ = try deliver(cache, 2)
        let successor = SigningKeyPair.generate()
        #expect(cache.clip(2, streamKey: successor.publicKey, audience: audience) == nil)
        #expect(cache.held().isEmpty)
    }

    @Test func evictionRemovesTheOldestItemsNotNeeded() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = try ClipCache(folder: folder, limitBytes: 25_000)
        for item: UInt64 in [3, 4, 7, 8] { _ = try deliver(cache, item) }
        #expect(cache.usedBytes() == 40_000)
        // 3 airs this evening: kept; 4 and then 7 go, the oldest not needed, until 20,000 bytes are left.
        let removed = cache.evict { $0 == 3 }
        #expect(removed == [4, 7])
        #expect(cache.held() == [3, 8])
        #expect(cache.usedBytes() == 20_000)
        #expect(cache.evict { _ in false }.isEmpty)  // within the limit: nothing goes
    }
}
