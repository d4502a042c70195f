import Foundation
import LoaControlAPI
import LoaSchedule

/// One occurrence of a relay slot: started as a relay at its time.
struct RelayOccurrence: Sendable, Equatable {
    /// Slot, date and time: the same occurrence is never relayed twice (the item's slot key).
    var key: String
    var slot: String
    var zones: [String]
    var plan: RelayPlan
}

extension Programme {
    /// Replaces the schedule with `slots`, all or nothing. Slots play from now on; none from the past.
    public func applySchedule(_ slots: [SlotInput]) throws(ProgrammeError) {
        for slot in slots {
            for zone in slot.zones where !zoneNames.contains(zone) {
                throw .unknownZone(zone, known: zoneNames)
            }
        }
        let now = clock.now()
        try stored { () throws(StoreError) in try store.replaceSchedule(slots, at: now) }
        logger.info("applied a schedule of \(slots.count) slots")
        // What was planned ahead from the schedule replaced and is not in this one is withdrawn (a box drops it
        // from its timetable); what both plan stays as it is (its boxes keep their copies). Then plan anew.
        let planned = try stored { () throws(StoreError) in try store.schedule() }.slots
        let keeping = occurrences(of: planned, scannedTo: now, now: now + aheadMilliseconds, startup: false)
            .occurrences
        let withdrawn = try stored { () throws(StoreError) in
            try store.withdrawScheduled(
                after: now, keeping: keeping, reason: "the schedule was changed before it aired")
        }
        for item in withdrawn {
            logger.info(
                "withdrew item \(item.id) '\(item.title)' of \(localTime.text(item.plannedAt)): not in the new schedule"
            )
        }
        plannedThrough = nil
        try tick()
    }

    /// Holds `slots` for an approver (`approval: on`), sent by broadcaster `by`: checked as an apply checks them
    /// (zones), applied only by `releaseSchedule`. A schedule held before is replaced.
    public func holdSchedule(_ slots: [SlotInput], by: String) throws(ProgrammeError) {
        for slot in slots {
            for zone in slot.zones where !zoneNames.contains(zone) { throw .unknownZone(zone, known: zoneNames) }
        }
        try stored { () throws(StoreError) in try store.holdSchedule(slots, by: by) }
        logger.info("holding a schedule of \(slots.count) slots from \(by) for approval")
    }

    /// The schedule held for an approver, and who sent it.
    public func heldSchedule() throws(ProgrammeError) -> (slots: [SlotInput], by: String)? {
        try stored { () throws(StoreError) in try store.heldSchedule() }
    }

    /// Applies the held schedule, released by `approver`; `ProgrammeError.noScheduleHeld` if none is held.
    public func releaseSchedule(by approver: String) throws(ProgrammeError) -> (slots: [SlotInput], by: String) {
        guard let held = try heldSchedule() else { throw .noScheduleHeld }
        try applySchedule(held.slots)
        try stored { () throws(StoreError) in try store.holdSchedule(nil, by: approver) }
        logger.info("schedule of \(held.slots.count) slots from \(held.by) released by \(approver)")
        return held
    }

    /// The applied schedule's slots.
    public func slots() throws(ProgrammeError) -> [Slot] {
        try stored { () throws(StoreError) in try store.schedule() }.slots
    }

    /// The schedule the last apply replaced (nil: none was ever replaced), which Lịch's undo applies again.
    public func previousSchedule() throws(ProgrammeError) -> [SlotInput]? {
        try stored { () throws(StoreError) in try store.previousSchedule() }
    }

