import Foundation
import LoaCodec
import LoaSystem
import Synchronization

/// One live input on the air: its own thread reads the capture device, mixes it to mono, brings it to 48 kHz,
/// encodes each frame with Opus and appends it to a `LiveFeed`, until `stop()` or the end of the input.
///
/// Contract:
/// - The device is opened by `start`, so a wrong device is refused before anything is queued, and read half a frame
///   at a time, so that a frame is encoded as soon as its last sample (and the limiter's look-ahead) is captured.
/// - With a `loudness` target, a slow automatic gain brings the input towards it and a true-peak limiter keeps it
///   under the ceiling (`LiveLevel`; 5 ms of look-ahead); without, the input airs at its own level.
/// - A device with a sound card behind it paces the reads; one without (a `file` PCM reading an `infile`) is read
///   one period (half a frame) per period on the monotonic clock, so a file input plays in real time.
/// - After the first frame the thread allocates nothing per frame (buffers are made at start; the feed's recording
///   has room reserved); it runs at real-time priority where the system allows it.
/// - The feed ends when the source ends, for whatever reason; `endReason` then says why (nil: stopped).
public final class LiveSource: Sendable {
    public let feed: LiveFeed
    public let input: String
    private let stopping = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    private let reason = Mutex<String?>(nil)
    private let overrunCount = Atomic<UInt32>(0)

    private init(feed: LiveFeed, input: String) {
        self.feed = feed
        self.input = input
    }

    /// Opens `device` and starts encoding it with `encoder` into a new feed. `log` hears the source's one-line
    /// reports (its end, its overruns); it is called from the source's thread.
    public static func start(
        input: String, device: String, rate: Int, channels: Int, encoder settings: EncoderSettings,
        loudness: LoudnessTarget? = nil, log: @escaping @Sendable (String) -> Void
    ) throws(CaptureError) -> LiveSource {
        let encoder: OpusEncoder
        let resampler: Resampler
        do { encoder = try OpusEncoder(settings: settings) } catch {
            throw CaptureError("cannot make the Opus encoder for input '\(input)': \(error)")
        }
        do { resampler = try Resampler(inputRate: rate, outputRate: OpusFormat.sampleRate) } catch {
            throw CaptureError("cannot resample input '\(input)' from \(rate) Hz: \(error.message)")
        }
        let level: LiveLevel?
        do { level = try loudness.map { target throws(ClipError) in try LiveLevel(target: target) } } catch {
            throw CaptureError("cannot measure the loudness of input '\(input)': \(error.message)")
        }
        // Opened last, just before its reader starts: what the device captures meanwhile would stay queued ahead of
        // the reader, a delay the broadcast would keep to its end. Read half a frame at a time (a buffer of four
        // frames): the limiter's 5 ms look-ahead then waits for half a frame, not a whole one, before a frame ends.
        let capture = try CaptureDevice(
            device: device, rate: rate, channels: channels, periodMicroseconds: settings.frameMilliseconds * 500,
            bufferMicroseconds: settings.frameMilliseconds * 4000)
        let source = LiveSource(
            feed: LiveFeed(frameMilliseconds: settings.frameMilliseconds, bitrate: max(settings.bitrate, 8_000)),
            input: input)
        let worker = Worker(
            capture: capture, resampler: resampler,
            tail: LiveEncoder(encoder: encoder, level: level, feed: source.feed),
            frameMilliseconds: settings.frameMilliseconds)
        let thread = Thread { source.run(worker, log: log) }
        thread.name = "loa-live-\(input)"
        thread.start()
        return source
    }

    /// Asks the source to end: its thread ends the feed within a frame (or as soon as a blocked read returns).
    public func stop() { stopping.store(true, ordering: .releasing) }

    /// True once the thread has ended the feed.
    public var hasEnded: Bool { ended.load(ordering: .acquiring) }
    /// Why the source ended by itself (the device failed, the input ended); nil while it runs or if stopped.
    public var endReason: String? { reason.withLock { $0 } }
    /// Capture overruns so far (the thread fell behind the card: audio was lost).
    public var overruns: UInt32 { overrunCount.load(ordering: .relaxed) }

    /// What the thread owns: the device, the resampler, its buffers and the encoding tail.
    private final class Worker: @unchecked Sendable {
        let capture: CaptureDevice
        let resampler: Resampler
        let tail: LiveEncoder
        /// One period of the device (interleaved) and the same period in mono float.
        let interleaved: UnsafeMutableBufferPointer<Int16>
        let mono: UnsafeMutableBufferPointer<Float>
        let periodFrames: Int
        let frameMilliseconds: Int

        init(capture: CaptureDevice, resampler: Resampler, tail: LiveEncoder, frameMilliseconds: Int) {
            self.capture = capture
            self.resampler = resampler
            self.tail = tail
            self.frameMilliseconds = frameMilliseconds
            periodFrames = capture.rate * frameMilliseconds / 2000
            interleaved = .allocate(capacity: periodFrames * capture.channels)
            interleaved.initialize(repeating: 0)
            mono = .allocate(capacity: periodFrames)
            mono.initialize(repeating: 0)
        }

        deinit {
            interleaved.deallocate()
            mono.deallocate()
        }
    }

    private func run(_ worker: Worker, log: @Sendable (String) -> Void) {
        _ = RealTime.promoteCurrentThread()
        let period = UInt64(worker.periodFrames) * 1_000_000_000 / UInt64(worker.capture.rate)
        var next = MonotonicClock.now()
        var lastOverruns: UInt32 = 0
        var failure: String?
        while !stopping.load(ordering: .acquiring) {
            let read: Int
            do { read = try worker.capture.read(into: worker.interleaved, frames: worker.periodFrames) } catch {
                failure = error.message
                break
            }
            guard read > 0 else {
                failure = "the input '\(input)' ended"
                break
            }
            if !worker.capture.hasCard {
                next += period
                MonotonicClock.sleep(until: next)
            }
            if worker.capture.overruns != lastOverruns {
                lastOverruns = worker.capture.overruns
                overrunCount.store(lastOverruns, ordering: .relaxed)
                log("input '\(input)': capture overrun \(lastOverruns) (audio was lost; is the controller overloaded?)")
            }
            encode(read, worker)
        }
        feed.end()
        if let failure { reason.withLock { $0 = failure } }
        ended.store(true, ordering: .releasing)
        log(failure.map { "live input '\(input)' stopped: \($0)" } ?? "live input '\(input)' stopped")
    }

    /// Mixes `frames` frames to mono, resamples them and hands them to the encoding tail.
    private func encode(_ frames: Int, _ worker: Worker) {
        let channels = worker.capture.channels
        let scale = 1 / (32768 * Float(channels))
        for index in 0..<frames {
            var sum = 0
            for channel in 0..<channels { sum += Int(worker.interleaved[index * channels + channel]) }
            worker.mono[index] = Float(sum) * scale
        }
        try? worker.resampler.process(UnsafeBufferPointer(rebasing: worker.mono[0..<frames])) { block in
            worker.tail.take(block)
        }
    }
}
