import Foundation
import LoaCodec
import LoaSource
import LoaSpeech
import Testing

/// Text read aloud becomes a clip like an uploaded one: espeak-ng's `vi` voice in memory, or a commune's command,
/// then the normal clip encoder.
@Suite("Speech")
struct SpeechTests {
    let settings = EncoderSettings()

    @Test func espeakSpeaksVietnameseIntoMemory() throws {
        let short = try EspeakVoice.speak("xin chào bà con")
        let long = try EspeakVoice.speak("xin chào bà con, Ủy ban nhân dân xã thông báo lịch tiêm phòng cho gia súc")
        #expect(short.sampleRate == 22050)
        #expect(short.duration > 0.5 && short.duration < 10)
        #expect(long.duration > short.duration + 1)
        #expect(short.samples.map { abs(Int($0)) }.max()! > 3000)
    }

    @Test func espeakSpeechBecomesAClipThatIsNotSilent() throws {
        let tts = TextToSpeech()
        let spoken = try tts.clip(of: "UBND xã thông báo: họp lúc 7h30 ngày 15/10/2026.", settings: settings)
        #expect(
            spoken.spokenText
                == "Ủy ban nhân dân xã thông báo: họp lúc bảy giờ ba mươi phút ngày mười lăm tháng mười năm hai nghìn không trăm hai mươi sáu."
        )
        let audio = try EspeakVoice.speak(spoken.spokenText)
        let expectedSamples = Int(audio.duration * 48_000)
        #expect(abs(spoken.clip.sourceSamples - expectedSamples) < 2400)
        let decoded = try Self.decode(spoken.clip)
        let rms = (decoded.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(decoded.count)).squareRoot()
        #expect(rms > 500, "the decoded speech is silent (RMS \(rms))")
    }

    /// A text the API fuzzer sent to `POST /speech` (JSON with escapes, huge numbers) crashed the controller inside
    /// libespeak-ng; now only a notice's characters reach the library and the text is spoken (or refused) in-process.
    @Test func aFuzzedTextIsSpokenWithoutCrashing() throws {
        let url = try #require(Bundle.module.url(forResource: "fuzzed-text", withExtension: "txt"))
        let text = try String(contentsOf: url, encoding: .utf8)
        let spoken = try TextToSpeech().clip(of: text, settings: settings)
        #expect(spoken.clip.sourceSamples > 0)
        #expect(EspeakVoice.speakable("Ủy ban {xã} #7 <b> \\u00e1 ệ") == "Ủy ban  xã   7  b   u00e1 ệ")
    }

    /// The stand-in writes on stdout, or at the path that replaces `{wav}`; either way it hears the spoken words.
    @Test(arguments: [
        ("", "UBND họp lúc 7h", "Ủy ban nhân dân họp lúc bảy giờ"),
        (" {wav}", "Thôn có 25 hộ", "Thôn có hai mươi lăm hộ"),
    ])
    func aCommandIsUsedInsteadOfEspeak(arguments: String, text: String, heard: String) throws {
        let place = try StandIn()
        let tts = TextToSpeech(
            voice: .command(SpeechCommand("sh \(place.script.path)" + arguments)), workDirectory: place.directory)
        let spoken = try tts.clip(of: text, settings: settings)
        #expect(try String(contentsOf: place.heard, encoding: .utf8) == heard)
        // 0.2 s of tone a word, at 48 kHz.
        let words = heard.split(separator: " ").count
        #expect(abs(spoken.clip.sourceSamples - words * 9600) < 480)
        #expect(try Self.decode(spoken.clip).map { abs(Int($0)) }.max()! > 3000)
        let left = try FileManager.default.contentsOfDirectory(atPath: place.directory.path).sorted()
        #expect(left == ["heard.txt", "tts.sh"])
    }

    @Test func aFailingCommandIsRefusedWithWhatItSaid() throws {
        let place = try StandIn()
        let failing = TextToSpeech(
            voice: .command(SpeechCommand("echo 'giọng đọc hỏng' >&2; exit 3")), workDirectory: place.directory)
        #expect(throws: SpeechError.command(detail: "it exited with status 3: giọng đọc hỏng")) {
            try failing.clip(of: "Thông báo", settings: settings)
        }
        let garbage = TextToSpeech(
            voice: .command(SpeechCommand("echo không phải WAV")), workDirectory: place.directory)
        #expect {
            try garbage.clip(of: "Thông báo", settings: settings)
        } throws: { error in
            guard case .command(let detail) = error as? SpeechError else { return false }
            return detail.hasPrefix("its output is not a WAV Loa can read")
        }
        let slow = TextToSpeech(
            voice: .command(SpeechCommand("sleep 5", timeout: .milliseconds(200))), workDirectory: place.directory)
        #expect(throws: SpeechError.command(detail: "it did not finish within 0.2 seconds")) {
            try slow.clip(of: "Thông báo", settings: settings)
        }
    }

    @Test func emptyTextIsRefused() {
        #expect(throws: SpeechError.nothingToSay) { try TextToSpeech().clip(of: "  ... ", settings: settings) }
        #expect(SpeechError.nothingToSay.message == "the text to read aloud is empty; give the words of the notice")
    }

    static func decode(_ clip: EncodedClip) throws -> [Int16] {
        let decoder = try OpusDecoder()
        var pcm = [Int16](repeating: 0, count: OpusFormat.maximumPacketSamples)
        var out: [Int16] = []
        for index in 0..<clip.frameCount {
            let count = try clip.withPacket(index) { packet in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(packet, into: $0) }
            }
            out += pcm[0..<count]
        }
        return out
    }
}

/// A stand-in speech engine: it keeps the text it was given and writes a 440 Hz tone of 0.2 s a word (sox),
/// on stdout or to the path it is given.
struct StandIn {
    let directory: URL
    var script: URL { directory.appendingPathComponent("tts.sh") }
    var heard: URL { directory.appendingPathComponent("heard.txt") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-tts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let body = """
            #!/bin/sh
            set -e
            here=$(dirname "$0")
            cat > "$here/heard.txt"
            seconds=$(awk -v words="$(wc -w < "$here/heard.txt")" 'BEGIN { print words * 0.2 }')
            if [ -n "$1" ]; then
                sox -n -r 16000 -b 16 -c 1 "$1" synth "$seconds" sine 440 vol 0.5
            else
                sox -n -r 16000 -b 16 -c 1 -t wav - synth "$seconds" sine 440 vol 0.5
            fi

            """
        try Data(body.utf8).write(to: script)
    }
}
