import ArgumentParser
import Foundation
import LoaControlAPI

/// `loa clips`: the clip library — stored clips under names the office chose, so that a bulletin recorded once is
/// queued again by name (`loa queue --clip hop-dan`) without its file.
struct ClipsCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "clips", abstract: Message.clipsAbstract.text(),
            subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)
    }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: Message.clipsListAbstract.text())
        }
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let library = try await options.client().library()
                if library.isEmpty { return print(Message.clipsEmpty.text()) }
                for clip in library {
                    print(Message.clipLine.text(clip.name, clip.title, minutesSeconds(clip.durationMs), clip.clipId))
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "add", abstract: Message.clipsAddAbstract.text())
        }
        @Argument(help: Message.clipNameHelp.help) var name: String
        @Argument(help: Message.queueFileHelp.help) var file: String
        @Option(name: .long, help: Message.queueTitleHelp.help) var title: String?
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                // The name is checked before the upload: a wrong one stores nothing.
                guard NamedClipView.isValidName(name) else { throw CLIError(.badClipName, name) }
                let client = try options.client()
                let stored = try await client.storeClip(
                    file: file, title: title ?? URL(fileURLWithPath: file).lastPathComponent)
                let named = try await client.nameClip(name, clip: stored.id)
                print(Message.clipAdded.text(named.name, named.title, minutesSeconds(named.durationMs)))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "remove", abstract: Message.clipsRemoveAbstract.text())
        }
        @Argument(help: Message.clipNameHelp.help) var name: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let client = try options.client()
                _ = try await ClipsCommand.named(name, client: client)
                let removed = try await client.removeNamedClip(name)
                print(Message.clipRemoved.text(removed.name))
            }
        }
    }

    /// The library's clip `name`, or the one line that says there is none and how to see the names.
    static func named(_ name: String, client: ControlClient) async throws -> NamedClipView {
        guard let found = try await client.library().first(where: { $0.name == name }) else {
            throw CLIError(.unknownClipName, name)
        }
        return found
    }
}
