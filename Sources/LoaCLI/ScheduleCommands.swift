import ArgumentParser
import Foundation
import LoaControlAPI
import LoaSchedule

struct ScheduleCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "schedule", abstract: Message.scheduleAbstract.text(),
            subcommands: [Check.self, Apply.self, Show.self])
    }

    struct Check: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.scheduleCheckAbstract.text())
        }
        @Argument(help: Message.scheduleFileHelp.help) var file: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let schedule = try await checked(file, client: try options.client())
                print(Message.scheduleChecked.text(file, schedule.slots.count))
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.scheduleApplyAbstract.text())
        }
        @Argument(help: Message.scheduleFileHelp.help) var file: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let client = try options.client()
                let zones = try await zoneNames(client)
                let schedule = try await checked(file, client: client)
                var clipIds: [String: Int64] = [:]
                let fallbacks = schedule.slots.compactMap { $0.relay?.fallback }
                for clip in Set(schedule.slots.flatMap(\.clips) + fallbacks).sorted() {
                    let path = schedule.resolve(clip)
                    clipIds[clip] = try await client.storeClip(
                        file: path, title: URL(fileURLWithPath: path).lastPathComponent
                    ).id
                }
                // Each text is read aloud once, now, and stored like a clip: the slot airs that speech at its time.
                var spokenIds: [String: Int64] = [:]
                for slot in schedule.slots {
                    for text in slot.texts where spokenIds[text] == nil {
                        spokenIds[text] = try await client.storeSpeech(text: text, title: nil).id
                    }
                }
                let slots = schedule.slots.map { slot in
                    SlotInput(
                        name: slot.name, zones: slot.zones.contains("all") ? zones : slot.zones, times: slot.times,
                        weekdays: slot.weekdays.sorted(), from: slot.from?.description, until: slot.until?.description,
                        clipIds: slot.clips.compactMap { clipIds[$0] } + slot.texts.compactMap { spokenIds[$0] },
                        relay: slot.relay?.sources, relayMinutes: slot.relay?.minutes,
                        fallbackClipId: slot.relay?.fallback.flatMap { clipIds[$0] })
                }
                let applied = try await client.applySchedule(slots)
                if let broadcaster = applied.heldBy {
                    return print(Message.scheduleHeld.text(file, slots.count, broadcaster))
                }
                print(Message.scheduleApplied.text(file, slots.count))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.scheduleShowAbstract.text())
        }
        @Option(name: .long, help: Message.dayHelp.help) var day: String?
        @Flag(name: .long, help: Message.weekHelp.help) var week = false
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                var from: String?
                if let day {
                    guard let date = TypedDate(day), date.time == nil else { throw CLIError(.badDay, day) }
                    from = date.iso
                }
                let entries = try await options.client().timetable(from: from, days: week ? 7 : 1)
                if entries.isEmpty { print(Message.nothingScheduled.text()) }
                let weekdays = [""] + Message.weekdays.text().split(separator: "|").map(String.init)
                var zone = ""
                for entry in entries {
                    if entry.zone != zone {
                        zone = entry.zone
                        print(zone)
                    }
                    let weekday =
                        LocalDate(entry.date).map { weekdays[$0.weekday] }
                        ?? ""
                    print(
                        "  \(entry.date) \(weekday) \(entry.time)  \(entry.slot): \(entry.titles.joined(separator: ", ")) (\(minutesSeconds(entry.durationMs)))"
                    )
                }
            }
        }
    }
}

func zoneNames(_ client: ControlClient) async throws(CLIError) -> [String] {
    do { return try await client.zones().map(\.name) } catch { throw CLIError(error) }
}

