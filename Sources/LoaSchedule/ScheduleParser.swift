import Foundation
import Yams

/// Reads a schedule file (YAML, see `Schedules/README.md`), reporting every problem with its line and column.
public enum ScheduleParser {
    static let slotKeys: Set<String> = [
        "name", "at", "days", "from", "until", "zones", "play", "say", "relay", "backup", "length", "fallback",
    ]
    static let dayNames: [String: Int] = [
        "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
        "t2": 1, "t3": 2, "t4": 3, "t5": 4, "t6": 5, "t7": 6, "cn": 7,
    ]

    /// Parses `text` (from `file`, in `directory`). Returns the schedule, or throws every issue found; the
    /// thrown `ScheduleIssues` also carries the slots that could be read (`partial`), so that a checker can
    /// report its own issues (unknown zones, missing clips, overlaps) in the same run.
    public static func parse(_ text: String, file: String, directory: String) throws(ScheduleIssues) -> Schedule {
        var issues: [ScheduleIssue] = []
        func issue(_ node: Node?, _ message: String) {
            issues.append(
                ScheduleIssue(
                    file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message))
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            let described = "\(error)"
            var line = 1
            var column = 1
            if let yamlError = error as? YamlError, case .scanner(_, _, let mark, _) = yamlError {
                line = mark.line
                column = mark.column
            } else if let yamlError = error as? YamlError, case .parser(_, _, let mark, _) = yamlError {
                line = mark.line
                column = mark.column
            }
            throw ScheduleIssues([
                ScheduleIssue(
                    file: file, line: line, column: column,
                    message: "not valid YAML: \(described.split(separator: "\n").first ?? "")")
            ])
        }
        guard let root, let mapping = root.mapping, let slotsNode = mapping["slots"] else {
            throw ScheduleIssues([
                ScheduleIssue(file: file, line: 1, column: 1, message: "a schedule needs a 'slots:' list")
            ])
        }
        for key in mapping.keys where key.string != "slots" {
            issue(key, "unknown key '\(key.string ?? "?")'; the top level has only 'slots:'")
        }
        guard let list = slotsNode.sequence else {
            throw ScheduleIssues([
                ScheduleIssue(
                    file: file, line: slotsNode.mark?.line ?? 1, column: slotsNode.mark?.column ?? 1,
                    message: "'slots' must be a list of slots, each starting with '- '")
            ])
        }
        var slots: [Schedule.Slot] = []
        for node in list {
            guard let slot = node.mapping else {
                issue(node, "a slot must be a mapping with 'at:', 'zones:' and 'play:' or 'say:'")
                continue
            }
            for key in slot.keys where !slotKeys.contains(key.string ?? "") {
                issue(
                    key,
                    "unknown slot key '\(key.string ?? "?")'; slot keys are: \(slotKeys.sorted().joined(separator: ", "))"
                )
            }
            let name = slot["name"]?.string ?? "slot at line \(node.mark?.line ?? 0)"
            var times: [Int] = []
            if let at = slot["at"] {
                for timeNode in scalars(at) {
                    if let minutes = parseTime(timeNode.string ?? "") {
                        times.append(minutes)
                    } else {
                        issue(
                            timeNode, "bad time '\(timeNode.string ?? "")': write 24-hour HH:MM, such as 05:30 or 17:00"
                        )
                    }
                }
            } else {
                issue(node, "slot '\(name)' needs 'at:' (a time such as 05:30, or a list of times)")
            }
            var weekdays: Set<Int> = Set(1...7)
            if let days = slot["days"] {
                weekdays = []
                for dayNode in scalars(days) {
                    let word = (dayNode.string ?? "").lowercased()
                    switch word {
                    case "daily", "every day", "hang-ngay": weekdays.formUnion(1...7)
                    case "weekdays", "ngay-thuong": weekdays.formUnion(1...5)
                    case "weekends", "cuoi-tuan": weekdays.formUnion(6...7)
                    default:
                        if let day = dayNames[word] {
                            weekdays.insert(day)
                        } else {
                            issue(dayNode, "bad day '\(word)': use daily, weekdays, weekends or mon…sun (t2…cn)")
                        }
                    }
                }
            }
            let from = date(slot["from"], "from", issue)
            // In a relay slot, 'until' may end the relay (a time) instead of bounding the dates.
            let relayEnd = slot["relay"] != nil ? slot["until"].flatMap { $0.string.flatMap(parseTime) } : nil
            let until = relayEnd == nil ? date(slot["until"], "until", issue) : nil
            if let from, let until, until < from {
                issue(slot["until"], "slot '\(name)' ends (\(until)) before it starts (\(from))")
            }
            var zones: [String] = []
            var zonePlaces: [Schedule.Place] = []
            if let zonesNode = slot["zones"] {
                for zoneNode in scalars(zonesNode) {
                    guard let zone = zoneNode.string, !zone.isEmpty else { continue }
                    zones.append(zone)
                    zonePlaces.append(place(zoneNode))
                }
                if zones.isEmpty { issue(zonesNode, "slot '\(name)' names no zone") }
            } else {
                issue(node, "slot '\(name)' needs 'zones:' (a zone, a list of zones, or all)")
            }
            var clips: [String] = []
            var clipPlaces: [Schedule.Place] = []
            if let play = slot["play"] {
                for clipNode in scalars(play) {
                    guard let clip = clipNode.string, !clip.isEmpty else { continue }
                    clips.append(clip)
                    clipPlaces.append(place(clipNode))
                }
                if clips.isEmpty { issue(play, "slot '\(name)' plays no clip") }
            }
            var texts: [String] = []
            var textPlaces: [Schedule.Place] = []
            if let say = slot["say"] {
                for textNode in scalars(say) {
                    let text = (textNode.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    guard !text.isEmpty else {
                        issue(
                            textNode, "slot '\(name)': 'say' needs the words of the notice (a text, or a list of texts)"
                        )
                        continue
                    }
                    texts.append(text)
                    textPlaces.append(place(textNode))
                }
            }
            var relay: Schedule.Slot.Relay?
            if let relayNode = slot["relay"] {
                relay = relaySlot(
                    name: name, relayNode, backup: slot["backup"], end: relayEnd, length: slot["length"],
                    fallback: slot["fallback"], times: times, node: node, issue)
                if slot["play"] != nil || slot["say"] != nil {
                    issue(
                        slot["play"] ?? slot["say"],
                        "slot '\(name)' relays a station: put 'play:' and 'say:' in a slot of their own")
                }
            } else {
                for key in ["backup", "length", "fallback"] where slot[key] != nil {
                    issue(slot[key], "slot '\(name)': '\(key)' belongs to a relay slot (one with 'relay: URL')")
                }
            }
            if slot["play"] == nil && slot["say"] == nil && slot["relay"] == nil {
                issue(
                    node,
                    "slot '\(name)' needs 'play:' (a sound file, or a list to play in order), 'say:' (a text to read aloud) or 'relay:' (a station's address)"
                )
            }
            slots.append(
                Schedule.Slot(
                    name: name, zones: zones, times: times, weekdays: weekdays, from: from, until: until, clips: clips,
                    line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, zonePlaces: zonePlaces,
                    clipPlaces: clipPlaces, texts: texts, textPlaces: textPlaces, relay: relay))
        }
        let schedule = Schedule(slots: slots, directory: directory)
        if !issues.isEmpty { throw ScheduleIssues(issues, partial: schedule) }
        return schedule
    }

    /// Reads a schedule file from disk.
    public static func load(path: String) throws(ScheduleIssues) -> Schedule {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ScheduleIssues([
                ScheduleIssue(
                    file: path, line: 1, column: 1,
                    message: "cannot read the schedule file (missing, unreadable or not UTF-8 text)")
            ])
        }
        let url = URL(fileURLWithPath: path)
        return try parse(text, file: path, directory: url.deletingLastPathComponent().path)
    }

