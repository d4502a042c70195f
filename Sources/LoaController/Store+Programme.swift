import Foundation
import LoaControlAPI
import GRDB

/// The programme's state in SQLite: every SQL statement of the programme is in this file.
extension Store: ProgrammeStore {
    // MARK: Clips and items

    public func insertClip(title: String, text: String?, frameCount: Int, frameMilliseconds: Int, at: Int64)
        throws(StoreError) -> ClipRecord
    {
        try writing { db in
            try db.execute(
                sql: "INSERT INTO clip (title, frameCount, frameMilliseconds, createdAt, text) VALUES (?, ?, ?, ?, ?)",
                arguments: [title, frameCount, frameMilliseconds, at, text])
            return ClipRecord(
                id: db.lastInsertedRowID, title: title, frameCount: frameCount, frameMilliseconds: frameMilliseconds,
                createdAt: at, text: text)
        }
    }

    public func clip(_ id: Int64) throws(StoreError) -> ClipRecord? {
        try reading { db in try ClipRecord.fetchOne(db, sql: "SELECT * FROM clip WHERE id = ?", arguments: [id]) }
    }

    public func library() throws(StoreError) -> [(name: String, clip: ClipRecord)] {
        try reading { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT namedClip.name, clip.* FROM namedClip JOIN clip ON clip.id = namedClip.clipId ORDER BY name"
            ).map { (name: $0["name"], clip: try ClipRecord(row: $0)) }
        }
    }

    public func nameClip(_ name: String, clip: Int64, at now: Int64) throws(StoreError) {
        try writing { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM clip WHERE id = ?", arguments: [clip]) == 1 else {
                throw StoreError.unknownClip(clip)
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO namedClip (name, clipId, namedAt) VALUES (?, ?, ?)",
                arguments: [name, clip, now])
        }
    }

    public func removeNamedClip(_ name: String) throws(StoreError) -> Bool {
        try writing { db in
            try db.execute(sql: "DELETE FROM namedClip WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func setLength(clip: Int64, item: Int64, frameCount: Int) throws(StoreError) {
        try writing { db in
            try db.execute(sql: "UPDATE clip SET frameCount = ? WHERE id = ?", arguments: [frameCount, clip])
            try db.execute(sql: "UPDATE item SET frameCount = ? WHERE id = ?", arguments: [frameCount, item])
        }
    }

    public func insertItem(_ item: NewItem, slotKey: String?) throws(StoreError) -> Item {
        try writing { db in try Self.insert(item, slotKey: slotKey, airings: true, db) }
    }

    public func item(_ id: Int64) throws(StoreError) -> Item? {
        try reading { db in
            try Row.fetchOne(db, sql: "SELECT * FROM item WHERE id = ?", arguments: [id]).map { try Self.item($0, db) }
        }
    }

    public func airings(ofItem id: Int64) throws(StoreError) -> [Airing] {
        try reading { db in
            try Airing.fetchAll(db, sql: "SELECT * FROM airing WHERE itemId = ? ORDER BY id", arguments: [id])
        }
    }

    public func airing(_ id: Int64) throws(StoreError) -> (Airing, Item)? {
        try reading { db in
            guard let airing = try Airing.fetchOne(db, sql: "SELECT * FROM airing WHERE id = ?", arguments: [id]),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM item WHERE id = ?", arguments: [airing.itemId])
            else { return nil }
            return (airing, try Self.item(row, db))
        }
    }

    public func pending(zone: String, readyBy now: Int64) throws(StoreError) -> [(Airing, Item)] {
        try reading { db in
            try Self.airingsWithItems(
                db,
                where: "airing.zone = ? AND airing.state = 'pending' AND item.plannedAt <= ? AND item.heldBy IS NULL",
                arguments: [zone, now])
        }
    }

    /// The zone's airings cancelled before they aired of items planned after `after` (Unix ms), with their items:
    /// the cancellation entries of the zone's timetable (issue 15, point 4).
    public func cancelledAhead(zone: String, after: Int64) throws(StoreError) -> [(Airing, Item)] {
        try reading { db in
            try Self.airingsWithItems(
                db, where: "airing.zone = ? AND airing.state = 'cancelled' AND item.plannedAt > ?",
                arguments: [zone, after])
        }
    }

    public func heldItems() throws(StoreError) -> [Item] {
        try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM item WHERE heldBy IS NOT NULL
                    AND EXISTS (SELECT 1 FROM airing WHERE airing.itemId = item.id AND airing.state = 'pending')
                    ORDER BY id
                    """
            ).map { try Self.item($0, db) }
        }
    }

    public func release(item id: Int64) throws(StoreError) -> Bool {
        try writing { db in
            try db.execute(sql: "UPDATE item SET heldBy = NULL WHERE id = ? AND heldBy IS NOT NULL", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func playing() throws(StoreError) -> [(Airing, Item)] {
        try reading { db in try Self.airingsWithItems(db, where: "airing.state = 'playing'", arguments: []) }
    }

    public func saveRelayPlan(_ plan: RelayPlan, item: Int64) throws(StoreError) {
        try writing { db in
            try db.execute(
                sql: "INSERT INTO relayPlan (itemId, sources, until, fallbackClipId) VALUES (?, ?, ?, ?)",
                arguments: [item, plan.sources.joined(separator: "\n"), plan.until, plan.fallbackClip])
        }
    }

    public func relayPlan(item: Int64) throws(StoreError) -> RelayPlan? {
        try reading { db in
            try Row.fetchOne(db, sql: "SELECT * FROM relayPlan WHERE itemId = ?", arguments: [item]).map { row in
                RelayPlan(
                    sources: (row["sources"] as String).split(separator: "\n").map(String.init), until: row["until"],
                    fallbackClip: row["fallbackClipId"])
            }
        }
    }

    // MARK: Airings and the as-played log

    public func recover(resumeFrames: [Int64: Int], reason: String, now: Int64) throws(StoreError) -> [PlayLogEntry] {
        try writing { db in
            let lastAlive = try db.meta("lastAlive").flatMap { Int64($0) } ?? now
            for (airing, frame) in resumeFrames {
                try db.execute(
                    sql: "UPDATE airing SET state = 'pending', resumeFrame = ? WHERE id = ?",
                    arguments: [frame, airing])
            }
            var closed: [PlayLogEntry] = []
            for var entry in try PlayLogEntry.fetchAll(
                db, sql: "SELECT * FROM playlog WHERE outcome = 'airing' ORDER BY id")
            {
                let position = try Int.fetchOne(
                    db, sql: "SELECT positionFrame FROM airing WHERE itemId = ? AND zone = ?",
                    arguments: [entry.itemId, entry.zone])
                entry.outcome = .interrupted
                entry.reason = reason
                entry.endedAt = max(lastAlive, entry.startedAt ?? lastAlive)
                entry.toFrame = position ?? entry.fromFrame
                try db.execute(
                    sql: "UPDATE playlog SET outcome = ?, reason = ?, endedAt = ?, toFrame = ? WHERE id = ?",
                    arguments: [entry.outcome, entry.reason, entry.endedAt, entry.toFrame, entry.id])
                closed.append(entry)
            }
            return closed
        }
    }

    public func cancel(_ airings: [Airing], of item: Item, reason: String, at: Int64) throws(StoreError) {
        try writing { db in try Self.cancel(airings, of: item, reason: reason, at: at, db) }
    }

    public func begin(_ airing: Airing, of item: Item, reason: String?, at: Int64) throws(StoreError) {
        try writing { db in
            try db.execute(
                sql: "UPDATE airing SET state = 'playing', positionFrame = resumeFrame WHERE id = ?",
                arguments: [airing.id])
            try Self.log(
                item, zone: airing.zone, startedAt: at, endedAt: nil, outcome: .airing, reason: reason,
                frame: airing.resumeFrame, db)
        }
    }

    public func fail(_ airing: Airing, of item: Item, reason: String, at: Int64) throws(StoreError) {
        try writing { db in
            try db.execute(sql: "UPDATE airing SET state = 'failed' WHERE id = ?", arguments: [airing.id])
            try Self.log(
                item, zone: airing.zone, startedAt: nil, endedAt: at, outcome: .failed, reason: reason,
                frame: airing.resumeFrame, db)
        }
    }

    public func started(airing: Int64, at: Int64) throws(StoreError) {
        try writing { db in
            try db.execute(
                sql: "UPDATE playlog SET startedAt = ? WHERE id = (\(Self.openEntry))", arguments: [at, airing])
        }
    }

    public func end(
        airing id: Int64, at: Int64, frame: Int, state: AiringState, resumeFrame: Int?, outcome: Outcome,
        reason: String?
    ) throws(StoreError) {
        try writing { db in
            try db.execute(
                sql: """
                    UPDATE playlog SET outcome = ?, endedAt = ?, toFrame = ?, reason = coalesce(?, reason)
                    WHERE id = (\(Self.openEntry))
                    """, arguments: [outcome, at, frame, reason, id])
            try db.execute(
                sql: """
                    UPDATE airing SET state = ?, positionFrame = ?, resumeFrame = coalesce(?, resumeFrame)
                    WHERE id = ?
                    """, arguments: [state, frame, resumeFrame, id])
        }
    }

    // MARK: Time and the schedule

    public func advance(to now: Int64, positions: [Int64: Int], occurrences: [SlotOccurrence], scannedTo: Int64?)
        throws(StoreError)
    {
        try writing { db in
            for (airing, frame) in positions {
                try db.execute(sql: "UPDATE airing SET positionFrame = ? WHERE id = ?", arguments: [frame, airing])
            }
            try db.setMeta("lastAlive", String(now))
            for occurrence in occurrences {
                guard
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM item WHERE slotKey = ?", arguments: [occurrence.key]) == 0,
                    let clip = try ClipRecord.fetchOne(
                        db, sql: "SELECT * FROM clip WHERE id = ?", arguments: [occurrence.clipId])
                else { continue }
                let new = NewItem(
                    clip: clip, title: clip.title, priority: .normal, immediate: false, onInterrupt: .resume,
                    zones: occurrence.zones, queuedAt: occurrence.at, plannedAt: occurrence.at,
                    source: "schedule: \(occurrence.slot)")
                let item = try Self.insert(new, slotKey: occurrence.key, airings: occurrence.missedReason == nil, db)
                if let reason = occurrence.missedReason {
                    for zone in item.zones {
                        try Self.log(
                            item, zone: zone, startedAt: nil, endedAt: nil, outcome: .missed, reason: reason, frame: 0,
                            db)
                    }
                }
            }
            if let scannedTo { try db.setMeta("scanWall", String(scannedTo)) }
        }
    }

    public func withdrawScheduled(after now: Int64, keeping: [SlotOccurrence], reason: String)
        throws(StoreError) -> [Item]
    {
        try writing { db in
            var withdrawn: [Item] = []
            for (item, airings) in try Self.scheduledNotAired(db, where: "plannedAt > ?", now) {
                let kept = keeping.contains {
                    $0.key == item.slotKey && $0.clipId == item.clipId && $0.at == item.plannedAt
                        && $0.zones.sorted() == airings.map(\.zone).sorted()
                }
                guard !kept else { continue }
                try Self.cancel(airings, of: item, reason: reason, at: now, db)
                // The occurrence is free again: a later schedule may plan it anew.
                try db.execute(
                    sql: "UPDATE item SET slotKey = slotKey || ' withdrawn as item ' || id WHERE id = ?",
                    arguments: [item.id])
                withdrawn.append(item)
            }
            return withdrawn
        }
    }

    public func missScheduled(plannedBefore limit: Int64, reason: (Item) -> String) throws(StoreError) -> [Item] {
        try writing { db in
            var missed: [Item] = []
            for (item, airings) in try Self.scheduledNotAired(db, where: "plannedAt < ?", limit) {
                // As an occurrence found missed when it comes due: the item without airings, a missed entry per zone.
                try db.execute(sql: "DELETE FROM airing WHERE itemId = ?", arguments: [item.id])
                for airing in airings {
                    try Self.log(
                        item, zone: airing.zone, startedAt: nil, endedAt: nil, outcome: .missed, reason: reason(item),
                        frame: 0, db)
                }
                missed.append(item)
            }
            return missed
        }
    }

    public func schedule() throws(StoreError) -> (slots: [Slot], scannedTo: Int64?) {
        try reading { db in (try Self.slots(in: db), try db.meta("scanWall").flatMap { Int64($0) }) }
    }

    public func previousSchedule() throws(StoreError) -> [SlotInput]? {
        try reading { db in
            try db.meta("previousSchedule").flatMap { try JSONDecoder().decode([SlotInput].self, from: Data($0.utf8)) }
        }
    }

    public func holdSchedule(_ slots: [SlotInput]?, by: String) throws(StoreError) {
        try writing { db in
            guard let slots else {
                try db.execute(sql: "DELETE FROM meta WHERE key IN ('heldSchedule', 'heldScheduleBy')")
                return
            }
            try db.setMeta("heldSchedule", String(decoding: try JSONEncoder().encode(slots), as: UTF8.self))
            try db.setMeta("heldScheduleBy", by)
        }
    }

    public func heldSchedule() throws(StoreError) -> (slots: [SlotInput], by: String)? {
        try reading { db in
            guard let text = try db.meta("heldSchedule"), let by = try db.meta("heldScheduleBy") else { return nil }
            return (try JSONDecoder().decode([SlotInput].self, from: Data(text.utf8)), by)
        }
    }

    /// The stored slots, by id.
    private static func slots(in db: Database) throws -> [Slot] {
        try Row.fetchAll(db, sql: "SELECT * FROM slot ORDER BY id").map { row in
            let id: Int64 = row["id"]
            return Slot(
                id: id, name: row["name"],
                zones: try String.fetchAll(
                    db, sql: "SELECT zone FROM slotZone WHERE slotId = ? ORDER BY position", arguments: [id]),
                times: try Int.fetchAll(
                    db, sql: "SELECT minutes FROM slotTime WHERE slotId = ? ORDER BY minutes", arguments: [id]),
                weekdays: try Int.fetchAll(
                    db, sql: "SELECT weekday FROM slotWeekday WHERE slotId = ? ORDER BY weekday", arguments: [id]),
                fromDate: row["fromDate"], untilDate: row["untilDate"],
                clipIds: try Int64.fetchAll(
                    db, sql: "SELECT clipId FROM slotClip WHERE slotId = ? ORDER BY position", arguments: [id]),
                relay: (row["relaySources"] as String?).map { $0.split(separator: "\n").map(String.init) },
                relayMinutes: row["relayMinutes"], fallbackClipId: row["fallbackClipId"])
        }
    }

    public func replaceSchedule(_ slots: [SlotInput], at now: Int64) throws(StoreError) {
        try writing { db in
            for slot in slots {
                for id in slot.clipIds + (slot.fallbackClipId.map { [$0] } ?? [])
                where try Int.fetchOne(db, sql: "SELECT count(*) FROM clip WHERE id = ?", arguments: [id]) == 0 {
                    throw StoreError.unknownClip(id)
                }
            }
            // The schedule replaced is kept, so that the last apply can be undone (`previousSchedule`).
            let replaced = try JSONEncoder().encode(try Self.slots(in: db).map(\.input))
            try db.setMeta("previousSchedule", String(decoding: replaced, as: UTF8.self))
            try db.execute(sql: "DELETE FROM slot")
            for slot in slots {
                try db.execute(
                    sql:
                        "INSERT INTO slot (name, fromDate, untilDate, relaySources, relayMinutes, fallbackClipId) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        slot.name, slot.from, slot.until, slot.relay?.joined(separator: "\n"), slot.relayMinutes,
                        slot.fallbackClipId,
                    ])
                let id = db.lastInsertedRowID
                for (position, zone) in slot.zones.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO slotZone (slotId, position, zone) VALUES (?, ?, ?)",
                        arguments: [id, position, zone])
                }
                for minutes in Set(slot.times) {
                    try db.execute(
                        sql: "INSERT INTO slotTime (slotId, minutes) VALUES (?, ?)", arguments: [id, minutes])
                }
                for weekday in Set(slot.weekdays) {
                    try db.execute(
                        sql: "INSERT INTO slotWeekday (slotId, weekday) VALUES (?, ?)", arguments: [id, weekday])
                }
                for (position, clip) in slot.clipIds.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO slotClip (slotId, position, clipId) VALUES (?, ?, ?)",
                        arguments: [id, position, clip])
                }
            }
            if try db.meta("scanWall") == nil { try db.setMeta("scanWall", String(now)) }
            try db.setMeta("scheduleAppliedAt", String(now))
        }
    }

    // MARK: Reading the log

    public func log(since: Int64, zone: String?) throws(StoreError) -> [PlayLogEntry] {
        try reading { db in
            try PlayLogEntry.fetchAll(
                db,
                sql: """
                    SELECT playlog.*, clip.text,
                        CASE WHEN item.source LIKE 'live:%' THEN item.clipId END AS recording FROM playlog
                    LEFT JOIN item ON item.id = playlog.itemId LEFT JOIN clip ON clip.id = item.clipId
                    WHERE (playlog.startedAt >= ? OR (playlog.startedAt IS NULL AND playlog.plannedAt >= ?))
                        AND (? IS NULL OR playlog.zone = ?)
                    ORDER BY playlog.id
                    """, arguments: [since, since, zone, zone])
        }
    }

    public func airtime(from start: Int64, until end: Int64) throws(StoreError) -> [ReportRow] {
        try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT zone, priority, count(DISTINCT itemId) AS items,
                           sum(max(0, coalesce(endedAt, startedAt) - startedAt)) AS milliseconds
                    FROM playlog WHERE startedAt >= ? AND startedAt < ?
                    GROUP BY zone, priority ORDER BY zone, priority
                    """, arguments: [start, end]
            ).map { row in
                ReportRow(
                    zone: row["zone"], priority: Priority(rawValue: row["priority"]) ?? .normal, items: row["items"],
                    seconds: Int((row["milliseconds"] as Int64? ?? 0) / 1000))
            }
        }
    }

    public func completedCount() throws(StoreError) -> Int {
        try reading { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM playlog WHERE outcome = 'completed'") ?? 0 }
    }

    // MARK: Statements shared by the methods above

    /// The id of the open (`airing`) log entry of the airing given as the statement's next argument.
    private static let openEntry = """
        SELECT max(p.id) FROM playlog p JOIN airing a ON a.itemId = p.itemId AND a.zone = p.zone
        WHERE a.id = ? AND p.outcome = 'airing'
        """

    /// The items of a slot's clip occurrence (not a relay) that wait in some zone and have never been on the air
    /// (what a schedule plans ahead of airtime) and match `condition` with `time`, with their waiting airings.
    private static func scheduledNotAired(_ db: Database, where condition: String, _ time: Int64) throws -> [(
        Item, [Airing]
    )] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM item WHERE slotKey LIKE 'slot:%' AND slotKey NOT LIKE '%#relay'
                AND EXISTS (SELECT 1 FROM airing WHERE airing.itemId = item.id AND airing.state = 'pending')
                AND NOT EXISTS (SELECT 1 FROM playlog WHERE playlog.itemId = item.id) AND \(condition)
                """, arguments: [time]
        ).map { row in
            let item = try Self.item(row, db)
            let airings = try Airing.fetchAll(
                db, sql: "SELECT * FROM airing WHERE itemId = ? AND state = 'pending' ORDER BY zone",
                arguments: [item.id])
            return (item, airings)
        }
    }

    /// Cancels `airings` of `item` before they aired, each logged as cancelled with `reason` at `at`.
    private static func cancel(_ airings: [Airing], of item: Item, reason: String, at: Int64, _ db: Database) throws {
        for airing in airings {
            try db.execute(sql: "UPDATE airing SET state = 'cancelled' WHERE id = ?", arguments: [airing.id])
            try Self.log(
                item, zone: airing.zone, startedAt: nil, endedAt: at, outcome: .cancelled, reason: reason,
                frame: airing.resumeFrame, db)
        }
    }

    private static func insert(_ new: NewItem, slotKey: String?, airings: Bool, _ db: Database) throws -> Item {
        try db.execute(
            sql: """
                INSERT INTO item (clipId, title, priority, rank, immediate, onInterrupt, queuedAt, plannedAt, source,
                                  slotKey, frameCount, frameMilliseconds, heldBy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                new.clip.id, new.title, new.priority, new.priority.rank, new.immediate, new.onInterrupt, new.queuedAt,
                new.plannedAt, new.source, slotKey, new.clip.frameCount, new.clip.frameMilliseconds, new.heldBy,
            ])
        let id = db.lastInsertedRowID
        for (position, zone) in new.zones.enumerated() {
            try db.execute(
                sql: "INSERT INTO itemZone (itemId, position, zone) VALUES (?, ?, ?)", arguments: [id, position, zone])
            if airings {
                try db.execute(
                    sql: """
                        INSERT INTO airing (itemId, zone, state, resumeFrame, positionFrame)
                        VALUES (?, ?, 'pending', 0, 0)
                        """, arguments: [id, zone])
            }
        }
        return Item(
            id: id, clipId: new.clip.id, title: new.title, priority: new.priority, immediate: new.immediate,
            onInterrupt: new.onInterrupt, zones: new.zones, queuedAt: new.queuedAt, plannedAt: new.plannedAt,
            source: new.source, slotKey: slotKey, frameCount: new.clip.frameCount,
            frameMilliseconds: new.clip.frameMilliseconds, heldBy: new.heldBy)
    }

    private static func item(_ row: Row, _ db: Database) throws -> Item {
        let id: Int64 = row["id"]
        return Item(
            id: id, clipId: row["clipId"], title: row["title"], priority: row["priority"], immediate: row["immediate"],
            onInterrupt: row["onInterrupt"],
            zones: try String.fetchAll(
                db, sql: "SELECT zone FROM itemZone WHERE itemId = ? ORDER BY position", arguments: [id]),
            queuedAt: row["queuedAt"], plannedAt: row["plannedAt"], source: row["source"], slotKey: row["slotKey"],
            frameCount: row["frameCount"], frameMilliseconds: row["frameMilliseconds"], heldBy: row["heldBy"])
    }

    private static func airingsWithItems(_ db: Database, where condition: String, arguments: StatementArguments)
        throws -> [(Airing, Item)]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT airing.id AS airingId, item.* FROM airing JOIN item ON item.id = airing.itemId
                WHERE \(condition) ORDER BY airing.id
                """, arguments: arguments
        ).map { row in
            let airing = try Airing.fetchOne(
                db, sql: "SELECT * FROM airing WHERE id = ?", arguments: [row["airingId"] as Int64])
            guard let airing else { throw StoreError.database("airing \(row["airingId"] as Int64) vanished") }
            return (airing, try Self.item(row, db))
        }
    }

    private static func log(
        _ item: Item, zone: String, startedAt: Int64?, endedAt: Int64?, outcome: Outcome, reason: String?, frame: Int,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO playlog (itemId, zone, title, priority, plannedAt, startedAt, endedAt, outcome, reason,
                                     fromFrame, toFrame, frameMilliseconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                item.id, zone, item.title, item.priority, item.plannedAt, startedAt, endedAt, outcome, reason, frame,
                frame, item.frameMilliseconds,
            ])
    }

    /// Runs `body` in one write transaction; any failure is a `StoreError`.
    private func writing<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try write(body) } catch let error as StoreError { throw error } catch {
            throw StoreError.database("\(error)")
        }
    }

    /// Runs `body` on a read snapshot; any failure is a `StoreError`.
    private func reading<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try read(body) } catch let error as StoreError { throw error } catch {
            throw StoreError.database("\(error)")
        }
    }
}
