import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// The box's store of clips delivered ahead of their airtime, in a folder of its state directory: for item N,
/// `N.manifest` (the signed manifest), `N.part` (a download in progress, resumable) and `N.clip` (whole and
/// verified).
///
/// Contract:
/// - Only a manifest signed by the stream key in force, for this box's audience, is stored (`offer`); a clip is
///   written only under a stored manifest, in order (`append` at the current length), never beyond its
///   `byteCount`.
/// - A download survives a restart, and a power cut but for its last chunks: `resumeOffset` is what the disk
///   holds. Chunks are appended without a flush (the receiver's loop appends them while it plays, and a flush on
///   an SD card can take tens of milliseconds); `finish` checks the SHA-256 before the clip becomes usable, then
///   flushes it once. A torn or altered download is removed, to be fetched again.
/// - `clip(_:streamKey:audience:)` checks the manifest's signature against the key in force (a revoked stream
///   key invalidates what it signed) and the bytes' length and SHA-256 before every use; a clip that fails is
///   removed.
/// - Manifests are replaced atomically (`FileSystem.replace`), finished clips flushed and renamed into place
///   (`FileSystem.commit`): after a power cut the folder holds an old copy or a new one, never a torn `.clip`.
/// - `evict(keeping:)` removes whole items, oldest (lowest item id) first, among those not needed, until the
///   folder's clips take at most `limitBytes`.
public struct ClipCache {
    /// What `finish` found.
    public enum Completion: Equatable, Sendable {
        /// Whole and verified: it can play.
        case ready
        /// Not all bytes are there yet.
        case incomplete(have: Int, of: Int)
        /// The bytes do not match the manifest: removed, to be fetched again.
        case corrupt
    }

    /// Why a delivery step was refused.
    public enum Refusal: Error, Equatable, Sendable {
        case manifest(StreamKeySignature.Refusal)
        /// No stored manifest for this item.
        case unknownItem
        /// A chunk that does not start where the download stands, or that runs past the clip's length.
        case outOfOrder(expected: Int)
        /// The disk refused (full, read-only): the words of the system error.
        case disk(String)
    }

    public let folder: String
    public let limitBytes: Int
    /// The largest clip the cache takes (a 30-minute bulletin at 64 kbit/s is 15 MB).
    public static let largestClip = 32 * 1024 * 1024

    /// Opens (and makes, mode 0700) the cache at `folder`.
    public init(folder: String, limitBytes: Int) throws(SystemError) {
        try FileSystem.makeFolder(folder)
        self.folder = folder
        self.limitBytes = limitBytes
    }

    func path(_ item: UInt64, _ suffix: String) -> String { folder + "/" + String(item) + "." + suffix }

    /// Stores the signed manifest of a clip on offer, if it verifies; returns the manifest. An item already held
    /// whole under the same manifest stays; a different manifest for the item restarts its download.
    public func offer(_ signed: [UInt8], streamKey: [UInt8], audience: PacketAudience) throws(Refusal) -> ClipManifest {
        let manifest: ClipManifest
        do throws(StreamKeySignature.Refusal) {
            manifest = try StreamKeySignature.open(
                signed, as: ClipManifest.self, streamKey: streamKey, audience: audience)
        } catch { throw .manifest(error) }
        guard Int(manifest.byteCount) <= Self.largestClip else { throw .manifest(.malformed) }
        let manifestPath = path(manifest.item, "manifest")
        if let stored = try? FileSystem.readBytes(manifestPath, limit: 4096), stored == signed { return manifest }
        do throws(SystemError) {
            try FileSystem.remove(path(manifest.item, "clip"))
            try FileSystem.remove(path(manifest.item, "part"))
            try FileSystem.replace(manifestPath, with: signed, permissions: 0o600)
        } catch { throw .disk(error.message) }
        return manifest
    }

    /// Where the download of `item` stands: the bytes already on the disk (0 if none).
    public func resumeOffset(_ item: UInt64) -> Int {
        if let whole = FileSystem.size(path(item, "clip")) { return whole }
        return FileSystem.size(path(item, "part")) ?? 0
    }

