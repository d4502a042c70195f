import Foundation
import LoaCrypto
import LoaSource
import LoaTrust
import LoaWire
import Synchronization

/// The clips each zone will air, offered to its boxes ahead of airtime (issue 15, `docs/delivery.md`): for each
/// item still to air, the very bytes of the encoding the zone airs (its `.loaclip` file) and their manifest (item,
/// the zone's audience, frames, length, SHA-256), signed by the stream key, so that a box verifies the clip
/// without trusting the path it came by.
///
/// Contract:
/// - `refresh` takes what the programme has still to air (every few seconds) and keeps exactly those items; a clip
///   is read, hashed and signed once per item.
/// - `offers(zone:holding:)` gives the signed manifests of the zone's items a box does not report, soonest first,
///   at most `offersPerHeartbeat`: the heartbeat listener sends them with its answer.
/// - `chunks(…)` gives the bytes a box asked for, only of an item of its own zone, at most the chunks asked, each
///   `FleetMessage.clipChunkBytes` at most, within the box's share (`boxBytesPerSecond`, a token bucket) and the
///   total (`totalBytesPerSecond`): a download never crowds out the audio, and a box cannot make the controller
///   send more than its share. Nothing here is sent: the listener sends, to the box's own address.
public final class ClipOffers: Sendable {
    struct Offer: Sendable {
        var item: UInt64
        var manifest: [UInt8]
        var bytes: [UInt8]
    }

    private struct Bucket {
        var tokens: Int
        var refilled: UInt64
    }

    private struct State {
        var zones: [String: [Offer]] = [:]
        var boxes: [ReceiverID: Bucket] = [:]
        var total = Bucket(tokens: 0, refilled: 0)
        var chunksSent = 0
        var chunksCapped = 0
    }

    /// Each zone's audience (group, port, commune): what its manifests name.
    let audiences: [String: PacketAudience]
    private let streamKey: SigningKeyPair
    public let boxBytesPerSecond: Int
    public let totalBytesPerSecond: Int
    /// Manifests sent with one heartbeat answer at most.
    public static let offersPerHeartbeat = 2
    private let state = Mutex(State())
    /// Each zone's signed timetable, which the heartbeat listener sends with the offers (issue 15, point 4).
    public let timetables: ZoneTimetables

    public init(
        audiences: [String: PacketAudience], streamKey: SigningKeyPair, boxBytesPerSecond: Int = 128_000,
        totalBytesPerSecond: Int = 6_250_000
    ) {
        self.audiences = audiences
        self.streamKey = streamKey
        self.boxBytesPerSecond = boxBytesPerSecond
        self.totalBytesPerSecond = totalBytesPerSecond
        timetables = ZoneTimetables(audiences: audiences, streamKey: streamKey)
    }

    /// Keeps, for each zone, exactly the items of `upcoming` (item id and the file of the encoding the zone airs),
    /// in their order; reads, hashes and signs the ones not held yet. A file that cannot be read is left out.
    public func refresh(_ upcoming: [String: [(item: Int64, file: URL)]]) {
        let held = state.withLock { $0.zones }
        var zones: [String: [Offer]] = [:]
        for (zone, items) in upcoming {
            guard let audience = audiences[zone] else { continue }
            var offers: [Offer] = []
            for (item, file) in items {
                if let known = held[zone]?.first(where: { $0.item == UInt64(item) }) {
                    offers.append(known)
                    continue
                }
                guard let data = FileManager.default.contents(atPath: file.path),
                    let clip = try? EncodedClip(serialized: [UInt8](data))
                else { continue }
                let bytes = [UInt8](data)
                let manifest = ClipManifest(
                    item: UInt64(item), audience: audience, frameMilliseconds: UInt8(clamping: clip.frameMilliseconds),
                    frameCount: UInt32(clamping: clip.frameCount), byteCount: UInt32(clamping: bytes.count),
                    digest: SHA256.hash(bytes))
                offers.append(
                    Offer(
                        item: UInt64(item), manifest: StreamKeySignature.make(manifest, signedBy: streamKey),
                        bytes: bytes))
            }
            zones[zone] = offers
        }
        state.withLock { $0.zones = zones }
    }

    /// The signed manifests of `zone`'s items that a box holding (or fetching) `holding` lacks, soonest first.
    func offers(zone: String, holding: [UInt64]) -> [[UInt8]] {
        state.withLock { state in
            Array(
                (state.zones[zone] ?? []).filter { !holding.contains($0.item) }.prefix(Self.offersPerHeartbeat)
                    .map(\.manifest))
        }
    }

    /// The chunks of `item` (of `zone`) that `box` asked for from `offset`, at most `count`, within the caps at
    /// `now`: (offset, bytes) each. Empty if the zone has no such item or the caps are spent.
    func chunks(zone: String, item: UInt64, offset: UInt32, count: UInt8, box: ReceiverID, now: UInt64)
        -> [(offset: UInt32, bytes: [UInt8])]
    {
        state.withLock { state in
            guard let offer = state.zones[zone]?.first(where: { $0.item == item }) else { return [] }
            var bucket =
                state.boxes[box] ?? Bucket(tokens: boxBytesPerSecond, refilled: now)
            Self.refill(&bucket, rate: boxBytesPerSecond, now: now)
            Self.refill(&state.total, rate: totalBytesPerSecond, now: now)
            var chunks: [(offset: UInt32, bytes: [UInt8])] = []
            var start = Int(offset)
            while chunks.count < Int(count), start < offer.bytes.count {
                let end = min(start + FleetMessage.clipChunkBytes, offer.bytes.count)
                guard bucket.tokens >= end - start, state.total.tokens >= end - start else {
                    state.chunksCapped += 1
                    break
                }
                bucket.tokens -= end - start
                state.total.tokens -= end - start
                chunks.append((UInt32(start), Array(offer.bytes[start..<end])))
                start = end
            }
            state.boxes[box] = bucket
            state.chunksSent += chunks.count
            return chunks
        }
    }

    /// Chunks sent and chunks refused by the caps since start, for `/metrics`.
    var counts: (sent: Int, capped: Int) { state.withLock { ($0.chunksSent, $0.chunksCapped) } }

    /// A bucket fills at `rate` bytes a second up to one second's worth.
    private static func refill(_ bucket: inout Bucket, rate: Int, now: UInt64) {
        guard now > bucket.refilled else { return }
        let added = Int(min((now - bucket.refilled) / 1_000, 1_000_000) * UInt64(rate) / 1_000_000)
        bucket.tokens = min(bucket.tokens + added, rate)
        bucket.refilled = now
    }
}
