import ArgumentParser
import Foundation
import LoaControlAPI

struct SayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Read a Vietnamese notice aloud in some zones; prints the item's id. --dry-run shows how it reads.")

    @Argument(help: "The text of the notice (or --text-file).")
    var text: String?

    @Option(name: .long, help: "Read the text from this UTF-8 file ('-': standard input).")
    var textFile: String?

    @OptionGroup var item: ItemOptions

    @Option(name: .long, help: "A title for the programme (default: the text's first line).")
    var title: String?

    @Flag(name: .long, help: "Print the words the voice would speak and the playing time; queue nothing.")
    var dryRun = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let words = try notice()
            let (priority, onInterrupt) = try item.checked()
            let client = try options.client()
            if dryRun {
                let speech = try await client.previewSpeech(text: words)
                print(speech.spoken)
                print("(\(minutesSeconds(speech.durationMs)))")
                return
            }
            let queued = try await client.say(
                text: words, zones: item.zone, title: title, priority: priority, now: item.now,
                onInterrupt: onInterrupt)
            print(queued.id)
        }
    }

    /// The text to read: the argument or the file, with words in it and within the controller's limit.
    private func notice() throws(CLIError) -> String {
        let raw: String
        switch (text, textFile) {
        case (let text?, nil): raw = text
        case (nil, let file?):
            let data: Data? =
                file == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
            guard let data else { throw CLIError("cannot read '\(file)'; check the path") }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw CLIError("'\(file)' is not UTF-8 text; save it as UTF-8")
            }
            raw = decoded
        case (nil, nil): throw CLIError("give the text to read aloud, in quotes, or --text-file FILE")
        case (_?, _?): throw CLIError("give the text or --text-file, not both")
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CLIError("the text to read aloud is empty; give the words of the notice") }
        guard trimmed.utf8.count <= Limits.speechBytes else {
            throw CLIError("the text is longer than \(Limits.speechBytes >> 10) KiB; split the notice in two")
        }
        return trimmed
    }
}
