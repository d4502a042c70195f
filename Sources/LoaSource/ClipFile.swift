import LoaCodec

/// A clip's sound file, read as mono float: through libsndfile where it reads the file (WAV, FLAC, Ogg
/// Vorbis/Opus, MP3), else through FFmpeg's libraries (`StreamDecoder`: AAC/M4A, what phones and Zalo voice
/// messages make, and the other formats FFmpeg reads). The one way a clip is read: for encoding, for its loudness,
/// and for checking it before it is stored.
///
/// Contract: opening refuses what neither reads (`.notAudio`, with libsndfile's detail) and a file without a sample
/// (`.empty`); libsndfile's files are checked against the length their header announces (`.truncated`); FFmpeg's
/// are read as far as they decode.
public final class ClipFile {
    private enum Reader {
        case soundFile(AudioFile)
        case ffmpeg(StreamDecoder, first: [Float])
    }

    private var reader: Reader
    /// Samples per second delivered by `read` (FFmpeg's files come at 48 kHz).
    public let sampleRate: Int
    /// Channels in the file as stored (1 for FFmpeg's files, which are mixed down as they are decoded).
    public let channels: Int

    public init(path: String) throws(ClipError) {
        do {
            let file = try AudioFile(path: path)
            reader = .soundFile(file)
            sampleRate = file.sampleRate
            channels = file.channels
        } catch .notAudio(let detail) {
            // "file:" keeps FFmpeg from reading a path with a colon as another protocol.
            guard let decoder = try? StreamDecoder(url: "file:" + path) else { throw .notAudio(detail: detail) }
            var first = [Float](repeating: 0, count: 4096)
            let count: Int
            do {
                count = try first.withUnsafeMutableBufferPointer { buffer throws(StreamError) in
                    try decoder.read(into: buffer)
                }
            } catch { throw .notAudio(detail: error.message) }
            guard count > 0 else { throw .empty }
            reader = .ffmpeg(decoder, first: Array(first[0..<count]))
            sampleRate = OpusFormat.sampleRate
            channels = 1
        }
    }

    /// Reads up to `mono.count` samples into `mono`; returns how many, 0 at the end.
    public func read(into mono: UnsafeMutableBufferPointer<Float>) throws(ClipError) -> Int {
        switch reader {
        case .soundFile(let file):
            return try file.read(into: mono)
        case .ffmpeg(let decoder, let first) where !first.isEmpty:
            let count = min(first.count, mono.count)
            for index in 0..<count { mono[index] = first[index] }
            reader = .ffmpeg(decoder, first: Array(first[count...]))
            return count
        case .ffmpeg(let decoder, _):
            do { return try decoder.read(into: mono) } catch {
                throw .truncated(detail: "it stops decoding: \(error.message)")
            }
        }
    }

    /// Reads the file at `path` to its end as the encoder would, keeping nothing: throws what reading it for
    /// broadcast would throw, and returns how many frames it holds (at `sampleRate`) and its channels.
    public static func measure(path: String) throws(ClipError) -> (frames: Int, sampleRate: Int, channels: Int) {
        let file = try ClipFile(path: path)
        var buffer = [Float](repeating: 0, count: 4096)
        var frames = 0
        while true {
            let count = try buffer.withUnsafeMutableBufferPointer { mono throws(ClipError) in
                try file.read(into: mono)
            }
            if count == 0 { break }
            frames += count
        }
        return (frames, file.sampleRate, file.channels)
    }
}
