import ArgumentParser
import Foundation

/// `loa`: the broadcaster's command line.
public struct Loa: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "loa",
        abstract: "Broadcast announcements to the commune's loudspeakers.",
        subcommands: [Queue.self, StatusCommand.self]
    )

    public init() {}
}

/// Options every command that talks to the controller shares.
struct ControllerOptions: ParsableArguments {
    @Option(name: .long, help: "The controller's URL (default: $LOA_CONTROLLER, else http://127.0.0.1:8750).")
    var controller: String?

    func client() throws(CLIError) -> ControllerClient { try ControllerClient(option: controller) }
}

struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue a sound file (WAV, FLAC, Ogg, MP3) to play in a zone; prints the item's id.")

    @Argument(help: "The sound file.")
    var file: String

    @Option(name: .long, help: "The zone to play in.")
    var zone: String = "all"

    @Option(name: .long, help: "A title for the programme (default: the file's name).")
    var title: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            let data = try readClip(file)
            let body = try await client.request(
                "POST", "/items",
                query: [
                    URLQueryItem(name: "zone", value: zone),
                    URLQueryItem(name: "title", value: title ?? URL(fileURLWithPath: file).lastPathComponent),
                ], body: data)
            guard let item = try? JSONDecoder().decode(ItemInfo.self, from: body) else {
                throw CLIError("the controller queued the clip but its answer was not understood")
            }
            print(item.id)
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
                let data = try await client.request("GET", "/status")
                FileHandle.standardOutput.write(data)
                print()
                return
            }
            let status = try await client.get("/status", as: Status.self)
            for zone in status.zones {
                if let item = zone.playing {
                    print("\(zone.name): playing #\(item.id) \(item.title) at \(minutesSeconds(item.positionMs ?? 0)) of \(minutesSeconds(item.durationMs))")
                } else {
                    print("\(zone.name): idle")
                }
                for item in zone.queued {
                    print("  queued #\(item.id) \(item.title) (\(minutesSeconds(item.durationMs)))")
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

/// Prints a `CLIError` as one line on stderr and exits 1.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch let error as CLIError {
        FileHandle.standardError.write(Data("loa: \(error.description)\n".utf8))
        throw ExitCode(1)
    }
}
