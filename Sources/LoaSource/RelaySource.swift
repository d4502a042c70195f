import Foundation
import LoaCodec
import LoaSystem
import Synchronization

/// A radio station relayed on the air: its sources (the primary, then backups) are read and decoded each on its
/// own thread (`SourceReader`), and one thread takes a frame from each per frame period on the monotonic clock,
/// judges them (`RelaySelection`), and encodes the chosen one (or the fallback clip, or silence) through the
/// automatic level into a `LiveFeed`, until the window ends or `stop()`.
///
/// Contract:
/// - Health is judged on decoded audio, never on the socket: a connected source that sends nothing or silence
///   fails as a dead one does. Every switch is reported through `onSwitch` (and `log`).
/// - Every source is read for the whole relay, so a backup is warm when it is needed and the primary's
///   recovery is seen while a backup airs.
/// - The relay never airs past `endsAt` (monotonic nanoseconds): the feed ends there.
/// - While the source on the air gives nothing (up to the failing limit), silence is encoded, so the boxes keep
///   time and hear no noise.
public final class RelaySource: Sendable {
    public let feed: LiveFeed
    public let sources: [String]
    private let readers: [SourceReader]
    private let stopping = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    private let reason = Mutex<String?>(nil)
    private let airing = Mutex<RelaySelection.Choice>(.source(0))

    private init(feed: LiveFeed, sources: [String]) {
        self.feed = feed
        self.sources = sources
        readers = sources.map { SourceReader(url: $0) }
    }

    /// Starts relaying `sources` (primary first) with `encoder`, until `endsAt`; `fallback` is 48 kHz mono audio
    /// played (looped) when no source is healthy. `log` and `onSwitch` are called from the relay's threads.
    public static func start(
        sources: [String], fallback: [Float]?, endsAt: UInt64, encoder settings: EncoderSettings,
        loudness: LoudnessTarget?, rules: RelaySelection.Rules = RelaySelection.Rules(),
        log: @escaping @Sendable (String) -> Void, onSwitch: @escaping @Sendable (String) -> Void
    ) throws(StreamError) -> RelaySource {
        guard !sources.isEmpty else { throw StreamError("a relay needs at least one source") }
        let encoder: OpusEncoder
        do { encoder = try OpusEncoder(settings: settings) } catch {
            throw StreamError("cannot make the Opus encoder for the relay: \(error)")
        }
        let level: LiveLevel?
        do { level = try loudness.map { target throws(ClipError) in try LiveLevel(target: target) } } catch {
            throw StreamError("cannot measure the relay's loudness: \(error.message)")
        }
        let source = RelaySource(
            feed: LiveFeed(frameMilliseconds: settings.frameMilliseconds, bitrate: max(settings.bitrate, 8_000)),
            sources: sources)
        for reader in source.readers { reader.start(log: log) }
        let tail = LiveEncoder(encoder: encoder, level: level, feed: source.feed)
        let thread = Thread {
            source.run(
                tail: tail, frameMilliseconds: settings.frameMilliseconds, fallback: fallback ?? [], endsAt: endsAt,
                rules: rules, log: log, onSwitch: onSwitch)
        }
        thread.name = "loa-relay"
        thread.start()
        return source
    }

    /// Asks the relay to end: the feed ends within a frame.
    public func stop() { stopping.store(true, ordering: .releasing) }

    public var hasEnded: Bool { ended.load(ordering: .acquiring) }
    /// Why the relay ended by itself (its window closed); nil while it runs or if stopped.
    public var endReason: String? { reason.withLock { $0 } }
    /// What airs now: a source's URL, or "fallback".
    public var onAir: String {
        switch airing.withLock({ $0 }) {
        case .source(let index): sources[index]
        case .fallback: "fallback"
        }
    }

    private func run(
        tail: LiveEncoder, frameMilliseconds: Int, fallback: [Float], endsAt: UInt64, rules: RelaySelection.Rules,
        log: @Sendable (String) -> Void, onSwitch: @Sendable (String) -> Void
    ) {
        let frameSamples = frameMilliseconds * OpusFormat.sampleRate / 1000
        let frames = readers.map { _ in UnsafeMutableBufferPointer<Float>.allocate(capacity: frameSamples) }
        let silence = UnsafeMutableBufferPointer<Float>.allocate(capacity: frameSamples)
        silence.initialize(repeating: 0)
        let fallbackFrame = UnsafeMutableBufferPointer<Float>.allocate(capacity: frameSamples)
        fallbackFrame.initialize(repeating: 0)
        defer {
            for frame in frames { frame.deallocate() }
            silence.deallocate()
            fallbackFrame.deallocate()
        }
        var gave = Array(repeating: false, count: readers.count)
        var selection = RelaySelection(sources: readers.count, rules: rules)
        var fallbackPosition = 0
        let period = UInt64(frameMilliseconds) * 1_000_000
        var next = MonotonicClock.now()
        var closed = false
        while !stopping.load(ordering: .acquiring) {
            let now = MonotonicClock.now()
            if now >= endsAt {
                closed = true
                break
            }
            for (index, reader) in readers.enumerated() {
                gave[index] = reader.take(into: frames[index])
                selection.observe(
                    index, level: gave[index] ? Self.level(frames[index]) : nil, milliseconds: frameMilliseconds,
                    quietMilliseconds: reader.quietMilliseconds(now: now))
                reader.restartIfStalled(now: now)
            }
            if let choice = selection.decide(after: frameMilliseconds) {
                airing.withLock { $0 = choice }
                let line: String
                switch choice {
                case .source(let index):
                    line = "relay: now airing \(index == 0 ? "the primary" : "backup \(index)") \(sources[index])"
                case .fallback:
                    fallbackPosition = 0
                    line =
                        "relay: no source gives audio (\(sources.joined(separator: ", "))); airing "
                        + (fallback.isEmpty ? "silence (no fallback clip)" : "the fallback clip")
                }
                log(line)
                onSwitch(line)
            }
            switch selection.choice {
            case .source(let index):
                tail.take(UnsafeBufferPointer(gave[index] ? frames[index] : silence))
            case .fallback where !fallback.isEmpty:
                fallback.withUnsafeBufferPointer { clip in
                    for index in 0..<frameSamples {
                        fallbackFrame[index] = clip[fallbackPosition]
                        fallbackPosition = (fallbackPosition + 1) % clip.count
                    }
                }
                tail.take(UnsafeBufferPointer(fallbackFrame))
            case .fallback:
                tail.take(UnsafeBufferPointer(silence))
            }
            next += period
            // A thread held up for more than a few frames starts again from now rather than racing to catch up.
            if MonotonicClock.now() > next + 5 * period { next = MonotonicClock.now() }
            MonotonicClock.sleep(until: next)
        }
        for reader in readers { reader.stop() }
        feed.end()
        if closed { reason.withLock { $0 = "its window ended" } }
        ended.store(true, ordering: .releasing)
        log(closed ? "relay ended: its window closed" : "relay stopped")
    }

    /// RMS level of `frame` in dBFS (−200 for digital silence).
    static func level(_ frame: UnsafeMutableBufferPointer<Float>) -> Double {
        var sum = 0.0
        for sample in frame { sum += Double(sample) * Double(sample) }
        let mean = sum / Double(max(frame.count, 1))
        return mean > 0 ? 10 * log10(mean) : -200
    }
}
