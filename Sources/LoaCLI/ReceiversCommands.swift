import ArgumentParser
import Foundation
import LoaControlAPI

/// `loa receivers`: the speaker boxes, their state and how well they play. The listing is a default
/// subcommand (`loa receivers [list] [--json]`), so that `--json` after `show ID` belongs to `show`.
struct ReceiversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receivers",
        abstract: "List the speaker boxes: state, sound card, last heard, loss, underruns, version.",
        subcommands: [
            List.self, Show.self, Approve.self, Move.self, Rename.self, Remove.self, Reject.self,
        ], defaultSubcommand: List.self)

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
                    return try await client.printJSON(.receivers)
                }
                let receivers = try await client.receivers()
                guard !receivers.isEmpty else {
                    print("no receivers yet: a box appears here (pending) once its heartbeats reach the controller")
                    return
                }
                let rows =
                    [
                        [
                            "NAME", "ID", "ZONE", "STATE", "SOUND", "SYNC", "DELIVERY", "LAST SEEN", "LOSS",
                            "UNDERRUNS",
                            "VERSION",
                        ]
                    ]
                    + receivers.map {
                        [
                            $0.name, $0.id, $0.zoneText, $0.state.rawValue, $0.soundText, $0.syncText, $0.deliveryText,
                            ago($0.lastSeen),
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
                    return try await client.printJSON(.receiver, path: Route.receiver.path(receiver))
                }
                let detail = try await client.receiver(receiver)
                let info = detail.receiver
                print(
                    "\(info.name) (\(info.id)): \(info.state.rawValue), zone \(info.zoneText), last seen \(ago(info.lastSeen))"
                )
                if info.soundCardFailing {
                    print(
                        "  SOUND CARD FAILING: the box is alive but cannot be heard ('loa refresh \(info.name)' reopens it)"
                    )
                }
                if info.noTrustedTime {
                    print(
                        "  NO TRUSTED TIME: the box cannot get trusted time from the controller and plays nothing (check its trust anchor and its log)"
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
            commandName: "approve",
            abstract: "Admit a pending receiver (or rename it, or move it to another zone).",
            discussion: "With a zone, the box is sent the zone's group and joins it at once; this waits for its answer."
        )

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @Option(name: .long, help: "A name for it, such as 'thon-dong-truong-hoc' (unique).")
        var name: String?

        @Option(name: .long, help: "The zone it plays.")
        var zone: String?

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let placement = try await options.client().approve(receiver, name: name, zone: zone)
                let info = placement.receiver
                print("approved \(info.name) (\(info.id)), zone \(info.zone ?? "-"): \(info.state.rawValue)")
                try report(placement)
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move",
            abstract: "Move a receiver to another zone: it is sent the zone's group and joins it at once.")

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @Option(name: .long, help: "The zone it plays from now on ('loa zones' lists them).")
        var zone: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let placement = try await options.client().move(receiver, zone: zone)
                if placement.zoneCommand == nil {
                    let info = placement.receiver
                    print(
                        "\(info.name) (\(info.id)) is registered in zone \(zone); it does not report its group, so none was sent"
                    )
                }
                try report(placement)
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename", abstract: "Give a receiver another name (names are unique).")

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @Argument(help: "Its new name, such as 'thon-dong-cho'.")
        var name: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let info = try await options.client().rename(receiver, name: name)
                print("renamed \(info.id) to \(info.name)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Forget a receiver: its history goes, and its heartbeats are ignored from now on.")

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let info = try await options.client().remove(receiver)
                print("removed \(info.name) (\(info.id))")
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject", abstract: "Refuse a pending receiver: it is not admitted and raises no more alerts.")

        @Argument(help: "The receiver's id (or a unique start of it) or name.")
        var receiver: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let info = try await options.client().reject(receiver)
                print("rejected \(info.name) (\(info.id))")
            }
        }
    }
}

/// Prints how the zone command ended, as for volume and mute; throws if the box did not acknowledge it.
private func report(_ placement: PlacementView) throws(CLIError) {
    guard let command = placement.zoneCommand else { return }
    let zone = placement.receiver.zone ?? "-"
    print("\(command.name) (\(command.receiver)): zone \(zone) \(command.resultText)")
    if command.result != .acknowledged {
        throw CLIError(
            "\(command.name) is registered in zone \(zone) but has not joined it; it shows 'wrong-zone' until it does "
                + "(try again with 'loa receivers move \(command.name) --zone \(zone)' once it is online)")
    }
}

/// `loa zones`: each zone's group and how many of its boxes are online.
struct ZonesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zones", abstract: "List the zones: their multicast group and their boxes (online / all).")

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if json {
                return try await client.printJSON(.fleetZones)
            }
            let zones = try await client.fleetZones()
            let rows =
                [["ZONE", "GROUP", "BOXES ONLINE"]]
                + zones.map {
                    [$0.name, $0.group ?? "NOT CONFIGURED (zone-gone)", "\($0.online) of \($0.receivers)"]
                }
            printTable(rows)
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
        case (nil, nil): throw CLIError("name the receiver (its name or id), or a zone with --zone")
        case (_?, _?): throw CLIError("name one receiver or a zone with --zone, not both")
        }
    }
}

/// Sends a command and prints one line per receiver; exits 1 if any did not acknowledge it.
/// A test tone on a muted box plays silently: each such box gets a line saying so and what to do.
func sendCommand(_ action: CommandAction, value: Int? = nil, target: TargetOptions, options: ControllerOptions)
    async throws
{
    try await runReportingErrors {
        let client = try options.client()
        let (receiver, zone) = try target.chosen()
        let results = try await client.command(action, value: value, receiver: receiver, zone: zone)
        let muted =
            action == .testTone ? Set(try await client.receivers().filter(\.muted).map(\.id)) : []
        var failed = 0
        for result in results {
            print("\(result.name) (\(result.receiver)): \(action.rawValue) \(result.resultText)")
            if muted.contains(result.receiver) {
                print("  \(result.name) is muted: the tone played silently; 'loa unmute \(result.name)' and try again")
            }
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

    /// The SYNC column: how far the box may play from the commune's timeline ("±0.4ms"), "-" if it does not say.
    var syncText: String { syncMs.map { String(format: "±%.1fms", $0) } ?? "-" }
    /// "multicast", "unicast", or for a box set to auto what it hears now ("auto:unicast"); "-" if it does not say.
    var deliveryText: String {
        guard let delivery else { return "-" }
        let now = unicast == true ? "unicast" : "multicast"
        return delivery == "auto" ? "auto:" + now : now
    }

    /// The ZONE column: the zone, and its problem in capitals ("thon-dong WRONG-ZONE").
    var zoneText: String { (zone ?? "-") + (zoneProblem.map { " " + $0.uppercased() } ?? "") }
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
