import Foundation
import LoaSpeech
import Yams

/// The `speech:` section of the controller's configuration file: how typed notices are read aloud. Every key is
/// optional:
///
/// ```yaml
/// speech:
///   abbreviations: viet-tat.txt   # ABBR = expansion a line, added to the built-in table (path relative to this file)
///   tts-command: piper-vi --out {wav}   # instead of espeak-ng: text on stdin, a WAV on stdout or at {wav}
///   tts-timeout: 120              # seconds the command may take
///   words-per-minute: 150         # espeak-ng's speed, 80 to 450
///   dialect: north                # north ("linh", "lăm", "nghìn") or south ("lẻ", "nhăm", "ngàn")
/// ```
public struct SpeechConfiguration: Sendable {
    /// The built-in abbreviations, extended by the commune's file.
    public var abbreviations = AbbreviationTable.builtIn
    public var command: String?
    public var commandTimeoutSeconds = 120
    public var wordsPerMinute = 150
    public var dialect = Dialect.north

    public init() {}

    /// The reader these settings describe, writing its intermediate WAV in `workDirectory`.
    public func textToSpeech(workDirectory: URL) -> TextToSpeech {
        let voice: TextToSpeech.Voice =
            command.map { .command(SpeechCommand($0, timeout: .seconds(commandTimeoutSeconds))) }
            ?? .espeak(wordsPerMinute: wordsPerMinute)
        return TextToSpeech(
            normaliser: TextNormaliser(abbreviations: abbreviations, dialect: dialect), voice: voice,
            workDirectory: workDirectory)
    }

    /// Reads the `speech:` mapping; `path` names the file in errors and anchors a relative abbreviations path.
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> SpeechConfiguration {
        guard let mapping = node.mapping else {
            throw ConfigurationError(path: path, at: node, "'speech' must be a mapping such as 'tts-command: …'")
        }
        var result = SpeechConfiguration()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "?"
            func fail(_ problem: String) -> ConfigurationError { ConfigurationError(path: path, at: value, problem) }
            switch key {
            case "abbreviations":
                guard let name = value.string, !name.isEmpty else {
                    throw fail("'abbreviations' must be the path of an ABBR = expansion file")
                }
                result.abbreviations = result.abbreviations.merging(try abbreviations(name, from: path, at: value))
            case "tts-command":
                guard let text = value.string, !text.isEmpty else {
                    throw fail("'tts-command' must be a command")
                }
                result.command = text
            case "tts-timeout": result.commandTimeoutSeconds = try value.wholeNumber(key, in: 1...3600, path: path)
            case "words-per-minute": result.wordsPerMinute = try value.wholeNumber(key, in: 80...450, path: path)
            case "dialect":
                guard let text = value.string, let dialect = Dialect(rawValue: text) else {
                    throw fail("'dialect' must be north or south")
                }
                result.dialect = dialect
            default:
                throw ConfigurationError(
                    path: path, at: keyNode,
                    "unknown speech key '\(key)'; known keys: abbreviations, dialect, tts-command, tts-timeout, words-per-minute"
                )
            }
        }
        return result
    }

    private static func abbreviations(_ name: String, from path: String, at node: Node) throws(ConfigurationError)
        -> AbbreviationTable
    {
        let file =
            name.hasPrefix("/")
            ? name : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError(path: path, at: node, "cannot read the abbreviations file \(file) (UTF-8 text)")
        }
        do { return try AbbreviationTable.parse(text, path: file) } catch {
            throw ConfigurationError(path: path, at: node, error.message)
        }
    }
}
