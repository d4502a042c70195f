import CLoaStream
import LoaCodec

/// Why a stream or a compressed file cannot be read: one line with FFmpeg's detail.
public struct StreamError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A sound source read through FFmpeg's libraries (`libavformat`, `libavcodec`, `libswresample`): a radio station
/// over HTTP, Icecast/Shoutcast (MP3, AAC) or HLS, or a file (AAC/M4A included), decoded to 48 kHz mono float at
/// full scale ±1.
///
/// Contract: one thread opens and reads; `abort()` may be called from any other thread and makes a blocked read
/// return at once with an error. Every network wait gives up after `timeoutMilliseconds` without progress.
public final class StreamDecoder: @unchecked Sendable {
    public let url: String
    /// The source's container and codec as FFmpeg names them ("mp3 / mp3", "hls / aac").
    public let format: String
    private let handle: OpaquePointer
    private var error = [CChar](repeating: 0, count: 256)

    /// Opens `url` and its first audio stream; throws the reason in one line.
    public init(url: String, timeoutMilliseconds: Int = 3000) throws(StreamError) {
        guard let handle = loa_stream_create() else { throw StreamError("out of memory") }
        var error = [CChar](repeating: 0, count: 256)
        guard loa_stream_open(handle, url, Int32(timeoutMilliseconds), &error, error.count) == 0 else {
            loa_stream_destroy(handle)
            throw StreamError("\(url): \(Self.text(error))")
        }
        self.handle = handle
        self.url = url
        format = String(cString: loa_stream_format(handle))
    }

    deinit { loa_stream_destroy(handle) }

    /// Decodes up to `samples.count` samples; returns how many (0: the source ended). Throws when the source fails,
    /// nothing came within the timeout, or `abort()` was called.
    public func read(into samples: UnsafeMutableBufferPointer<Float>) throws(StreamError) -> Int {
        let count = loa_stream_read(handle, samples.baseAddress, Int32(samples.count), &error, error.count)
        guard count >= 0 else { throw StreamError("\(url): \(Self.text(error))") }
        return Int(count)
    }

    /// Makes a blocked or later `read` throw at once (from any thread).
    public func abort() { loa_stream_abort(handle) }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
