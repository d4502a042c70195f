import LoaCodec
import LoaSystem
import Synchronization

/// The encoded frames of one live broadcast, as they come: written by its `LiveSource`'s thread, read by the pacer
/// threads of every zone that airs it, and kept whole as the broadcast's recording.
///
/// Contract: frames are numbered from 0 in the order appended and never change once appended; `frame(_:)` says
/// whether a frame is there, not there yet, or never will be (the feed ended before it). Appending and reading
/// take a short lock and allocate nothing while the recording fits the room reserved for it (an hour at 64 kbit/s
/// by default; beyond, the recording grows as an array does).
public final class LiveFeed: Sendable {
    /// Where a frame stands.
    public enum Availability: Equatable, Sendable {
        case ready
        case notYet
        case ended
    }

    private struct State {
        var clip: EncodedClip
        var ended = false
        var lastAppend: (index: Int, at: UInt64)?
    }

    private let state: Mutex<State>
    public let frameMilliseconds: Int

    public init(frameMilliseconds: Int, reservedMinutes: Int = 60, bitrate: Int = 64_000) {
        self.frameMilliseconds = frameMilliseconds
        var clip = EncodedClip(frameMilliseconds: frameMilliseconds)
        let frames = reservedMinutes * 60_000 / max(frameMilliseconds, 1)
        clip.reserve(frames: frames, bytesPerFrame: bitrate / 8 * frameMilliseconds / 1000 + 8)
        state = Mutex(State(clip: clip))
    }

    /// Adds the next encoded frame, encoded at monotonic instant `at` (ns; now unless told); ignored once the feed
    /// has ended.
    public func append(_ packet: UnsafeRawBufferPointer, at instant: UInt64 = MonotonicClock.now()) {
        state.withLock { state in
            guard !state.ended else { return }
            state.clip.append(packet)
            state.clip.sourceSamples = state.clip.frameCount * OpusFormat.samples(milliseconds: frameMilliseconds)
            state.lastAppend = (state.clip.frameCount - 1, instant)
        }
    }

    /// No frame will follow the ones appended.
    public func end() { state.withLock { $0.ended = true } }

    /// Frames appended so far.
    public var frameCount: Int { state.withLock { $0.clip.frameCount } }
    /// True once `end()` was called.
    public var hasEnded: Bool { state.withLock { $0.ended } }

    /// The last frame appended and when (monotonic ns); nil before the first. A source appends one frame per frame
    /// period, so this tells a reader when the next ones are to be expected.
    public var lastAppend: (index: Int, at: UInt64)? { state.withLock { $0.lastAppend } }

    /// Whether frame `index` is there.
    public func availability(of index: Int) -> Availability {
        state.withLock { state in
            index < state.clip.frameCount ? .ready : state.ended ? .ended : .notYet
        }
    }

    /// Calls `body` with the bytes of frame `index` if it is there (under the feed's lock: keep it short); nil if
    /// it is not.
    public func withFrame(_ index: Int, _ body: (UnsafeRawBufferPointer) -> Int) -> Int? {
        var result: Int?
        state.withLock { state in
            guard index >= 0, index < state.clip.frameCount else { return }
            result = state.clip.withPacket(index, body)
        }
        return result
    }

    /// Every frame so far: the broadcast's recording.
    public func recording() -> EncodedClip { state.withLock { $0.clip } }
}