    /// The relay of a slot: `relay:` (a URL), `backup:` (a URL or a list), an end (`until:` a time, else
    /// `length:` a duration such as 30m or 1h30m; at most 24 hours) and `fallback:` (a clip).
    private static func relaySlot(
        name: String, _ relayNode: Node, backup: Node?, end: Int?, length: Node?, fallback: Node?, times: [Int],
        node: Node, _ issue: (Node?, String) -> Void
    ) -> Schedule.Slot.Relay? {
        var sources: [String] = []
        for sourceNode in [relayNode] + (backup.map(scalars) ?? []) {
            let source = (sourceNode.string ?? "").trimmingCharacters(in: .whitespaces)
            guard StationAddress.isValid(source) else {
                issue(sourceNode, "slot '\(name)': '\(source)' is not a station's address; write http://HOST/PATH")
                continue
            }
            sources.append(source)
        }
        var minutes: Int?
        if let end {
            // From each start time to the end time (the next day's if it is earlier: a relay across midnight).
            let lengths = Set(times.map { (end - $0 + 1440) % 1440 })
            if lengths.count > 1 {
                issue(node, "slot '\(name)' has several times: give the relay a 'length:' (such as 30m), not an end")
            } else if let only = lengths.first {
                if only == 0 { issue(node, "slot '\(name)' ends when it starts: give a later 'until:'") }
                minutes = only
            }
        } else if let length {
            if let value = length.string.flatMap(duration), value > 0, value <= 1440 {
                minutes = value
            } else {
                issue(
                    length, "slot '\(name)': bad length '\(length.string ?? "")'; write 30m, 1h or 1h30m (at most 24h)")
            }
        } else {
            issue(node, "slot '\(name)' relays until when? add 'until: \"06:30\"' or 'length: 30m'")
        }
        guard let minutes, !sources.isEmpty else { return nil }
        return Schedule.Slot.Relay(
            sources: sources, minutes: minutes, fallback: fallback?.string, fallbackPlace: fallback.map(place))
    }

