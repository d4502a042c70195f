import ArgumentParser
import Foundation
import LoaControlAPI

/// `loa receivers`: the speaker boxes, their state and how well they play. The listing is a default
/// subcommand (`loa receivers [list] [--json]`), so that `--json` after `show ID` belongs to `show`.
struct ReceiversCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "receivers", abstract: Message.receiversAbstract.text(),
            subcommands: [
                List.self, Show.self, Approve.self, Move.self, Rename.self, Remove.self, Reject.self,
            ], defaultSubcommand: List.self)
    }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "list", abstract: Message.receiversListAbstract.text())
        }

        @Flag(name: .long, help: Message.jsonHelp.help)
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
                    print(Message.noReceivers.text())
                    return
                }
                let rows =
                    [Message.receiversHeadings.text().split(separator: "|").map(String.init)]
                    + receivers.map {
                        [
                            $0.name, $0.id, $0.zoneText, $0.state.name(), $0.soundText, $0.syncText, $0.deliveryText,
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
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "show", abstract: Message.receiversShowAbstract.text())
        }

        @Argument(help: Message.receiverHelp.help)
        var receiver: String

        @Flag(name: .long, help: Message.jsonHelp.help)
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
                    Message.receiverSummary.text(
                        info.name, info.id, info.state.name(), info.zoneText, ago(info.lastSeen)))
                if info.soundCardFailing { print(Message.soundCardFailing.text(info.name)) }
                if info.noTrustedTime { print(Message.noTrustedTime.text()) }
                if let beat = detail.heartbeat {
                    print(
                        Message.heartbeatVersion.text(
                            beat.version, beat.uptimeSeconds, beat.volume, beat.muted ? Message.mutedMark.text() : ""))
                    let stream = beat.streamId.map { String($0, radix: 16) } ?? "?"
                    print(
                        Message.heartbeatPlayback.text(
                            beat.playing ? Message.playingStream.text(stream) : Message.idle.text(), beat.jitterFrames)
                            + (beat.temperatureC.map { String(format: ", %.1f °C", $0) } ?? ""))
                    print(
                        Message.heartbeatCounters.text(
                            beat.received, beat.lost, beat.late, beat.recoveredByFEC, beat.concealed, beat.rejected,
                            beat.underruns))
                    if let missed = beat.repairMissed, let asked = beat.repairAsked,
                        let repaired = beat.repairRepaired, let abandoned = beat.repairAbandoned
                    {
                        print(Message.heartbeatRepair.text(missed, asked, repaired, abandoned))
                    }
                    if let clips = beat.clips, !clips.isEmpty {
                        let held = clips.map {
                            "#\($0.item) " + ($0.percent >= 100 ? Message.clipReady.text() : "\($0.percent) %")
                        }
                        print(Message.heartbeatClips.text(held.joined(separator: ", ")))
                    }
                    if let target = beat.jitterTargetMs {
                        print(
                            beat.jitterSpareMs.map { Message.heartbeatJitterSpare.text(target, $0) }
                                ?? Message.heartbeatJitter.text(target))
                    }
                }
                // The history's times are the controller's UTC stamps, shown in the commune's time.
                let timeZone = try await CommuneTimeZone.of(client)
                print(Message.history.text())
                for entry in detail.history {
                    let state = ReceiverState(rawValue: entry.state)?.name() ?? entry.state
                    print("  \(localText(iso: entry.at, timeZone: timeZone))  \(state)  \(entry.detail)")
                }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                commandName: "approve", abstract: Message.approveAbstract.text(),
                discussion: Message.approveDiscussion.text())
        }

        @Argument(help: Message.receiverHelp.help)
        var receiver: String

        @Option(name: .long, help: Message.approveNameHelp.help)
        var name: String?

        @Option(name: .long, help: Message.approveZoneHelp.help)
        var zone: String?

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let placement = try await options.client().approve(receiver, name: name, zone: zone)
                let info = placement.receiver
                print(Message.approved.text(info.name, info.id, info.zone ?? "-", info.state.name()))
                try report(placement)
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "move", abstract: Message.moveAbstract.text())
        }

        @Argument(help: Message.receiverHelp.help)
        var receiver: String

        @Option(name: .long, help: Message.moveZoneHelp.help)
        var zone: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let placement = try await options.client().move(receiver, zone: zone)
                if placement.zoneCommand == nil {
                    let info = placement.receiver
                    print(Message.movedWithoutGroup.text(info.name, info.id, zone))
                }
                try report(placement)
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "rename", abstract: Message.renameAbstract.text())
        }

        @Argument(help: Message.receiverHelp.help)
        var receiver: String

        @Argument(help: Message.newNameHelp.help)
        var name: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let info = try await options.client().rename(receiver, name: name)
                print(Message.renamed.text(info.id, info.name))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "remove", abstract: Message.removeReceiverAbstract.text())
        }

        @Argument(help: Message.receiverHelp.help)
        var receiver: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let info = try await options.client().remove(receiver)
                print(Message.receiverRemoved.text(info.name, info.id))
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "reject", abstract: Message.rejectAbstract.text())
        }

        @Argument(help: Message.receiverHelp.help)
        var receiver: String

        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let info = try await options.client().reject(receiver)
                print(Message.receiverRejected.text(info.name, info.id))
            }
        }
    }
}

