/// Why a clip cannot be broadcast. Each case reads as one line a broadcaster can act on.
public enum ClipError: Error, Equatable, Sendable {
    /// The file could not be opened as audio (missing, unreadable, or not a format Loa reads).
    case notAudio(detail: String)
    /// The file holds no samples.
    case empty
    /// The file ends before the length its header announces.
    case truncated(detail: String)
    /// The audio could not be converted to 48 kHz.
    case resampling(detail: String)
    /// The Opus encoder failed.
    case encoding(detail: String)
    /// The encoded clip could not be stored or read back.
    case storage(detail: String)

    /// A one-line explanation with what to do.
    public var message: String {
        switch self {
        case .notAudio(let detail):
            return "not an audio file Loa can read (" + detail + "); use WAV, FLAC, Ogg Vorbis/Opus, MP3 or AAC/M4A"
        case .empty:
            return "the audio file is empty (no samples); record or export the clip again"
        case .truncated(let detail):
            return "the audio file is truncated (" + detail + "); copy or export the clip again"
        case .resampling(let detail): return "cannot resample the clip to 48 kHz: " + detail
        case .encoding(let detail): return "cannot encode the clip with Opus: " + detail
        case .storage(let detail): return "cannot store the encoded clip: " + detail
        }
    }
}