/// Parses and checks a schedule file against the controller's zones, the clips on disk and the controller's voice
/// (each `say:` text is read by it, for its length; nothing is stored). Prints every issue (file:line:column:
/// message, one line each, in file order) and throws if there is any: the reading issues (bad times, days, dates,
/// keys) and the checking issues (unknown zones, bad clips, texts that cannot be read, overlaps) of one run together.
func checked(_ file: String, client: ControlClient) async throws -> Schedule {
    var issues: [ScheduleIssue] = []
    let schedule: Schedule
    do { schedule = try ScheduleParser.load(path: file) } catch {
        guard let partial = error.partial else { throw report(error.issues) }
        issues = error.issues
        schedule = partial
    }
    let zones: [String]
    do { zones = try await zoneNames(client) } catch {
        // Without the controller the zones cannot be checked; what the file itself gets wrong is still said.
        if !issues.isEmpty { throw report(issues) }
        throw error
    }
    // "Today" (for slots whose dates have passed) is the controller's, in its configured time zone.
    let timeZone = try await CommuneTimeZone.of(client)
    let now = Date()
    let today = LocalDate(
        dayNumber: Int((now.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: now))) / 86_400))
    // Each clip is read by the controller, which decodes it for broadcast (this program links no decoder), and
    // each text is timed by the controller's voice.
    var durations: [String: Result<Int, ScheduleChecker.ClipProblem>] = [:]
    let fallbacks = schedule.slots.compactMap { $0.relay?.fallback.map(schedule.resolve) }
    for path in Set(schedule.slots.flatMap { $0.clips.map(schedule.resolve) } + fallbacks).sorted() {
        durations[path] = try await clipDuration(path, client: client)
    }
    var spoken: [String: Result<Int, ScheduleChecker.ClipProblem>] = [:]
    for text in Set(schedule.slots.flatMap(\.texts)) {
        do { spoken[text] = .success(try await client.previewSpeech(text: text).durationMs) } catch {
            spoken[text] = .failure(.init(Message.textUnreadable.text(CLIError(error).description)))
        }
    }
    let checker = ScheduleChecker(zones: zones, today: today, textDuration: { spoken[$0] }) { path in
        durations[path] ?? .failure(.init(Message.clipMissing.text(path)))
    }
    issues += checker.check(schedule, file: file)
    if !issues.isEmpty { throw report(issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }) }
    return schedule
}

/// How long the clip at `path` plays, as the controller reads it; or what is wrong with it. Throws only when the
/// controller cannot be asked.
private func clipDuration(_ path: String, client: ControlClient) async throws(CLIError) -> Result<
    Int, ScheduleChecker.ClipProblem
> {
    guard FileManager.default.fileExists(atPath: path) else {
        return .failure(.init(Message.clipMissing.text(path)))
    }
    guard FileManager.default.isReadableFile(atPath: path) else {
        return .failure(.init(Message.clipUnreadable.text()))
    }
    do { return .success(try await client.checkClip(file: path).durationMs) } catch {
        switch error.status {
        case 400: return .failure(.init(Message.clipUnplayable.text(CLIError(error).description)))
        case 413: return .failure(.init(Message.clipTooLarge.text(CLIError(error).description)))
        default: throw CLIError(error)
        }
    }
}

/// Prints every issue but the last on stderr and returns the last as the error (so it is printed the same way).
private func report(_ issues: [ScheduleIssue]) -> CLIError {
    for issue in issues.dropLast() { FileHandle.standardError.write(Data("loa: \(plain(issue))\n".utf8)) }
    return CLIError(issues.last.map(plain) ?? Message.scheduleHasErrors.text())
        .appending(
            issues.count > 1 ? Message.scheduleErrorCount.text(issues.count) : Message.nothingApplied.text())
}

/// An issue as `file:line:column: message`, libyaml's words in it replaced by what to do.
private func plain(_ issue: ScheduleIssue) -> String {
    guard issue.message.hasPrefix("not valid YAML") else { return issue.description }
    var sentence = issue
    sentence.message = Message.scheduleNotYAML.text(issue.message.dropFirst("not valid YAML: ".count))
    return sentence.description
}