/// Prints how the zone command ended, as for volume and mute; throws if the box did not acknowledge it.
private func report(_ placement: PlacementView) throws(CLIError) {
    guard let command = placement.zoneCommand else { return }
    let zone = placement.receiver.zone ?? "-"
    print(Message.zoneCommandResult.text(command.name, command.receiver, zone, command.resultName()))
    if command.result != .acknowledged { throw CLIError(.zoneNotJoined, command.name, zone) }
}

/// `loa zones`: each zone's group and how many of its boxes are online.
struct ZonesCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "zones", abstract: Message.zonesAbstract.text())
    }

    @Flag(name: .long, help: Message.jsonHelp.help)
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
                [Message.zonesHeadings.text().split(separator: "|").map(String.init)]
                + zones.map {
                    [$0.name, $0.group ?? Message.zoneGone.text(), Message.onlineOf.text($0.online, $0.receivers)]
                }
            printTable(rows)
        }
    }
}

/// Options naming what a command goes to: one receiver, or every approved receiver of a zone.
struct TargetOptions: ParsableArguments {
    @Argument(help: Message.receiverHelp.help)
    var receiver: String?

    @Option(name: .long, help: Message.targetZoneHelp.help)
    var zone: String?

    /// The receiver or the zone, exactly one of them.
    func chosen() throws(CLIError) -> (receiver: String?, zone: String?) {
        switch (receiver, zone) {
        case (let receiver?, nil): return (receiver, nil)
        case (nil, let zone?): return (nil, zone)
        case (nil, nil): throw CLIError(.targetMissing)
        case (_?, _?): throw CLIError(.targetTwice)
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
            print(Message.commandResult.text(result.name, result.receiver, action.name(), result.resultName()))
            if muted.contains(result.receiver) { print(Message.toneOnMutedBox.text(result.name)) }
            if result.result != .acknowledged { failed += 1 }
        }
        if failed > 0 {
            throw CLIError(.commandsFailed, failed, results.count, action.name())
        }
    }
}

struct VolumeCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "volume", abstract: Message.volumeAbstract.text())
    }

    @Argument(help: Message.percentHelp.help)
    var percent: Int

    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions

    func validate() throws {
        guard (0...100).contains(percent) else { throw ValidationError(Message.badVolume.text()) }
    }

    func run() async throws { try await sendCommand(.volume, value: percent, target: target, options: options) }
}

struct MuteCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "mute", abstract: Message.muteAbstract.text())
    }
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.mute, target: target, options: options) }
}

struct UnmuteCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "unmute", abstract: Message.unmuteAbstract.text())
    }
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.unmute, target: target, options: options) }
}

struct TestToneCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "test-tone", abstract: Message.testToneAbstract.text())
    }
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.testTone, target: target, options: options) }
}

struct RefreshCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "refresh", abstract: Message.refreshAbstract.text())
    }
    @OptionGroup var target: TargetOptions
    @OptionGroup var options: ControllerOptions
    func run() async throws { try await sendCommand(.refresh, target: target, options: options) }
}

extension ReceiverView {
    /// The SOUND column: "ok" or "FAILING".
    var soundText: String { soundCardFailing ? Message.soundFailing.text() : Message.soundOK.text() }

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
    guard let iso else { return Message.never.text() }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let date = formatter.date(from: iso) else { return iso }
    let seconds = max(0, Int(Date().timeIntervalSince(date)))
    if seconds < 120 { return Message.secondsAgo.text(seconds) }
    if seconds < 7200 { return Message.minutesAgo.text(seconds / 60) }
    return Message.hoursAgo.text(seconds / 3600)
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
