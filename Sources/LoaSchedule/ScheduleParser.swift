import Foundation
import Yams

/// Reads a schedule file (YAML, see `Schedules/README.md`), reporting every problem with its line and column.
public enum ScheduleParser {
    static let slotKeys: Set<String> = ["name", "at", "days", "from", "until", "zones", "play", "say"]
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
            let until = date(slot["until"], "until", issue)
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
            if slot["play"] == nil && slot["say"] == nil {
                issue(
                    node,
                    "slot '\(name)' needs 'play:' (a sound file, or a list to play in order) or 'say:' (a text to read aloud)"
                )
            }
            slots.append(
                Schedule.Slot(
                    name: name, zones: zones, times: times, weekdays: weekdays, from: from, until: until, clips: clips,
                    line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, zonePlaces: zonePlaces,
                    clipPlaces: clipPlaces, texts: texts, textPlaces: textPlaces))
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
