import Foundation
import LoaSource
import LoaSpeech

extension Programme {
    /// Reads `text` aloud and stores the speech as a clip like an uploaded sound file (at the programme loudness,
    /// once per Opus setting), keeping the text: the as-played log shows it. The voice runs off the actor's and
    /// the caller's threads (espeak-ng, or the commune's `tts-command`, which may take its time).
    public nonisolated func storeSpeech(_ text: String, title: String) async throws(ProgrammeError) -> ClipRecord {
        try await withSpeech(text) { wav throws(ProgrammeError) in
            try await storeClip(path: wav.path, title: title, text: text)
        }
    }

    /// How `text` would be read aloud, without storing anything: the words spoken and the playing time.
    public nonisolated func preview(_ text: String) async throws(ProgrammeError) -> (spoken: String, milliseconds: Int)
    {
        var spoken = ""
        let milliseconds = try await withSpeech(text, spoken: { spoken = $0 }) { wav throws(ProgrammeError) in
            do throws(ClipError) {
                let audio = try AudioFile(path: wav.path)
                return audio.frames * 1000 / audio.sampleRate
            } catch { throw ProgrammeError.badClip(error) }
        }
        return (spoken, milliseconds)
    }

    /// A title for an item read aloud: the text's first line, cut at 60 characters.
    public static func title(reading text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : trimmed
    }

    /// Speaks `text` into a WAV in the voice's work directory, runs `body` on it and removes it.
    private nonisolated func withSpeech<T>(
        _ text: String, spoken: (String) -> Void = { _ in },
        _ body: (URL) async throws(ProgrammeError) -> T
    ) async throws(ProgrammeError) -> T {
        let speech = self.speech
        let wav = speech.workDirectory.appendingPathComponent("speech-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: wav) }
        do throws(SpeechError) {
            spoken(
                try await Task.detached(priority: .userInitiated) {
                    Result { () throws(SpeechError) in try speech.speak(text, into: wav) }
                }.value.get())
        } catch {
            throw .speech(error)
        }
        do throws(ProgrammeError) { return try await body(wav) } catch {
            if case .badClip(let clipError) = error { throw .speech(speech.encodingFailure(clipError)) }
            throw error
        }
    }
}
