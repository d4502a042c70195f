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
        self.handle = handle
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        frames = Int(info.frames)
        interleaved = [Float](repeating: 0, count: 4096 * Int(info.channels))
    }

    deinit { sf_close(handle) }

    /// Reads up to `mono.count` frames, each the mean of its channels, into `mono`. Returns the number read;
    /// 0 at the end. Throws `.truncated` at the end if fewer frames came than the header announced.
    public func read(into mono: UnsafeMutableBufferPointer<Float>) throws(ClipError) -> Int {
        let wanted = min(mono.count, interleaved.count / channels)
        let got = interleaved.withUnsafeMutableBufferPointer { buffer in
            Int(sf_readf_float(handle, buffer.baseAddress, sf_count_t(wanted)))
        }
        if got == 0 {
            if framesRead < frames { throw .truncated(expectedFrames: frames, readFrames: framesRead) }
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
