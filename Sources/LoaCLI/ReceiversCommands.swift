import ArgumentParser
import Foundation
import LoaControlAPI

/// `loa receivers`: the speaker boxes, their state and how well they play. The listing is a default
/// subcommand (`loa receivers [list] [--json]`), so that `--json` after `show ID` belongs to `show`.
struct ReceiversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receivers",
        abstract: "List the speaker boxes: state, sound card, last heard, loss, underruns, version.",
        subcommands: [List.self, Show.self, Approve.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The table: name, id, zone, state, sound card, last seen, loss, underruns, version.")

        @Flag(name: .long, help: "Print JSON (an array of receivers) instead of a table.")
        var json = false

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let client = try options.client()
                if json {
                    FileHandle.standardOutput.write(try await client.send(.receivers))
                    print()
                    return
                }
                let receivers = try await client.receivers()
                guard !receivers.isEmpty else {
                    print("no receivers yet: a box appears here (pending) once its heartbeats reach the controller")
                    return
                }
                let rows =
                    [["NAME", "ID", "ZONE", "STATE", "SOUND", "LAST SEEN", "LOSS", "UNDERRUNS", "VERSION"]]
                    + receivers.map {
                        [
                            $0.name, $0.id, $0.zone ?? "-", $0.state.rawValue, $0.soundText, ago($0.lastSeen),
                            String(format: "%.1f%%", $0.lossPercent),
                            String($0.underruns), $0.version ?? "-",
                        ]
                    }
                printTable(rows)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "One receiver: its last heartbeat and recent history.")

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let client = try options.client()
                if json {
                    FileHandle.standardOutput.write(
                        try await client.send(.receiver, path: Route.receiver.path(receiver)))
                    print()
                    return
                }
                let detail = try await client.receiver(receiver)
                let info = detail.receiver
                print(
                    "\(info.name) (\(info.id)): \(info.state.rawValue), zone \(info.zone ?? "-"), last seen \(ago(info.lastSeen))"
                )
                if info.soundCardFailing {
                    print(
                        "  SOUND CARD FAILING: the box is alive but cannot be heard ('loa refresh \(info.name)' reopens it)"
                    )
                }
                if let beat = detail.heartbeat {
                    print(
                        "  version \(beat.version), up \(beat.uptimeSeconds) s, volume \(beat.volume)%\(beat.muted ? " (muted)" : "")"
                    )
                    print(
                        "  \(beat.playing ? "playing stream \(beat.streamId.map { String($0, radix: 16) } ?? "?")" : "idle"), jitter buffer \(beat.jitterFrames) frames"
                            + (beat.temperatureC.map { String(format: ", %.1f °C", $0) } ?? ""))
                    print(
                        "  received \(beat.received), lost \(beat.lost), late \(beat.late), FEC \(beat.recoveredByFEC), concealed \(beat.concealed), rejected \(beat.rejected), underruns \(beat.underruns)"
                    )
                }
                print("history:")
                for entry in detail.history { print("  \(entry.at)  \(entry.state)  \(entry.detail)") }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Admit a pending receiver (or rename it, or move it to another zone).")

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @Option(name: .long, help: "A name for it, such as 'thon-dong-truong-hoc'.")
        var name: String?

        @Option(name: .long, help: "The zone it plays.")
        var zone: String?

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let client = try options.client()
                let info = try await client.approve(receiver, name: name, zone: zone)
                print("approved \(info.name) (\(info.id)), zone \(info.zone ?? "-"): \(info.state.rawValue)")
            }
        }
    }
}

/// Options naming what a command goes to: one receiver, or every approved receiver of a zone.
struct TargetOptions: ParsableArguments {
    @Argument(help: "The receiver's id (or a unique start of it) or name.")
    var receiver: String?

    @Option(name: .long, help: "Every approved receiver in this zone instead.")
    var zone: String?

    /// The receiver or the zone, exactly one of them.
    func chosen() throws(CLIError) -> (receiver: String?, zone: String?) {
        switch (receiver, zone) {
        case (let receiver?, nil): return (receiver, nil)
        case (nil, let zone?): return (nil, zone)
        default: throw CLIError("name one receiver, or a zone with --zone, not both")
        }
    }
}

/// Sends a command and prints one line per receiver; exits 1 if any did not acknowledge it.
func sendCommand(_ action: CommandAction, value: Int? = nil, target: TargetOptions, options: ControllerOptions)
    async throws
{
    try await runReportingErrors {
        let client = try options.client()
        let (receiver, zone) = try target.chosen()
        let results = try await client.command(action, value: value, receiver: receiver, zone: zone)
        var failed = 0
        for result in results {
            print("\(result.name) (\(result.receiver)): \(action.rawValue) \(result.resultText)")
            if result.result != .acknowledged { failed += 1 }
        }
        if failed > 0 {
            throw CLIError("\(failed) of \(results.count) receivers did not acknowledge '\(action.rawValue)'")
        }
    }
}

struct VolumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume", abstract: "Set the volume of a receiver or of every receiver in a zone.")

    @Argument(help: "Percent, 0-100.")
    var percent: Int

    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions

    func validate() throws {
        guard (0...100).contains(percent) else { throw ValidationError("the volume is a percent from 0 to 100") }
    }

    func run() async throws { try await sendCommand(.volume, value: percent, target: target, options: options) }
}

struct MuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mute", abstract: "Silence a receiver or a zone.")
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.mute, target: target, options: options) }
}

struct UnmuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unmute", abstract: "Undo 'loa mute'.")
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.unmute, target: target, options: options) }
}

struct TestToneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-tone", abstract: "Play a 1 s, 1 kHz tone on a receiver to check its horn by ear.")
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.testTone, target: target, options: options) }
}

struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "Make a receiver re-read its settings and set up again.")
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.refresh, target: target, options: options) }
}

extension ReceiverView {
    /// The SOUND column: "ok" or "FAILING".
    var soundText: String { soundCardFailing ? "FAILING" : "ok" }
}

/// "12 s ago" for an ISO 8601 time; "never" for nil.
func ago(_ iso: String?) -> String {
    guard let iso else { return "never" }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let date = formatter.date(from: iso) else { return iso }
    let seconds = max(0, Int(Date().timeIntervalSince(date)))
    if seconds < 120 { return "\(seconds) s ago" }
    if seconds < 7200 { return "\(seconds / 60) min ago" }
    return "\(seconds / 3600) h ago"
}

/// Prints rows as left-aligned columns.
func printTable(_ rows: [[String]]) {
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        print(
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                separator: "  "))
    }
}
