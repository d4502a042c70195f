import ArgumentParser
import Foundation
import LoaControlAPI

struct SayCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "say", abstract: Message.sayAbstract.text())
    }

    @Argument(help: Message.sayTextHelp.help)
    var text: String?

    @Option(name: .long, help: Message.sayTextFileHelp.help)
    var textFile: String?

    @OptionGroup var item: ItemOptions

    @Option(name: .long, help: Message.sayTitleHelp.help)
    var title: String?

    @Flag(name: .long, help: Message.sayDryRunHelp.help)
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
            if item.isPlanned {
                let times = try await item.airTimes(client)
                let clip = try await client.storeSpeech(text: words, title: title)
                return try await item.queue(clip: clip.id, title: clip.title, at: times, client: client)
            }
            let queued = try await client.say(
                text: words, zones: item.zone, title: title, priority: priority, now: item.now,
                onInterrupt: onInterrupt)
            try await QueuedSentence.report(queued, client: client)
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
            guard let data else { throw CLIError(.textFileUnreadable, file) }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw CLIError(.textFileNotUTF8, file)
            }
            raw = decoded
        case (nil, nil): throw CLIError(.sayNeedsText)
        case (_?, _?): throw CLIError(.sayTextTwice)
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CLIError(.sayTextEmpty) }
        guard trimmed.utf8.count <= Limits.speechBytes else {
            throw CLIError(.sayTextTooLong, Limits.speechBytes >> 10)
        }
        return trimmed
    }
}
