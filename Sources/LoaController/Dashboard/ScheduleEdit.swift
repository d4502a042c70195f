import Foundation
import LoaControlAPI
import LoaSchedule

/// A change made on Lịch to the applied schedule — a slot added, one replaced, one deleted — and the rules it is
/// checked by before it is applied: the fields read as a slot, and the whole schedule after it free of overlaps in
/// every zone (`ScheduleChecker`, midnight-crossing included). Pure: the page gathers, this decides.
struct ScheduleEdit {
    enum Operation: Equatable {
        case add
        case replace(Int64)
        case delete(Int64)
    }

    /// What is wrong with the fields; the raw value is the key of its words (`DashboardText`).
    enum Problem: String, Error {
        case badTimes, noDays, noZones, noContent, badDate, unknownSlot, noName
    }

    var operation: Operation
    /// The slot the fields describe (clips empty when `text` is to be read aloud; nil for a delete).
    var slot: SlotInput?
    /// A text to read aloud as the slot's content, stored when the edit is applied.
    var text: String?

    /// Reads the fields of the form. `existing` is the slot replaced (its content is kept when none is given).
    init(
        operation: Operation, name: String?, times: String?, weekdays: [String], zones: [String], text: String?,
        clip: Int64?, from: String?, until: String?, existing: Slot?
    ) throws(Problem) {
        self.operation = operation
        if case .delete = operation {
            guard existing != nil else { throw .unknownSlot }
            return
        }
        if case .replace = operation, existing == nil { throw .unknownSlot }
        let name = (name ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw .noName }
        guard let minutes = Self.minutes(times ?? ""), !minutes.isEmpty else { throw .badTimes }
        let days = weekdays.compactMap { Int($0) }.filter { (1...7).contains($0) }
        guard !days.isEmpty else { throw .noDays }
        guard !zones.isEmpty else { throw .noZones }
        let (fromDate, untilDate) = (Self.date(from), Self.date(until))
        guard fromDate.valid, untilDate.valid else { throw .badDate }
        let spoken = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var input = SlotInput(
            name: name, zones: zones, times: minutes, weekdays: Array(Set(days)).sorted(), from: fromDate.text,
            until: untilDate.text, clipIds: [])
        if let clip {
            input.clipIds = [clip]
        } else if !spoken.isEmpty {
            self.text = spoken
        } else if let existing {
            (input.clipIds, input.relay) = (existing.clipIds, existing.relay)
            (input.relayMinutes, input.fallbackClipId) = (existing.relayMinutes, existing.fallbackClipId)
        } else {
            throw .noContent
        }
        slot = input
    }

    /// The schedule after the edit, in the order of `slots` (an added slot last).
    func applied(to slots: [Slot]) -> [SlotInput] {
        switch operation {
        case .add: return slots.map(\.input) + (slot.map { [$0] } ?? [])
        case .replace(let id): return slots.map { $0.id == id ? (slot ?? $0.input) : $0.input }
        case .delete(let id): return slots.filter { $0.id != id }.map(\.input)
        }
    }

    /// "06:00, 17:30" (also "6h", "6h30", "17.30"), as minutes after midnight; nil if a time is not one.
    static func minutes(_ text: String) -> [Int]? {
        let words = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " })
        var found: [Int] = []
        for word in words {
            let parts = word.lowercased().split(whereSeparator: { $0 == ":" || $0 == "h" || $0 == "." })
            guard (1...2).contains(parts.count), let hour = Int(parts[0]), (0..<24).contains(hour) else { return nil }
            let minute = parts.count == 2 ? Int(parts[1]) : 0
            guard let minute, (0..<60).contains(minute) else { return nil }
            found.append(hour * 60 + minute)
        }
        return Array(Set(found)).sorted()
    }

    private static func date(_ text: String?) -> (valid: Bool, text: String?) {
        guard let text, !text.isEmpty else { return (true, nil) }
        guard let date = LocalDate(text) else { return (false, nil) }
        return (true, date.description)
    }

    /// Every overlap in `slots` as the checker words it ("slot 'B' at 06:10 overlaps slot 'A' (06:00–06:20) in
    /// zone thon-a on 2026-12-07"): `durations` by clip id, `textDuration` the length of a text read aloud.
    static func overlaps(
        _ slots: [SlotInput], texts: [Int: String], zones: [String], today: LocalDate, durations: [Int64: Int],
        textDuration: Int
    ) -> [String] {
        let schedule = Schedule(
            slots: slots.enumerated().map { index, slot in
                Schedule.Slot(
                    name: slot.name, zones: slot.zones, times: slot.times, weekdays: Set(slot.weekdays),
                    from: slot.from.flatMap(LocalDate.init), until: slot.until.flatMap(LocalDate.init),
                    clips: slot.clipIds.map { "/clip/\($0)" }, line: index + 1, column: 1,
                    texts: texts[index].map { [$0] } ?? [],
                    relay: slot.relay.map { .init(sources: $0, minutes: slot.relayMinutes ?? 0) })
            }, directory: "/")
        let checker = ScheduleChecker(
            zones: zones, today: today, textDuration: { _ in .success(textDuration) },
            clipDuration: { path in .success(Int64(path.dropFirst(6)).flatMap { durations[$0] } ?? 0) })
        return checker.check(schedule, file: "").map(\.message)
    }
}
