import CLoaAudio

/// Why a live input cannot be read: one line with ALSA's detail and what to do.
public struct CaptureError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A sound input: an ALSA capture device read in whole blocks of S16_LE interleaved frames (the controller's live
/// inputs, `inputs:` in its configuration). Not thread-safe: one reader, the live source's thread.
public final class CaptureDevice {
    public let device: String
    public let rate: Int
    public let channels: Int
    /// True when a sound card stands behind the device, whose clock paces reads; false for one without (a `file`
    /// PCM reading an `infile`), which answers at once and which `LiveSource` paces by the monotonic clock.
    public let hasCard: Bool
    /// Capture overruns recovered from (the reader fell behind the card).
    public private(set) var overruns: UInt32 = 0
    private let handle: OpaquePointer

    /// Opens `device` at `rate` Hz with `channels` channels, read in periods of about `periodMicroseconds`, with a
    /// buffer of about `bufferMicroseconds` (what a late reader has before an overrun). Throws the reason, ALSA's
    /// words included.
    public init(
        device: String, rate: Int, channels: Int, periodMicroseconds: Int = 10_000, bufferMicroseconds: Int = 60_000
    ) throws(CaptureError) {
        var opened: OpaquePointer?
        let code = loa_capture_open(
            &opened, device, UInt32(rate), UInt32(channels), UInt32(periodMicroseconds),
            UInt32(bufferMicroseconds))
        guard code == 0, let opened else {
            var detail = String(cString: loa_pcm_strerror(code))
            var buffer = [CChar](repeating: 0, count: 256)
            if loa_alsa_take_message(&buffer, buffer.count) > 0 {
                detail +=
                    " (" + String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    + ")"
            }
            throw CaptureError(
                "cannot open the input device '\(device)' at \(rate) Hz with \(channels) channel(s): \(detail); "
                    + "check the 'inputs:' section of the controller's configuration (arecord -L lists devices)")
        }
        handle = opened
        self.device = device
        self.rate = rate
        self.channels = channels
        hasCard = loa_capture_has_card(opened) != 0
    }

    deinit { loa_capture_close(handle) }

    /// Reads `frames` frames into `samples` (at least `frames × channels` long), blocking. Returns the frames read:
    /// fewer than asked only at the end of a file input. Throws if the device failed.
    public func read(into samples: UnsafeMutableBufferPointer<Int16>, frames: Int) throws(CaptureError) -> Int {
        precondition(samples.count >= frames * channels)
        let read = loa_capture_read(handle, samples.baseAddress, UInt(frames), &overruns)
        guard read >= 0 else {
            throw CaptureError(
                "the input device '\(device)' failed: \(String(cString: loa_pcm_strerror(Int32(read))))")
        }
        return read
    }
}
