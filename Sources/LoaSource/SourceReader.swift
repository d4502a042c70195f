import Foundation
import LoaCodec
import LoaSystem
import Synchronization

/// One source of a relay (a station's URL), read on its own thread for as long as the relay lasts: opened,
/// decoded into a buffer, reopened after a failure (half a second later) or when it stops giving audio (after
/// `stallMilliseconds`). `RelaySource` takes one frame at a time from the buffer.
///
/// Contract:
/// - Taking starts once `startMilliseconds` are buffered and pauses again when the buffer runs dry, so a
///   source that stutters gives whole stretches, not crumbs.
/// - The buffer holds at most `leadMilliseconds` (the oldest audio is dropped): a burst on connecting (Icecast
///   sends seconds at once) does not delay the relay, and a source whose clock runs faster than the controller's
///   does not grow it. An HLS source, whose audio comes a segment at a time, may lead by `segmentLeadMilliseconds`.
/// - Every failure is reported through `log` once until the source gives audio again.
final class SourceReader: @unchecked Sendable {
    let url: String
    private struct Buffer {
        var samples: [Float]
        var start = 0
        var count = 0
        var taking = false
        var lead: Int
    }
    private let buffer: Mutex<Buffer>
    private let decoder = Mutex<StreamDecoder?>(nil)
    private let stopping = Atomic<Bool>(false)
    /// Monotonic nanoseconds of the last samples decoded (or of the last open), for the stall rule.
    private let lastAudio = Atomic<UInt64>(0)
    /// Monotonic nanoseconds of the last samples decoded (0: none yet), and whether the source is segmented (HLS).
    private let lastDecoded = Atomic<UInt64>(0)
    private let segmented = Atomic<Bool>(false)
    private let startSamples: Int
    private let normalLead: Int
    private let segmentLead: Int
    private let stallNanoseconds: UInt64
    private let timeoutMilliseconds: Int

    init(
        url: String, startMilliseconds: Int = 400, leadMilliseconds: Int = 1500, segmentLeadMilliseconds: Int = 20_000,
        stallMilliseconds: Int = 4000, timeoutMilliseconds: Int = 3000
    ) {
        self.url = url
        startSamples = startMilliseconds * OpusFormat.sampleRate / 1000
        normalLead = leadMilliseconds * OpusFormat.sampleRate / 1000
        segmentLead = segmentLeadMilliseconds * OpusFormat.sampleRate / 1000
        stallNanoseconds = UInt64(stallMilliseconds) * 1_000_000
        self.timeoutMilliseconds = timeoutMilliseconds
        buffer = Mutex(Buffer(samples: Array(repeating: 0, count: segmentLead + 8192), lead: normalLead))
    }

    /// Starts the reading thread.
    func start(log: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in run(log: log) }
        thread.name = "loa-relay-read"
        thread.start()
    }

    /// Ends the reading thread (a blocked read is aborted).
    func stop() {
        stopping.store(true, ordering: .releasing)
        decoder.withLock { $0?.abort() }
    }

    /// Copies the next `frame.count` samples into `frame`; false if there are not enough (buffering).
    func take(into frame: UnsafeMutableBufferPointer<Float>) -> Bool {
        buffer.withLock { buffer in
            if !buffer.taking {
                guard buffer.count >= max(startSamples, frame.count) else { return false }
                buffer.taking = true
            }
            guard buffer.count >= frame.count else {
                buffer.taking = false
                return false
            }
            let capacity = buffer.samples.count
            for index in 0..<frame.count { frame[index] = buffer.samples[(buffer.start + index) % capacity] }
            buffer.start = (buffer.start + frame.count) % capacity
            buffer.count -= frame.count
            return true
        }
    }

    /// How long (ms) the decoder has given nothing new at `now`: nil before its first audio, and for a source whose
    /// audio comes a segment at a time (HLS), whose pauses between segments are normal.
    func quietMilliseconds(now: UInt64) -> Int? {
        let last = lastDecoded.load(ordering: .relaxed)
        guard last != 0, !segmented.load(ordering: .relaxed) else { return nil }
        return now > last ? Int((now - last) / 1_000_000) : 0
    }

    /// Aborts the open source if it has given no audio for the stall time: the thread then reopens it.
    func restartIfStalled(now: UInt64) {
        let last = lastAudio.load(ordering: .relaxed)
        guard last != 0, now > last + stallNanoseconds else { return }
        decoder.withLock { $0?.abort() }
    }

    private func run(log: @Sendable (String) -> Void) {
        var reported: String?
        var block = [Float](repeating: 0, count: 4096)
        while !stopping.load(ordering: .acquiring) {
            do throws(StreamError) {
                let opened = try StreamDecoder(url: url, timeoutMilliseconds: timeoutMilliseconds)
                decoder.withLock { $0 = opened }
                defer { decoder.withLock { $0 = nil } }
                if stopping.load(ordering: .acquiring) { break }
                lastAudio.store(MonotonicClock.now(), ordering: .relaxed)
                let lead = opened.format.hasPrefix("hls") ? segmentLead : normalLead
                buffer.withLock { $0.lead = lead }
                segmented.store(lead == segmentLead, ordering: .relaxed)
                while !stopping.load(ordering: .acquiring) {
                    let count = try block.withUnsafeMutableBufferPointer { samples throws(StreamError) in
                        try opened.read(into: samples)
                    }
                    guard count > 0 else { throw StreamError("\(url): the stream ended") }
                    lastAudio.store(MonotonicClock.now(), ordering: .relaxed)
                    lastDecoded.store(MonotonicClock.now(), ordering: .relaxed)
                    if reported != nil {
                        log("relay source \(url) gives audio again (\(opened.format))")
                        reported = nil
                    }
                    push(block[0..<count])
                }
            } catch {
                lastAudio.store(0, ordering: .relaxed)
                if !stopping.load(ordering: .acquiring), reported != error.message {
                    log("relay source: \(error.message)")
                    reported = error.message
                }
            }
            // Half a second between attempts, woken early by stop().
            let retry = MonotonicClock.now() + 500_000_000
            while !stopping.load(ordering: .acquiring), MonotonicClock.now() < retry {
                MonotonicClock.sleep(until: min(retry, MonotonicClock.now() + 50_000_000))
            }
        }
    }

    private func push(_ samples: ArraySlice<Float>) {
        buffer.withLock { buffer in
            let capacity = buffer.samples.count
            for sample in samples {
                buffer.samples[(buffer.start + buffer.count) % capacity] = sample
                if buffer.count == capacity {
                    buffer.start = (buffer.start + 1) % capacity
                } else {
                    buffer.count += 1
                }
            }
            if buffer.count > buffer.lead {
                // Keep half the lead: the next burst has room before it is trimmed again.
                let drop = buffer.count - buffer.lead / 2
                buffer.start = (buffer.start + drop) % capacity
                buffer.count -= drop
            }
        }
    }
}
