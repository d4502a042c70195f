import LoaSystem
import LoaTrust
import LoaWire

/// Fetches the clips the controller offers ahead of their airtime into the box's `ClipCache` (issue 15,
/// `docs/delivery.md`), over the link's own socket: the path the box already opens outwards, so it works behind a
/// carrier's NAT.
///
/// Contract:
/// - An offer is taken only if its manifest is signed by the stream key in force and names this box's audience
///   (`ClipCache.offer`); anything else is refused and counted. The cache can be filled by nobody but the
///   controller: a chunk is stored only for an item offered so, in order, within its length, and the whole clip
///   only once its SHA-256 matches the manifest.
/// - One clip at a time: the item on the air first if it is wanted (an emergency, offered while it airs: the rest
///   of it then plays from the copy), else the lowest item (the one that airs soonest, as the controller numbers
///   them). The box
///   asks for the run of chunks it lacks from where its download stands (`ClipCache.resumeOffset`: what the disk
///   holds, so a download cut by a power cut or a restart goes on where it stopped), at most `maximumChunksAsked`
///   at once, and no faster than `bytesPerSecond` on average: a download never competes with live audio. Chunks
///   that come out of order (after a lost one) wait in memory until the gap is filled; a request unanswered within
///   its share of time is asked again from where the download stands.
/// - `report()` says, for each item offered or held, how much of it the box holds (100: whole and verified), for
///   heartbeats.
/// - Every clip that becomes whole, or verifies again (`verifyHeld`), goes to `held`, which the playout plays from;
///   one that fails leaves it.
public final class ClipFetcher {
    public let cache: ClipCache
    public let bytesPerSecond: Int
    /// The verified clips in memory, for the playout.
    public let held: HeldClips
    /// The stream key and audience the last offer was checked against: a clip made whole is checked against them.
    private var streamKey: [UInt8] = []
    private var audience = PacketAudience(group: 0, port: 0, commune: 0)
    /// Offered items not yet whole (a handful: arrays, not dictionaries, for the firmware).
    private var wanted: [ClipManifest] = []
    /// Items held whole and verified.
    private var ready: [UInt64] = []
    /// Chunks of the current download that came ahead of a gap.
    private var early: [(offset: Int, bytes: [UInt8])] = []
    private var earlyItem: UInt64 = 0
    /// When the next request may go (monotonic ns).
    private var nextRequest: UInt64 = 0
    /// Offers refused (bad signature, other audience, malformed) and chunks dropped (not offered, out of range).
    public private(set) var refusedOffers = 0
    public private(set) var droppedChunks = 0

    /// Fetches into `cache` at `bytesPerSecond`, keeping at most `memoryBytes` of verified clips in `held`.
    public init(cache: ClipCache, bytesPerSecond: Int, memoryBytes: Int = 16 * 1_048_576) {
        self.cache = cache
        self.bytesPerSecond = max(bytesPerSecond, FleetMessage.clipChunkBytes)
        held = HeldClips(limitBytes: memoryBytes)
        ready = cache.held()
    }

    /// Checks every clip held against the stream key in force (a revoked key invalidates what it signed; an altered
    /// file fails its digest): those that fail are removed, to be fetched again when offered. Returns how many.
    @discardableResult
    public func verifyHeld(streamKey: [UInt8], audience: PacketAudience) -> Int {
        self.streamKey = streamKey
        self.audience = audience
        var removed = 0
        for item in cache.held() {
            if let bytes = cache.clip(item, streamKey: streamKey, audience: audience) {
                held.keep(item, bytes: bytes)
            } else {
                Log.info("clip of item " + String(item) + " held ahead fails its check: removed, to be fetched again")
                removed += 1
            }
        }
        ready = cache.held()
        held.keepOnly(ready)
        return removed
    }

    /// Takes an offer: the signed manifest of a clip the box's zone will air.
    public func offered(_ signed: [UInt8], streamKey: [UInt8], audience: PacketAudience) {
        let manifest: ClipManifest
        do throws(ClipCache.Refusal) {
            manifest = try cache.offer(signed, streamKey: streamKey, audience: audience)
        } catch {
            refusedOffers += 1
            return
        }
        self.streamKey = streamKey
        self.audience = audience
        guard !ready.contains(manifest.item), manifestWanted(manifest.item) == nil else { return }
        wanted.append(manifest)
        let have = cache.resumeOffset(manifest.item)
        Log.info(
            "clip of item " + String(manifest.item) + " offered ahead (" + String(manifest.byteCount) + " bytes)"
                + (have > 0 ? ": resuming at byte " + String(have) : ""))
        // Whole already (fetched before the offer was repeated): check it at once.
        if have >= Int(manifest.byteCount) { complete(manifest) }
    }