    /// Minutes in "1h30m", "45m", "2h"; nil if it is not one.
    static func duration(_ text: String) -> Int? {
        var total = 0
        var number: Int?
        for character in text.lowercased() where character != " " {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + digit
                guard number! < 100_000 else { return nil }
            } else if let value = number, let unit = ["h": 60, "m": 1][character] {
                total += value * unit
                number = nil
            } else {
                return nil
            }
        }
        return number == nil && total > 0 ? total : nil
    }

    /// "HH:MM" → minutes after midnight.
    public static func parseTime(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2, let hours = Int(parts[0]),
            let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }

    private static func place(_ node: Node) -> Schedule.Place {
        Schedule.Place(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    private static func scalars(_ node: Node) -> [Node] {
        if let sequence = node.sequence { return Array(sequence) }
        return [node]
    }

    private static func date(_ node: Node?, _ key: String, _ issue: (Node?, String) -> Void) -> LocalDate? {
        guard let node else { return nil }
        guard let text = node.string, let date = LocalDate(text) else {
            issue(node, "bad date '\(node.string ?? "")' for '\(key)': write YYYY-MM-DD, such as 2026-12-01")
            return nil
        }
        return date
    }
}

/// Every problem found in a schedule file.
public struct ScheduleIssues: Error, Sendable {
    public var issues: [ScheduleIssue]
    /// The slots that could be read despite the issues (a slot with a bad time keeps its good times), or nil
    /// when the file's structure could not be read at all (not YAML, no `slots:` list).
    public var partial: Schedule?
    public init(_ issues: [ScheduleIssue], partial: Schedule? = nil) {
        self.issues = issues
        self.partial = partial
    }
}
