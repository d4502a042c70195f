import Foundation
import LoaCodec
import LoaSource

/// Text read aloud, made into a clip like an uploaded one: text → normaliser → voice → WAV → `ClipEncoder`
/// (mono, resampled to 48 kHz, Opus with the zone's settings).
///
/// The result is complete or the call throws; the WAV it passes through is removed either way. The call blocks
/// while the voice speaks (espeak-ng serialises callers; a command may take up to its timeout), so run it off any
/// event loop.
public struct TextToSpeech: Sendable {
    /// Who speaks: espeak-ng's `vi` voice, or the commune's command.
    public enum Voice: Sendable, Equatable {
        case espeak(wordsPerMinute: Int)
        case command(SpeechCommand)
    }

    public var normaliser: TextNormaliser
    public var voice: Voice
    /// Where the intermediate WAV is written (the controller's state directory, or the system's temporary one).
    public var workDirectory: URL

    public init(
        normaliser: TextNormaliser = TextNormaliser(), voice: Voice = .espeak(wordsPerMinute: 150),
        workDirectory: URL = FileManager.default.temporaryDirectory
    ) {
        self.normaliser = normaliser
        self.voice = voice
        self.workDirectory = workDirectory
    }

    /// A notice read aloud: the text as typed, the words spoken, and the encoded clip.
    public struct SpokenClip: Sendable {
        public var text: String
        public var spokenText: String
        public var clip: EncodedClip
    }

    /// Reads `text` aloud and encodes it with `settings`, at the level the voice spoke it.
    public func clip(of text: String, settings: EncoderSettings) throws(SpeechError) -> SpokenClip {
        let wav = workDirectory.appendingPathComponent("speech-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: wav) }
        let spoken = try speak(text, into: wav)
        do {
            return SpokenClip(
                text: text, spokenText: spoken, clip: try ClipEncoder.encode(path: wav.path, settings: settings))
        } catch {
            throw encodingFailure(error)
        }
    }

    /// Reads `text` aloud into a WAV file at `wav` (created or replaced) and returns the words spoken. The caller
    /// encodes the file (the controller's clip library brings it to the programme loudness) and removes it.
    public func speak(_ text: String, into wav: URL) throws(SpeechError) -> String {
        let spoken = normaliser.normalise(text)
        guard spoken.contains(where: { $0.isLetter || $0.isNumber }) else { throw .nothingToSay }
        switch voice {
        case .espeak(let wordsPerMinute):
            let audio = try EspeakVoice.speak(spoken, wordsPerMinute: wordsPerMinute)
            guard FileManager.default.createFile(atPath: wav.path, contents: Data(audio.wav())) else {
                throw .clip(.storage(detail: "cannot write \(wav.path)"))
            }
        case .command(let command):
            try command.speak(spoken, into: wav)
        }
        return spoken
    }

    /// What a failure to encode the spoken WAV means: the commune's command wrote no readable WAV, or the clip
    /// could not be made.
    public func encodingFailure(_ error: ClipError) -> SpeechError {
        if case .command = voice { return .command(detail: "its output is not a WAV Loa can read: " + error.message) }
        return .clip(error)
    }
}
