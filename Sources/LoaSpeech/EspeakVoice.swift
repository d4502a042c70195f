import CEspeakNG
import Synchronization

/// The espeak-ng Vietnamese voice (`vi`), speaking into memory through the library's synchronous callback.
///
/// espeak-ng keeps one global state, so calls are serialised: one text is spoken at a time in the process.
public enum EspeakVoice {
    /// The sample rate espeak-ng reported when it started, or nil before the first use.
    private static let state = Mutex<Int?>(nil)

    /// Speaks `text` (already normalised: words only) at `wordsPerMinute` (80 to 450). Only what a Vietnamese
    /// notice is written with reaches the library (`speakable`): anything else is a pause.
    public static func speak(_ text: String, wordsPerMinute: Int = 150) throws(SpeechError) -> SpokenAudio {
        let text = speakable(text)
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { throw .nothingToSay }
        let result: Result<SpokenAudio, SpeechError> = state.withLock { sampleRate in
            do throws(SpeechError) {
                let rate: Int
                if let sampleRate { rate = sampleRate } else { rate = try start() }
                sampleRate = rate
                return .success(try synthesise(text, wordsPerMinute: wordsPerMinute, sampleRate: rate))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `text` with every character outside the Latin script (Vietnamese letters and their combining marks
    /// included), digits, spaces and common punctuation replaced by a space. espeak-ng crashes the process on
    /// some other input (found by the API fuzzer: a text mixing control characters, private-use and CJK
    /// characters); a commune's notice never needs them.
    public static func speakable(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed =
                (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || (0x30...0x39).contains(value)
                || (0xC0...0x24F).contains(value) && value != 0xD7 && value != 0xF7
                || (0x300...0x36F).contains(value) || (0x1E00...0x1EFF).contains(value)
                || " \n.,;:!?-()'\"/%".unicodeScalars.contains(scalar)
            result.append(allowed ? scalar : " ")
        }
        return String(result)
    }

    private static func start() throws(SpeechError) -> Int {
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, espeakINITIALIZE_DONT_EXIT)
        guard rate > 0 else {
            throw .voiceUnavailable(detail: "espeak_Initialize failed; is espeak-ng-data installed?")
        }
        espeak_SetSynthCallback { wav, count, events in
            guard let events, let sink = events.pointee.user_data else { return 0 }
            if let wav, count > 0 {
                Unmanaged<SampleSink>.fromOpaque(sink).takeUnretainedValue().samples.append(
                    contentsOf: UnsafeBufferPointer(start: wav, count: Int(count)))
            }
            return 0
        }
        guard espeak_SetVoiceByName("vi") == EE_OK else { throw .voiceUnavailable(detail: "no voice named 'vi'") }
        return Int(rate)
    }

    private static func synthesise(_ text: String, wordsPerMinute: Int, sampleRate: Int) throws(SpeechError)
        -> SpokenAudio
    {
        let rate = min(max(wordsPerMinute, Int(espeakRATE_MINIMUM)), Int(espeakRATE_MAXIMUM))
        espeak_SetParameter(espeakRATE, Int32(rate), 0)
        let sink = SampleSink()
        let status = withExtendedLifetime(sink) {
            text.withCString { characters in
                espeak_Synth(
                    characters, text.utf8.count + 1, 0, POS_CHARACTER, 0,
                    UInt32(espeakCHARS_UTF8 | espeakENDPAUSE), nil, Unmanaged.passUnretained(sink).toOpaque())
            }
        }
        guard status == EE_OK else { throw .synthesis(detail: "espeak_Synth returned \(status.rawValue)") }
        guard !sink.samples.isEmpty else { throw .synthesis(detail: "no audio came out") }
        return SpokenAudio(samples: sink.samples, sampleRate: sampleRate)
    }
}

/// Where the callback puts the samples of the text being spoken.
private final class SampleSink {
    var samples: [Int16] = []
}
