import ArgumentParser
import Foundation
import LoaControlAPI

struct Queue: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(abstract: Message.queueAbstract.text()) }

    @Argument(help: Message.queueFileHelp.help)
    var file: String?

    @Option(name: .long, help: Message.queueClipHelp.help)
    var clip: String?

    @OptionGroup var item: ItemOptions

    @Option(name: .long, help: Message.queueTitleHelp.help)
    var title: String?

    @Flag(name: .long, help: Message.queueListHelp.help)
    var list = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if list {
                let status = try await client.status()
                let timeZone = try await CommuneTimeZone.of(client)
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                for zone in status.zones {
                    print("\(zone.name):")
                    if let item = zone.playing {
                        print(
                            Message.queueNow.text(
                                item.id, item.priority.name(), item.title, minutesSeconds(item.positionMs ?? 0),
                                minutesSeconds(item.durationMs)))
                    }
                    for (index, item) in zone.queued.enumerated() {
                        // An item planned for later (`--at`) says when.
                        let later = item.plannedAt > now ? " → " + localText(item.plannedAt, timeZone: timeZone) : ""
                        print(
                            "  \(index + 1).\(index < 9 ? "   " : "  ")#\(item.id) [\(item.priority.name())] \(item.title) (\(minutesSeconds(item.durationMs)))\(later)"
                        )
                    }
                    if zone.playing == nil && zone.queued.isEmpty { print(Message.nothingQueued.text()) }
                }
                return
            }
            if let clip {
                guard file == nil else { throw CLIError(.queueFileOrClip) }
                let named = try await ClipsCommand.named(clip, client: client)
                let title = title ?? named.title
                if item.isPlanned {
                    return try await item.queue(
                        clip: named.clipId, title: title, at: item.airTimes(client), client: client)
                }
                let (priority, onInterrupt) = try item.checked()
                let queued = try await client.queue(
                    file: nil, clip: named.clipId, zones: item.zone, title: title, priority: priority, now: item.now,
                    onInterrupt: onInterrupt, at: nil)
                return try await QueuedSentence.report(queued, client: client)
            }
            guard let file else { throw CLIError(.queueNeedsFile) }
            let (priority, onInterrupt) = try item.checked()
            if item.isPlanned {
                // Checked before the upload, so a wrong time stores nothing.
                let times = try await item.airTimes(client)
                let name = title ?? URL(fileURLWithPath: file).lastPathComponent
                let clip = try await client.storeClip(file: file, title: name)
                return try await item.queue(clip: clip.id, title: name, at: times, client: client)
            }
            let queued = try await client.queue(
                file: file, zones: item.zone, title: title ?? URL(fileURLWithPath: file).lastPathComponent,
                priority: priority, now: item.now, onInterrupt: onInterrupt)
            try await QueuedSentence.report(queued, client: client)
        }
    }
}

/// How an item is queued (`loa queue`, `loa say`): its zones, priority and what happens when it is cut off.
struct ItemOptions: ParsableArguments {
    @Option(name: [.long, .customLong("zones")], help: Message.zonesHelp.help)
    var zone: String = "all"

    @Option(name: .long, help: Message.priorityHelp.help)
    var priority: String = "normal"

    @Flag(name: .long, help: Message.nowHelp.help)
    var now = false

    @Option(name: .long, help: Message.onInterruptHelp.help)
    var onInterrupt: String = "resume"

    @Option(name: .long, help: Message.atHelp.help)
    var at: String?

    @Option(name: .long, help: Message.repeatHelp.help)
    var `repeat`: Int?

    @Option(name: .long, help: Message.everyHelp.help)
    var every: String?

    @Option(name: .long, help: Message.untilHelp.help)
    var until: String?

    /// True when the item is planned (`--at`) or repeated: it is then stored once and queued at each time.
    var isPlanned: Bool { at != nil || `repeat` != nil || every != nil || until != nil }

    /// The times it airs (commune time), checked before anything is sent.
    func airTimes(_ client: ControlClient) async throws -> AirTimes {
        let timeZone = try await CommuneTimeZone.of(client)
        return try AirTimes(
            at: at, repeats: `repeat`, every: every, until: until, now: Int64(Date().timeIntervalSince1970 * 1000),
            timeZone: timeZone)
    }

    /// Queues stored clip `clip` at each of `times`, printing a line for each: `#21 "Thông báo" → all: airs at …`.
    func queue(clip: Int64, title: String, at times: AirTimes, client: ControlClient) async throws {
        let (priority, onInterrupt) = try checked()
        let timeZone = try await CommuneTimeZone.of(client)
        for instant in times.instants {
            let queued = try await client.queue(
                file: nil, clip: clip, zones: zone, title: title, priority: priority, now: now,
                onInterrupt: onInterrupt, at: instant)
            let local = localText(instant, timeZone: timeZone)
            print(Message.queuedFor.text(queued.id, queued.title, queued.zones.joined(separator: ", "), local))
            if instant == times.instants.last { await NobodyListening.warn(zones: queued.zones, client: client) }
        }
    }

    /// The priority and the interrupt policy, or the one line saying which is wrong.
    func checked() throws(CLIError) -> (Priority, InterruptPolicy) {
        guard let priority = Priority(typed: priority) else { throw CLIError(.badPriority, priority) }
        guard let onInterrupt = InterruptPolicy(rawValue: onInterrupt) else {
            throw CLIError(.badOnInterrupt, onInterrupt)
        }
        guard !now || priority != .normal else { throw CLIError(.nowNeedsPriority) }
        return (priority, onInterrupt)
    }
}

struct Cancel: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(abstract: Message.cancelAbstract.text()) }

    @Argument(help: Message.itemIdHelp.help)
    var id: Int64

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let item = try await options.client().cancel(id)
            print(Message.cancelled.text(item.id, item.title))
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "status", abstract: Message.statusAbstract.text())
    }

    @Flag(name: .long, help: Message.jsonHelp.help)
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
                        Message.statusPlaying.text(
                            zone.name, item.id, item.priority.name(), item.title, minutesSeconds(item.positionMs ?? 0),
                            minutesSeconds(item.durationMs)))
                } else {
                    print(Message.statusIdle.text(zone.name))
                }
                for item in zone.queued {
                    print(
                        Message.statusQueued.text(
                            item.id, item.priority.name(), item.title, minutesSeconds(item.durationMs)))
                }
            }
            await printAlertLine(client)
        }
    }

    /// One line about the last day's alerts, if there were any (an operator without the fleet role sees none).
    private func printAlertLine(_ client: ControlClient) async {
        guard let alerts = try? await client.alerts(after: 0) else { return }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let since = Date().addingTimeInterval(-86_400)
        let recent = alerts.filter { (formatter.date(from: $0.at) ?? .distantPast) >= since }
        guard let latest = recent.last else { return }
        let names = (try? await AlertText.boxNames(client)) ?? [:]
        let timeZone = (try? await CommuneTimeZone.of(client)) ?? TimeZone.current
        print(
            Message.statusAlerts.text(
                recent.count, names[latest.receiver] ?? latest.receiver,
                localText(iso: latest.at, timeZone: timeZone), AlertText.kind(latest.kind)))
    }
}

/// Reads a clip to upload, refusing what is plainly not one before bothering the controller.
func readClip(_ path: String) throws(CLIError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CLIError(.noSuchFile, path)
    }
    guard !isDirectory.boolValue else { throw CLIError(.fileIsFolder, path) }
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(.fileUnreadable, path) }
    guard !data.isEmpty else { throw CLIError(.fileEmpty, path) }
    return data
}
