import CSndFile

/// A sound file read with libsndfile (WAV, FLAC, Ogg Vorbis/Opus, MP3, …), delivered as mono float samples.
///
/// Opening checks that the file is audio with at least one sample; reading to the end checks that it is
/// as long as its header says.
public final class AudioFile {
    private let handle: OpaquePointer
    /// Samples per second of the file.
    public let sampleRate: Int
    /// Channels in the file (mixed down to one on reading).
    public let channels: Int
    /// Frames the header announces.
    public let frames: Int
    private var interleaved: [Float]
    private var framesRead = 0

    /// Opens `path`. Throws `.notAudio` if libsndfile cannot read it, `.empty` if it has no samples.
    public init(path: String) throws(ClipError) {
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            throw .notAudio(detail: String(cString: sf_strerror(nil)))
        }
        guard info.frames > 0, info.channels > 0, info.samplerate > 0 else {
            sf_close(handle)
            throw .empty
        }
        if let detail = Self.truncation(handle) {
            sf_close(handle)
            throw .truncated(detail: detail)
        }
        self.handle = handle
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        frames = Int(info.frames)
        interleaved = [Float](repeating: 0, count: 4096 * Int(info.channels))
    }

    deinit { sf_close(handle) }

    /// Reads the file at `path` to its end as the encoder would, keeping nothing: throws what reading it for
    /// broadcast would throw, and returns how many frames it holds (at its own `sampleRate`).
    public static func measure(path: String) throws(ClipError) -> (frames: Int, sampleRate: Int, channels: Int) {
        let file = try AudioFile(path: path)
        var buffer = [Float](repeating: 0, count: 4096)
        var frames = 0
        while true {
            let count = try buffer.withUnsafeMutableBufferPointer { mono throws(ClipError) in try file.read(into: mono)
            }
            if count == 0 { break }
            frames += count
        }
        return (frames, file.sampleRate, file.channels)
    }

    /// libsndfile shortens a WAV or AIFF whose data chunk runs past the end of the file and only notes it in
    /// its log ("data : 372858 (should be 199956)"); such a file is cut short, not playable in full.
    private static func truncation(_ handle: OpaquePointer) -> String? {
        var log = [CChar](repeating: 0, count: 4096)
        let length = log.withUnsafeMutableBufferPointer { buffer in
            sf_command(handle, Int32(SFC_GET_LOG_INFO), buffer.baseAddress, Int32(buffer.count))
        }
        guard length > 0 else { return nil }
        let text = String(decoding: log.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") where line.contains("(should be") {
            let words = line.split(separator: " ")
            if words.count >= 6, let announced = Int(words[2]), let there = Int(words[5].dropLast()) {
                return "its header announces " + String(announced) + " bytes of audio but only " + String(there)
                    + " are there"
            }
            return "its header announces more audio than the file holds"
        }
        return nil
    }

    /// Reads up to `mono.count` frames, each the mean of its channels, into `mono`. Returns the number read;
    /// 0 at the end. Throws `.truncated` at the end if fewer frames came than the header announced.
    public func read(into mono: UnsafeMutableBufferPointer<Float>) throws(ClipError) -> Int {
        let wanted = min(mono.count, interleaved.count / channels)
        let got = interleaved.withUnsafeMutableBufferPointer { buffer in
            Int(sf_readf_float(handle, buffer.baseAddress, sf_count_t(wanted)))
        }
        if got == 0 {
            if framesRead < frames {
                throw .truncated(
                    detail: "its header announces " + String(frames) + " samples but only " + String(framesRead)
                        + " are there")
            }
            return 0
        }
        let scale = 1 / Float(channels)
        for frame in 0..<got {
            var sum: Float = 0
            for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
            mono[frame] = sum * scale
        }
        framesRead += got
        return got
    }
}