    /// The slot occurrences in (`scan`, `now`] and the new scan mark. A backward clock step makes the window empty
    /// (nothing repeats; the mark stays); a forward step makes it wide (nothing is skipped). At start-up,
    /// occurrences later than `lateLimitMilliseconds` are to be logged as missed instead of aired. A schedule never
    /// scanned starts its scan at `now`.
    /// A relay slot's occurrences come apart (`relays`): they start a relay rather than store an item of a clip.
    func occurrences(of slots: [Slot], scannedTo scan: Int64?, now: Int64, startup: Bool)
        -> (occurrences: [SlotOccurrence], relays: [RelayOccurrence], scannedTo: Int64?)
    {
        guard let scan else { return ([], [], now) }
        guard now > scan else { return ([], [], nil) }
        var found: [SlotOccurrence] = []
        var relays: [RelayOccurrence] = []
        var day = localTime.date(scan)
        let last = localTime.date(now)
        while day <= last {
            for slot in slots where Self.plays(slot, on: day) {
                let zones = slot.zones.filter { zoneNames.contains($0) }
                for minutes in slot.times {
                    let at = localTime.wall(day, minutes: minutes)
                    guard at > scan, at <= now else { continue }
                    let missed = startup && now - at > lateLimitMilliseconds
                    if let sources = slot.relay, let length = slot.relayMinutes {
                        relays.append(
                            RelayOccurrence(
                                key: "slot:\(slot.name)@\(day)T\(minutes)#relay", slot: slot.name, zones: zones,
                                plan: RelayPlan(
                                    sources: sources, until: at + Int64(length) * 60_000,
                                    fallbackClip: slot.fallbackClipId)))
                        continue
                    }
                    for (index, clip) in slot.clipIds.enumerated() {
                        found.append(
                            SlotOccurrence(
                                key: "slot:\(slot.name)@\(day)T\(minutes)#\(index)", slot: slot.name, clipId: clip,
                                zones: zones, at: at,
                                missedReason: missed ? "the controller was not running at \(localTime.text(at))" : nil))
                    }
                }
            }
            day = day.adding(days: 1)
        }
        return (found, relays, now)
    }

    /// Starts the relay of each occurrence whose window is still open (a controller that starts late joins it); a
    /// relay that cannot start is logged, and the rest of the programme goes on.
    func startRelays(_ relays: [RelayOccurrence]) {
        let now = clock.now()
        for relay in relays {
            guard relay.plan.until > now + 1000 else {
                logger.warning("relay slot '\(relay.slot)': its window passed while the controller was not running")
                continue
            }
            do {
                _ = try startRelay(
                    relay.plan, zones: relay.zones, title: relay.slot, origin: " \(relay.slot)", slotKey: relay.key)
            } catch {
                logger.error("relay slot '\(relay.slot)' could not start: \(error.message)")
            }
        }
    }

    static func plays(_ slot: Slot, on day: LocalDate) -> Bool {
        if let from = slot.fromDate.flatMap(LocalDate.init), day < from { return false }
        if let until = slot.untilDate.flatMap(LocalDate.init), day > until { return false }
        return slot.weekdays.contains(day.weekday)
    }

    /// The planned airings of `days` days from `from`, per zone, in time order.
    public func timetable(from: LocalDate, days: Int) throws(ProgrammeError) -> [TimetableEntry] {
        let slots = try stored { () throws(StoreError) in try store.schedule() }.slots
        var clipsById: [Int64: ClipRecord] = [:]
        for id in Set(slots.flatMap(\.clipIds)) {
            clipsById[id] = try stored { () throws(StoreError) in try store.clip(id) }
        }
        var entries: [TimetableEntry] = []
        for offset in 0..<max(1, min(days, 366)) {
            let day = from.adding(days: offset)
            for slot in slots where Self.plays(slot, on: day) {
                let clipRecords = slot.clipIds.compactMap { clipsById[$0] }
                let titles = slot.relay.map { ["Tiếp sóng \($0[0])"] } ?? clipRecords.map(\.title)
                let duration =
                    slot.relayMinutes.map { $0 * 60_000 } ?? clipRecords.reduce(0) { $0 + $1.durationMilliseconds }
                for minutes in slot.times {
                    for zone in slot.zones {
                        entries.append(
                            TimetableEntry(
                                zone: zone, date: day.description,
                                time: String(format: "%02d:%02d", minutes / 60, minutes % 60),
                                slot: slot.name, titles: titles, durationMs: duration))
                    }
                }
            }
        }
        return entries.sorted { ($0.zone, $0.date, $0.time) < ($1.zone, $1.date, $1.time) }
    }
}
