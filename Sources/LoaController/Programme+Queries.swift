import Foundation
import GRDB
import LoaControlAPI

extension Programme {
    /// Each zone: what plays (with its position) and what waits, in play order.
    public func status(packetsSent: (String) -> Int = { _ in 0 }) throws -> [ZoneState] {
        let now = clock.now()
        return try store.read { db in
            try zoneNames.map { zone in
                var playing: ZoneItem?
                if let current = onAir[zone], let item = try Item.fetchOne(db, key: current.item) {
                    let frame = air.onAir(zone: zone).map { $0.airing == current.airing ? $0.frame : 0 } ?? 0
                    playing = Self.view(item, positionMs: frame * item.frameMilliseconds)
                }
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT item.id FROM airing JOIN item ON item.id = airing.itemId
                        WHERE airing.zone = ? AND airing.state = 'pending' AND item.plannedAt <= ?
                        ORDER BY item.rank DESC, item.plannedAt, item.id
                        """, arguments: [zone, now])
                let queued = try rows.compactMap { row -> ZoneItem? in
                    let id: Int64 = row[0]
                    return try Item.fetchOne(db, key: id).map { Self.view($0, positionMs: nil) }
                }
                return ZoneState(name: zone, playing: playing, queued: queued, packetsSent: packetsSent(zone))
            }
        }
    }

    /// The as-played log from `since` (Unix ms), optionally for one zone, oldest first.
    public func log(since: Int64, zone: String?) throws -> [PlayLogEntry] {
        try store.read { db in
            var request = PlayLogEntry.filter(
                Column("startedAt") >= since || (Column("startedAt") == nil && Column("plannedAt") >= since))
            if let zone { request = request.filter(Column("zone") == zone) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    /// Broadcast time and item counts per zone and priority for the local month `year`-`month`.
    public func report(year: Int, month: Int) throws -> [ReportRow] {
        let start = localTime.wall(.init(year: year, month: month, day: 1), minutes: 0)
        let end = localTime.wall(
            month == 12 ? .init(year: year + 1, month: 1, day: 1) : .init(year: year, month: month + 1, day: 1),
            minutes: 0)
        return try store.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT zone, priority, count(DISTINCT itemId) AS items,
                           sum(max(0, coalesce(endedAt, startedAt) - startedAt)) AS milliseconds
                    FROM playlog WHERE startedAt >= ? AND startedAt < ?
                    GROUP BY zone, priority ORDER BY zone, priority
                    """, arguments: [start, end])
            return rows.map { row in
                ReportRow(
                    zone: row["zone"], priority: Priority(rawValue: row["priority"]) ?? .normal, items: row["items"],
                    seconds: Int((row["milliseconds"] as Int64? ?? 0) / 1000))
            }
        }
    }

    /// One item and its airings.
    public func item(_ id: Int64) throws -> (Item, [Airing])? {
        try store.read { db in
            guard let item = try Item.fetchOne(db, key: id) else { return nil }
            return (item, try Airing.filter(Column("itemId") == id).fetchAll(db))
        }
    }

    static func view(_ item: Item, positionMs: Int?) -> ZoneItem {
        ZoneItem(
            id: item.id!, title: item.title, priority: item.priority, durationMs: item.durationMilliseconds,
            positionMs: positionMs, plannedAt: item.plannedAt, source: item.source)
    }
}

extension Programme {
    /// A stored clip, or nil.
    public func storedClip(_ id: Int64) throws -> ClipRecord? {
        try store.read { db in try ClipRecord.fetchOne(db, key: id) }
    }
}
