import LoaSource

/// Why a text cannot be read aloud. Each case reads as one line a broadcaster can act on.
public enum SpeechError: Error, Equatable, Sendable {
    /// The text has no words.
    case nothingToSay
    /// espeak-ng cannot start or has no Vietnamese voice.
    case voiceUnavailable(detail: String)
    /// espeak-ng failed while speaking.
    case synthesis(detail: String)
    /// The commune's `tts-command` failed or did not write a WAV.
    case command(detail: String)
    /// The speech could not be encoded as a clip.
    case clip(ClipError)

    /// A one-line explanation with what to do.
    public var message: String {
        switch self {
        case .nothingToSay: "the text to read aloud is empty; give the words of the notice"
        case .voiceUnavailable(let detail):
            "espeak-ng cannot speak Vietnamese (" + detail + "); install espeak-ng-data or set tts-command"
        case .synthesis(let detail): "espeak-ng failed to speak the text: " + detail
        case .command(let detail):
            "the tts-command failed (" + detail + "); it must read the text on stdin and write a WAV"
        case .clip(let error): "cannot make a clip of the speech: " + error.message
        }
    }
}
