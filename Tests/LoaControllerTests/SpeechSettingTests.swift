import Foundation
import LoaController
import LoaSpeech
import Testing

/// `speech:` names the commune's abbreviation file (relative to the configuration), a `tts-command`, the
/// espeak-ng speed and the dialect; anything wrong is refused naming the line.
@Suite("Speech settings")
struct SpeechSettingTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var configPath: String { directory.appendingPathComponent("controller.yaml").path }

    @Test func theSectionSetsTheReader() throws {
        try "NVH = nhà văn hóa\n".write(
            to: directory.appendingPathComponent("viet-tat.txt"), atomically: true, encoding: .utf8)
        let text =
            "speech:\n  abbreviations: viet-tat.txt\n  dialect: south\n  tts-command: piper-vi --out {wav}\n  tts-timeout: 30\n"
        let speech = try ControllerConfiguration.parse(text, path: configPath).speech
        let tts = speech.textToSpeech(workDirectory: directory)
        #expect(
            tts.normaliser.normalise("UBND mời 105 hộ đến NVH")
                == "Ủy ban nhân dân mời một trăm lẻ năm hộ đến nhà văn hóa")
        #expect(tts.voice == .command(SpeechCommand("piper-vi --out {wav}", timeout: .seconds(30))))
        let plain = try ControllerConfiguration.parse("frame-ms: 20\n", path: configPath).speech
        #expect(plain.textToSpeech(workDirectory: directory).voice == .espeak(wordsPerMinute: 150))
        #expect(plain.abbreviations.entries == AbbreviationTable.builtIn.entries)
    }

    @Test func wrongSettingsAreRefusedNamingTheLine() throws {
        try "NVH = nhà văn hóa\nthôn Hạ\n".write(
            to: directory.appendingPathComponent("hong.txt"), atomically: true, encoding: .utf8)
        let hong = directory.appendingPathComponent("hong.txt").path
        let cases = [
            ("speech:\n  dialect: central\n", "controller.yaml:2: 'dialect' must be north or south"),
            (
                "speech:\n  words-per-minute: 900\n",
                "controller.yaml:2: 'words-per-minute' must be a whole number from 80 to 450"
            ),
            ("speech:\n  voice: vi\n", "controller.yaml:2: unknown speech key 'voice'"),
            ("speech:\n  abbreviations: missing.txt\n", "controller.yaml:2: cannot read the abbreviations file"),
            ("speech:\n  abbreviations: hong.txt\n", "controller.yaml:2: \(hong):2: no '=' on this line"),
        ]
        for (text, prefix) in cases {
            #expect {
                _ = try ControllerConfiguration.parse(text, path: configPath)
            } throws: { error in
                let message = (error as? ConfigurationError)?.message ?? ""
                return message.hasPrefix(directory.path + "/" + prefix)
            }
        }
    }
}