    /// Takes a chunk of `item`'s clip that starts at `offset`.
    public func received(item: UInt64, offset: Int, bytes: [UInt8], now: UInt64) {
        guard let manifest = manifestWanted(item), offset >= 0, offset + bytes.count <= Int(manifest.byteCount) else {
            droppedChunks += 1
            return
        }
        if earlyItem != item {
            early = []
            earlyItem = item
        }
        var have = cache.resumeOffset(item)
        guard offset >= have, !early.contains(where: { $0.offset == offset }) else { return }  // a repeat
        early.append((offset, bytes))
        while let index = early.firstIndex(where: { $0.offset == have }) {
            let next = early.remove(at: index).bytes
            do throws(ClipCache.Refusal) {
                try cache.append(item, offset: have, bytes: next, manifest: manifest)
            } catch {
                droppedChunks += 1
                early = []
                return
            }
            have += next.count
        }
        if have >= Int(manifest.byteCount) {
            complete(manifest)
            nextRequest = now
        } else if early.isEmpty {
            // The run asked for came whole: the next may go as soon as the rate allows.
            nextRequest = min(nextRequest, now + pause(for: 1))
        }
    }

    /// What to ask the controller for at `now`: the item, the offset and how many chunks; nil if nothing (or not
    /// yet: `nextRequest`). `onAir` is the item the stream is playing, if any. Asking schedules the next request.
    public func request(now: UInt64, onAir: UInt64? = nil) -> (item: UInt64, offset: UInt32, chunks: UInt8)? {
        guard now >= nextRequest,
            let manifest = wanted.first(where: { $0.item == onAir }) ?? wanted.min(by: { $0.item < $1.item })
        else { return nil }
        let item = manifest.item
        let have = cache.resumeOffset(item)
        let total = Int(manifest.byteCount)
        guard have < total else {
            complete(manifest)
            return nil
        }
        if earlyItem != item { early = [] }
        // The run from `have` up to the first chunk already here, or the most one request asks.
        let chunk = FleetMessage.clipChunkBytes
        var chunks = 0
        var offset = have
        while chunks < Int(FleetMessage.maximumChunksAsked), offset < total,
            !early.contains(where: { $0.offset == offset })
        {
            chunks += 1
            offset += chunk
        }
        chunks = max(chunks, 1)
        nextRequest = now + pause(for: chunks)
        return (item, UInt32(have), UInt8(chunks))
    }

    /// The monotonic time of the next request; nil with nothing to fetch.
    public var nextRequestTime: UInt64? { wanted.isEmpty ? nil : nextRequest }

    /// For heartbeats: each item held whole (100) and each being fetched (how much, in percent), lowest first.
    public func report() -> [HeldClip] {
        var clips: [HeldClip] = []
        for item in ready { clips.append(HeldClip(item: item, percent: 100)) }
        for manifest in wanted {
            let have = cache.resumeOffset(manifest.item)
            let total = max(Int(manifest.byteCount), 1)
            clips.append(HeldClip(item: manifest.item, percent: UInt8(min(have * 100 / total, 99))))
        }
        clips.sort { $0.item < $1.item }
        // The newest first if there are too many: they are the ones still to air.
        return Array(clips.suffix(Heartbeat.maximumClips))
    }

    /// Forgets what the controller no longer offers or airs, keeping the cache within its limit: items not in
    /// `needed` may be evicted, oldest first.
    public func evict(keeping needed: [UInt64]) {
        for item in cache.evict(keeping: { needed.contains($0) }) {
            wanted.removeAll { $0.item == item }
            held.forget(item)
            Log.info("clip of item " + String(item) + " evicted from the cache")
        }
        ready = cache.held()
    }

    private func complete(_ manifest: ClipManifest) {
        wanted.removeAll { $0.item == manifest.item }
        early = []
        switch cache.finish(manifest.item, manifest: manifest) {
        case .ready:
            Log.info("clip of item " + String(manifest.item) + " held ahead: whole and verified")
            if let bytes = cache.clip(manifest.item, streamKey: streamKey, audience: audience) {
                held.keep(manifest.item, bytes: bytes)
            }
        case .corrupt:
            Log.info(
                "clip of item " + String(manifest.item) + " fetched ahead does not match its manifest: fetched again")
            wanted.append(manifest)
        case .incomplete:
            wanted.append(manifest)
        }
        ready = cache.held()
    }

    private func manifestWanted(_ item: UInt64) -> ClipManifest? { wanted.first { $0.item == item } }

    /// The time `chunks` chunks take at `bytesPerSecond` (ns).
    private func pause(for chunks: Int) -> UInt64 {
        UInt64(chunks * FleetMessage.clipChunkBytes) * 1_000_000_000 / UInt64(bytesPerSecond)
    }
}
