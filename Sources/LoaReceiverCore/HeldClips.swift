import LoaWire

/// The clips a box holds ahead of their airtime, verified and in memory, for the playout to play from (issue 15,
/// `docs/delivery.md`): what `ClipFetcher` puts here has passed `ClipCache.clip` (the manifest's signature by the
/// stream key in force, for this box's audience, and the bytes' SHA-256) and reads as a `ClipImage`.
///
/// Contract:
/// - Nothing touches the disk here: the files are read when a clip becomes whole or is checked again (at start,
///   when the key list changes), never at airtime.
/// - At most `limitBytes` are kept: the lowest items (the soonest to air) first; one that does not fit is played
///   from the stream alone.
/// - `withFrame` hands out a frame without copying or allocating.
public final class HeldClips {
    public let limitBytes: Int
    /// A handful of items: an array, not a dictionary, for the firmware.
    private var clips: [(item: UInt64, image: ClipImage)] = []

    public init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// Keeps `bytes` as `item`'s clip if they read as a clip image and fit; returns whether they were kept.
    @discardableResult
    public func keep(_ item: UInt64, bytes: [UInt8]) -> Bool {
        guard let image = try? ClipImage(bytes) else { return false }
        forget(item)
        clips.append((item, image))
        clips.sort { $0.item < $1.item }
        var used = 0
        var kept: [(item: UInt64, image: ClipImage)] = []
        for clip in clips where used + clip.image.bytes.count <= limitBytes {
            used += clip.image.bytes.count
            kept.append(clip)
        }
        clips = kept
        return holds(item)
    }

    /// Drops `item`'s clip.
    public func forget(_ item: UInt64) { clips.removeAll { $0.item == item } }

    /// Drops every clip not in `items`.
    public func keepOnly(_ items: [UInt64]) { clips.removeAll { !items.contains($0.item) } }

    public func holds(_ item: UInt64) -> Bool { clips.contains { $0.item == item } }

    /// The items held, lowest first.
    public var items: [UInt64] { clips.map { $0.item } }

    /// How many frames `item`'s clip has; nil if it is not held.
    public func frameCount(_ item: UInt64) -> Int? {
        for clip in clips where clip.item == item { return clip.image.frameCount }
        return nil
    }

    /// How long `item`'s clip plays (ms); nil if it is not held.
    public func milliseconds(_ item: UInt64) -> Int? {
        for clip in clips where clip.item == item { return clip.image.frameCount * clip.image.frameMilliseconds }
        return nil
    }

    /// Calls `body` with frame `index` of `item`'s clip; nil if the clip or the frame is not held.
    public func withFrame<R>(_ item: UInt64, _ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        for clip in clips where clip.item == item { return clip.image.withFrame(index, body) }
        return nil
    }
}
