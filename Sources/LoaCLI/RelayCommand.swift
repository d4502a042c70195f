import ArgumentParser
import Foundation
import LoaControlAPI
import LoaSchedule

/// `loa relay URL [BACKUP…] --until 06:30`: a radio station (VOV, the provincial station) relayed on the air now
/// until a time or for a length; the controller switches to a backup, then to the fallback clip, on its own. A
/// relay at fixed hours belongs in the schedule (`relay:`).
struct RelayCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "relay", abstract: Message.relayAbstract.text())
    }

    @Argument(help: Message.relaySourcesHelp.help) var sources: [String]

    @Option(name: .long, help: Message.relayUntilHelp.help)
    var until: String

    @Option(name: .long, help: Message.relayFallbackHelp.help)
    var fallback: String?

    @Option(name: [.long, .customLong("zones")], help: Message.zonesHelp.help)
    var zone: String = "all"

    @Option(name: .long, help: Message.livePriorityHelp.help)
    var priority: String = "normal"

    @Option(name: .long, help: Message.sayTitleHelp.help)
    var title: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            guard let priority = Priority(typed: priority) else { throw CLIError(.badPriority, priority) }
            guard priority != .emergency else { throw CLIError(.liveNoEmergency) }
            for source in sources where !StationAddress.isValid(source) {
                throw CLIError(.relayBadSource, source)
            }
            if let fallback, !FileManager.default.isReadableFile(atPath: fallback) {
                throw CLIError(.relayFallbackMissing, fallback)
            }
            let client = try options.client()
            let timeZone = try await CommuneTimeZone.of(client)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            guard let end = Self.end(until, now: now, timeZone: timeZone) else { throw CLIError(.relayBadUntil, until) }
            var clip: Int64?
            if let fallback {
                clip = try await client.storeClip(
                    file: fallback, title: URL(fileURLWithPath: fallback).lastPathComponent
                )
                .id
            }
            let item = try await client.startRelay(
                sources: sources, until: end, fallback: clip, zones: zone, title: title, priority: priority)
            print(
                Message.relayStarted.text(
                    item.id, URL(string: sources[0])?.host ?? sources[0], item.zones.joined(separator: ", "),
                    localText(end, timeZone: timeZone)))
            await NobodyListening.warn(zones: item.zones, client: client)
        }
    }

    /// The relay's end: a time of day (the next one: "06:30" after midnight's slot is tomorrow's), a date and
    /// time, or a length from now (`30m`, `1h30m`).
    static func end(_ text: String, now: Int64, timeZone: TimeZone) -> Int64? {
        if let seconds = AirTimes.seconds(text), seconds > 0 { return now + seconds * 1000 }
        guard let instant = AirTimes.instant(text, now: now, timeZone: timeZone) else { return nil }
        // A bare time already passed today is tomorrow's.
        return instant <= now && !text.contains("/") && !text.contains("-") ? instant + 86_400_000 : instant
    }
}
