import Foundation
import GRDB
import LoaControlAPI
import LoaSchedule

extension Programme {
    /// Replaces the schedule with `slots`, all or nothing. Slots play from now on; none from the past.
    public func applySchedule(_ slots: [SlotInput]) throws {
        for slot in slots {
            for zone in slot.zones where !zoneNames.contains(zone) {
                throw ProgrammeError.unknownZone(zone, known: zoneNames)
            }
        }
        let now = clock.now()
        try store.write { db in
            for slot in slots {
                for id in slot.clipIds where try ClipRecord.fetchOne(db, key: id) == nil {
                    throw ProgrammeError.unknownClip(id)
                }
            }
            try db.execute(sql: "DELETE FROM slot")
            for slot in slots {
                var record = SlotRecord(
                    name: slot.name, zones: slot.zones.joined(separator: ","),
                    times: slot.times.map(String.init).joined(separator: ","),
                    weekdays: slot.weekdays.map(String.init).joined(separator: ","), fromDate: slot.from,
                    untilDate: slot.until,
                    clipIds: slot.clipIds.map(String.init).joined(separator: ","))
                try record.insert(db)
            }
            if try db.meta("scanWall") == nil { try db.setMeta("scanWall", String(now)) }
            try db.setMeta("scheduleAppliedAt", String(now))
        }
        logger.info("applied a schedule of \(slots.count) slots")
    }

    /// Creates the items of every slot occurrence in (last scan, now]. A backward clock step makes the window
    /// empty (nothing repeats); a forward step makes it wide (nothing is skipped). At start-up, occurrences later
    /// than `lateLimitMilliseconds` are logged as missed instead of aired.
    func materialize(_ db: Database, now: Int64, startup: Bool) throws {
        guard let scanText = try db.meta("scanWall"), let scan = Int64(scanText) else {
            try db.setMeta("scanWall", String(now))
            return
        }
        guard now > scan else { return }
        let slots = try SlotRecord.fetchAll(db)
        var day = localTime.date(scan)
        let last = localTime.date(now)
        while day <= last {
            for slot in slots where Self.plays(slot, on: day) {
                for minutes in slot.times.split(separator: ",").compactMap({ Int($0) }) {
                    let at = localTime.wall(day, minutes: minutes)
                    guard at > scan, at <= now else { continue }
                    let missed = startup && now - at > lateLimitMilliseconds
                    try createOccurrence(db, slot: slot, day: day, minutes: minutes, at: at, missed: missed)
                }
            }
            day = day.adding(days: 1)
        }
        try db.setMeta("scanWall", String(now))
    }

    private func createOccurrence(
        _ db: Database, slot: SlotRecord, day: LocalDate, minutes: Int, at: Int64, missed: Bool
    ) throws {
        let zones = slot.zones.split(separator: ",").map(String.init).filter { zoneNames.contains($0) }
        for (index, clipText) in slot.clipIds.split(separator: ",").enumerated() {
            guard let clipId = Int64(clipText), let clip = try ClipRecord.fetchOne(db, key: clipId) else { continue }
            let key = "slot:\(slot.name)@\(day)T\(minutes)#\(index)"
            guard try Item.filter(Column("slotKey") == key).fetchCount(db) == 0 else { continue }
            var item = Item(
                clipId: clipId, title: clip.title, priority: .normal, rank: 0, immediate: false, onInterrupt: .resume,
                zones: zones.joined(separator: ","), queuedAt: at, plannedAt: at, source: "schedule: \(slot.name)",
                slotKey: key, frameCount: clip.frameCount, frameMilliseconds: clip.frameMilliseconds)
            try item.insert(db)
            for zone in zones {
                if missed {
                    var entry = PlayLogEntry(
                        itemId: item.id!, zone: zone, title: clip.title, priority: .normal, plannedAt: at,
                        startedAt: nil,
                        endedAt: nil, outcome: .missed,
                        reason: "the controller was not running at \(localTime.text(at))",
                        fromFrame: 0, toFrame: 0, frameMilliseconds: clip.frameMilliseconds)
                    try entry.insert(db)
                } else {
                    var airing = Airing(itemId: item.id!, zone: zone, state: .pending, resumeFrame: 0, positionFrame: 0)
                    try airing.insert(db)
                }
            }
        }
    }

    static func plays(_ slot: SlotRecord, on day: LocalDate) -> Bool {
        if let from = slot.fromDate.flatMap(LocalDate.init), day < from { return false }
        if let until = slot.untilDate.flatMap(LocalDate.init), day > until { return false }
        return slot.weekdays.split(separator: ",").contains { Int($0) == day.weekday }
    }

    /// The planned airings of `days` days from `from`, per zone, in time order.
    public func timetable(from: LocalDate, days: Int) throws -> [TimetableEntry] {
        try store.read { db in
            let slots = try SlotRecord.fetchAll(db)
            var entries: [TimetableEntry] = []
            for offset in 0..<max(1, min(days, 366)) {
                let day = from.adding(days: offset)
                for slot in slots where Self.plays(slot, on: day) {
                    let clipRecords = try slot.clipIds.split(separator: ",").compactMap { Int64($0) }.compactMap {
                        try ClipRecord.fetchOne(db, key: $0)
                    }
                    for minutes in slot.times.split(separator: ",").compactMap({ Int($0) }) {
                        for zone in slot.zones.split(separator: ",").map(String.init) {
                            entries.append(
                                TimetableEntry(
                                    zone: zone, date: day.description,
                                    time: String(format: "%02d:%02d", minutes / 60, minutes % 60),
                                    slot: slot.name, titles: clipRecords.map(\.title),
                                    durationMs: clipRecords.reduce(0) { $0 + $1.durationMilliseconds }))
                        }
                    }
                }
            }
            return entries.sorted { ($0.zone, $0.date, $0.time) < ($1.zone, $1.date, $1.time) }
        }
    }
}