    /// Appends a chunk of `item`'s clip that starts at `offset`.
    public func append(_ item: UInt64, offset: Int, bytes: [UInt8], manifest: ClipManifest) throws(Refusal) {
        guard manifest.item == item, FileSystem.size(path(item, "manifest")) != nil else { throw .unknownItem }
        let have = FileSystem.size(path(item, "part")) ?? 0
        guard offset == have, have + bytes.count <= Int(manifest.byteCount) else {
            throw .outOfOrder(expected: have)
        }
        do throws(SystemError) {
            try FileSystem.append(path(item, "part"), bytes: bytes)
        } catch { throw .disk(error.message) }
    }

    /// Checks a download that has all its bytes and makes it usable.
    public func finish(_ item: UInt64, manifest: ClipManifest) -> Completion {
        let partPath = path(item, "part")
        let have = FileSystem.size(partPath) ?? 0
        guard have >= Int(manifest.byteCount) else { return .incomplete(have: have, of: Int(manifest.byteCount)) }
        // Checked, then flushed and renamed into place (not written again): the one flush of the download.
        guard let bytes = try? FileSystem.readBytes(partPath, limit: Int(manifest.byteCount)),
            SHA256.hash(bytes) == manifest.digest, (try? FileSystem.commit(partPath, to: path(item, "clip"))) != nil
        else {
            try? FileSystem.remove(partPath)
            return .corrupt
        }
        try? FileSystem.remove(partPath)
        return .ready
    }

    /// The bytes of `item`'s clip (the `.loaclip` image) if it is held whole and still verifies against the stream
    /// key in force and `audience`; nil otherwise (a clip that fails is removed).
    public func clip(_ item: UInt64, streamKey: [UInt8], audience: PacketAudience) -> [UInt8]? {
        guard let signed = try? FileSystem.readBytes(path(item, "manifest"), limit: 4096) else { return nil }
        let manifest: ClipManifest
        do throws(StreamKeySignature.Refusal) {
            manifest = try StreamKeySignature.open(
                signed, as: ClipManifest.self, streamKey: streamKey, audience: audience)
        } catch {
            remove(item)
            return nil
        }
        guard FileSystem.size(path(item, "clip")) != nil else { return nil }
        guard let bytes = try? FileSystem.readBytes(path(item, "clip"), limit: Int(manifest.byteCount)),
            bytes.count == Int(manifest.byteCount), SHA256.hash(bytes) == manifest.digest
        else {
            remove(item)
            return nil
        }
        return bytes
    }

    /// The items held whole, in id order (what the box reports in its heartbeats).
    public func held() -> [UInt64] {
        let names = (try? FileSystem.names(in: folder)) ?? []
        var items: [UInt64] = []
        for name in names where name.hasSuffix(".clip") {
            if let item = UInt64(String(name.dropLast(5))) { items.append(item) }
        }
        return items.sorted()
    }

    /// The bytes the cache's clips and downloads take.
    public func usedBytes() -> Int {
        var total = 0
        for name in (try? FileSystem.names(in: folder)) ?? [] where name.hasSuffix(".clip") || name.hasSuffix(".part") {
            total += FileSystem.size(folder + "/" + name) ?? 0
        }
        return total
    }

    /// Removes whole items, lowest id first, among those `needed` says no to, until at most `limitBytes` are used.
    /// Returns the items removed.
    @discardableResult
    public func evict(keeping needed: (UInt64) -> Bool) -> [UInt64] {
        var removed: [UInt64] = []
        var used = usedBytes()
        guard used > limitBytes else { return [] }
        var items: [UInt64] = []
        for name in (try? FileSystem.names(in: folder)) ?? [] where name.hasSuffix(".manifest") {
            if let item = UInt64(String(name.dropLast(9))) { items.append(item) }
        }
        for item in items.sorted() where used > limitBytes && !needed(item) {
            used -= resumeOffset(item)
            remove(item)
            removed.append(item)
        }
        return removed
    }

    /// Forgets `item` entirely.
    public func remove(_ item: UInt64) {
        for suffix in ["clip", "part", "manifest"] { try? FileSystem.remove(path(item, suffix)) }
    }
}
