import ArgumentParser
import Foundation
import LoaControlAPI

struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue a sound file (WAV, FLAC, Ogg, MP3) to play; prints the item's id. --list shows the queue.")

    @Argument(help: "The sound file.")
    var file: String?

    @OptionGroup var item: ItemOptions

    @Option(name: .long, help: "A title for the programme (default: the file's name).")
    var title: String?

    @Flag(name: .long, help: "Show the pending queue of every zone in play order instead.")
    var list = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if list {
                let status = try await client.status()
                for zone in status.zones {
                    print("\(zone.name):")
                    if let item = zone.playing {
                        print(
                            "  now   #\(item.id) [\(item.priority.rawValue)] \(item.title) (\(minutesSeconds(item.positionMs ?? 0)) of \(minutesSeconds(item.durationMs)))"
                        )
                    }
                    for (index, item) in zone.queued.enumerated() {
                        print(
                            "  \(index + 1).\(index < 9 ? "   " : "  ")#\(item.id) [\(item.priority.rawValue)] \(item.title) (\(minutesSeconds(item.durationMs)))"
                        )
                    }
                    if zone.playing == nil && zone.queued.isEmpty { print("  (nothing queued)") }
                }
                return
            }
            guard let file else { throw CLIError("name a sound file to queue, or use --list to see the queue") }
            let (priority, onInterrupt) = try item.checked()
            let queued = try await client.queue(
                file: file, zones: item.zone, title: title ?? URL(fileURLWithPath: file).lastPathComponent,
                priority: priority, now: item.now, onInterrupt: onInterrupt)
            print(queued.id)
        }
    }
}

/// How an item is queued (`loa queue`, `loa say`): its zones, priority and what happens when it is cut off.
struct ItemOptions: ParsableArguments {
    @Option(name: [.long, .customLong("zones")], help: "Zone, or zones separated by commas, or all.")
    var zone: String = "all"

    @Option(name: .long, help: "normal (in its turn), priority (before normal items) or emergency (at once).")
    var priority: String = "normal"

    @Flag(name: .long, help: "A priority item interrupts a normal one at once instead of waiting for its end.")
    var now = false

    @Option(name: .long, help: "When cut off by a more urgent item: resume where it was cut, or restart.")
    var onInterrupt: String = "resume"

    /// The priority and the interrupt policy, or the one line saying which is wrong.
    func checked() throws(CLIError) -> (Priority, InterruptPolicy) {
        guard let priority = Priority(rawValue: priority) else {
            throw CLIError("--priority '\(priority)' must be normal, priority or emergency")
        }
        guard let onInterrupt = InterruptPolicy(rawValue: onInterrupt) else {
            throw CLIError("--on-interrupt '\(onInterrupt)' must be resume or restart")
        }
        guard !now || priority != .normal else {
            throw CLIError("--now is for a priority item: add --priority priority (a normal item waits its turn)")
        }
        return (priority, onInterrupt)
    }
}

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a queued item, or stop it where it plays.")

    @Argument(help: "The item's id (from 'loa queue' or 'loa queue --list').")
    var id: Int64

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let item = try await options.client().cancel(id)
            print("cancelled #\(item.id) \(item.title)")
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show what each zone is playing and what is queued.")

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if json {
                return try await client.printJSON(.status)
            }
            for zone in try await client.status().zones {
                if let item = zone.playing {
                    print(
                        "\(zone.name): playing #\(item.id) [\(item.priority.rawValue)] \(item.title) at \(minutesSeconds(item.positionMs ?? 0)) of \(minutesSeconds(item.durationMs))"
                    )
                } else {
                    print("\(zone.name): idle")
                }
                for item in zone.queued {
                    print(
                        "  queued #\(item.id) [\(item.priority.rawValue)] \(item.title) (\(minutesSeconds(item.durationMs)))"
                    )
                }
            }
        }
    }
}

/// Reads a clip to upload, refusing what is plainly not one before bothering the controller.
func readClip(_ path: String) throws(CLIError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CLIError("no file '\(path)'; check the path")
    }
    guard !isDirectory.boolValue else { throw CLIError("'\(path)' is a folder, not a sound file") }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("cannot read '\(path)' (permission denied?)")
    }
    guard !data.isEmpty else { throw CLIError("'\(path)' is empty; record or export the clip again") }
    return data
}
