import Foundation

/// Decides whether a parsed schedule can be applied: every zone known, every clip there and playable, every text
/// readable aloud, and no two fixed-time slots of one zone overlapping on any day.
public struct ScheduleChecker {
    /// Zones the controller has.
    public var zones: [String]
    /// The playing time in milliseconds of a clip file, or a reason it cannot be played.
    public var clipDuration: (String) -> Result<Int, ClipProblem>
    /// The playing time in milliseconds of a text read aloud, or a reason it cannot be read (nil: not known, as 0).
    public var textDuration: (String) -> Result<Int, ClipProblem>?
    /// The first day of the generic week checked for weekly slots.
    public var today: LocalDate

    public struct ClipProblem: Error {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    public init(
        zones: [String], today: LocalDate, textDuration: @escaping (String) -> Result<Int, ClipProblem>? = { _ in nil },
        clipDuration: @escaping (String) -> Result<Int, ClipProblem>
    ) {
        self.zones = zones
        self.today = today
        self.textDuration = textDuration
        self.clipDuration = clipDuration
    }

    /// Every issue in `schedule`, in file order; empty if it can be applied.
    public func check(_ schedule: Schedule, file: String) -> [ScheduleIssue] {
        var issues: [ScheduleIssue] = []
        var durations: [String: Int] = [:]
        var problems: [String: ClipProblem] = [:]
        for slot in schedule.slots {
            for (index, zone) in slot.zones.enumerated() where zone != "all" && !zones.contains(zone) {
                let place = slot.placeOfZone(index)
                issues.append(
                    ScheduleIssue(
                        file: file, line: place.line, column: place.column,
                        message:
                            "slot '\(slot.name)': unknown zone '\(zone)'; zones are: \(zones.joined(separator: ", "))"))
            }
            for (index, clip) in slot.clips.enumerated() {
                if durations[clip] == nil {
                    switch clipDuration(schedule.resolve(clip)) {
                    case .success(let milliseconds): durations[clip] = milliseconds
                    case .failure(let problem):
                        durations[clip] = 0
                        problems[clip] = problem
                    }
                }
                // Every place a bad clip is named is reported, so that none is left to find on the next run.
                if let problem = problems[clip] {
                    let place = slot.placeOfClip(index)
                    issues.append(
                        ScheduleIssue(
                            file: file, line: place.line, column: place.column,
                            message: "slot '\(slot.name)': clip '\(clip)' \(problem.reason)"))
                }
            }
            if let fallback = slot.relay?.fallback,
                case .failure(let problem) = clipDuration(schedule.resolve(fallback))
            {
                let place = slot.relay?.fallbackPlace ?? slot.place
                issues.append(
                    ScheduleIssue(
                        file: file, line: place.line, column: place.column,
                        message: "slot '\(slot.name)': fallback clip '\(fallback)' \(problem.reason)"))
            }
        }
        var spoken: [String: Int] = [:]
        for slot in schedule.slots {
            for (index, text) in slot.texts.enumerated() {
                switch textDuration(text) {
                case .success(let milliseconds): spoken[text] = milliseconds
                case .failure(let problem):
                    let place = slot.placeOfText(index)
                    let shown = text.count > 40 ? text.prefix(39) + "…" : Substring(text)
                    issues.append(
                        ScheduleIssue(
                            file: file, line: place.line, column: place.column,
                            message: "slot '\(slot.name)': the text '\(shown)' \(problem.reason)"))
                case nil: break
                }
            }
        }
        issues += overlaps(schedule, durations: durations, spoken: spoken, file: file)
        return issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// The zones a slot targets, with "all" expanded.
    public func targets(_ slot: Schedule.Slot) -> [String] {
        slot.zones.contains("all") ? zones : slot.zones.filter { zones.contains($0) }
    }

    /// Slots of one zone whose airings overlap, on the days of the coming week (and one more, so that a slot
    /// running past midnight meets the next day's) and every day of a bounded slot: one issue per pair and zone,
    /// at the later slot. Airings are laid on one timeline, so an airing that runs past midnight overlaps the next
    /// day's early ones.
    private func overlaps(_ schedule: Schedule, durations: [String: Int], spoken: [String: Int], file: String)
        -> [ScheduleIssue]
    {
        var days = Set((0..<8).map { today.adding(days: $0) })
        for slot in schedule.slots {
            guard let from = slot.from else { continue }
            let until = slot.until ?? from.adding(days: 6)
            var day = from
            while day <= until.adding(days: 1) && days.count < 800 {
                days.insert(day)
                day = day.adding(days: 1)
            }
        }
        let dayLength = 86_400_000
        var reported = Set<String>()
        var issues: [ScheduleIssue] = []
        for zone in zones {
            var runs: [(start: Int, end: Int, day: LocalDate, slot: Schedule.Slot)] = []
            for day in days.sorted() {
                for slot in schedule.slots where slot.plays(on: day) && targets(slot).contains(zone) {
                    let length =
                        slot.relay.map { $0.minutes * 60_000 }
                        ?? slot.clips.reduce(0) { $0 + (durations[$1] ?? 0) }
                        + slot.texts.reduce(0) { $0 + (spoken[$1] ?? 0) }
                    for time in slot.times {
                        let start = day.dayNumber * dayLength + time * 60_000
                        runs.append((start, start + max(length, 1), day, slot))
                    }
                }
            }
            runs.sort { $0.start < $1.start }
            // The airing that ends last so far: a long one can overlap several that follow it.
            var latest: (start: Int, end: Int, day: LocalDate, slot: Schedule.Slot)?
            for run in runs {
                if let earlier = latest, run.start < earlier.end {
                    let key = "\(earlier.slot.line):\(run.slot.line):\(zone)"
                    if reported.insert(key).inserted {
                        let (from, to) = (
                            earlier.start % dayLength, earlier.end - earlier.start + earlier.start % dayLength
                        )
                        issues.append(
                            ScheduleIssue(
                                file: file, line: run.slot.line, column: run.slot.column,
                                message:
                                    "slot '\(run.slot.name)' at \(Self.clock(run.start % dayLength)) overlaps slot '\(earlier.slot.name)' "
                                    + "(\(Self.clock(from))–\(Self.clock(to % dayLength))) in zone \(zone) on \(run.day)"
                            ))
                    }
                }
                if latest.map({ run.end > $0.end }) ?? true { latest = run }
            }
        }
        return issues
    }

    /// "05:30" for 19 800 000 ms; seconds are shown only when not zero.
    static func clock(_ milliseconds: Int) -> String {
        let seconds = milliseconds / 1000
        let text = String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60)
        return seconds % 60 == 0 ? text : text + String(format: ":%02d", seconds % 60)
    }
}
