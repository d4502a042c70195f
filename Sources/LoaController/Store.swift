import Foundation
import GRDB

/// The controller's SQLite database (WAL mode) under its state directory: the programme's store (clips, items
/// and their airings per zone, the schedule, the as-played log; `Store+Programme.swift`), and the emergency
/// desk's nonces and audit log.
///
/// Every change is one transaction: a crash (even SIGKILL) leaves the state of the last committed change.
public final class Store: Sendable {
    let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String) throws {
        database = try DatabasePool.opened(path: path, migrator: Self.migrator)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: programme") { db in
            try db.create(table: "clip") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("title", .text).notNull()
                t.column("frameCount", .integer).notNull()
                t.column("frameMilliseconds", .integer).notNull()
                t.column("createdAt", .integer).notNull()
            }
            try db.create(table: "item") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("clipId", .integer).notNull().references("clip")
                t.column("title", .text).notNull()
                t.column("priority", .text).notNull()
                t.column("rank", .integer).notNull()
                t.column("immediate", .boolean).notNull()
                t.column("onInterrupt", .text).notNull()
                t.column("zones", .text).notNull()
                t.column("queuedAt", .integer).notNull()
                t.column("plannedAt", .integer).notNull()
                t.column("source", .text).notNull()
                t.column("slotKey", .text).unique()
                t.column("frameCount", .integer).notNull()
                t.column("frameMilliseconds", .integer).notNull()
            }
            try db.create(table: "airing") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("itemId", .integer).notNull().references("item")
                t.column("zone", .text).notNull()
                t.column("state", .text).notNull()
                t.column("resumeFrame", .integer).notNull()
                t.column("positionFrame", .integer).notNull()
                t.uniqueKey(["itemId", "zone"])
            }
            try db.create(index: "airing_pending", on: "airing", columns: ["zone", "state"])
            try db.create(table: "playlog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("itemId", .integer).notNull()
                t.column("zone", .text).notNull()
                t.column("title", .text).notNull()
                t.column("priority", .text).notNull()
                t.column("plannedAt", .integer).notNull()
                t.column("startedAt", .integer)
                t.column("endedAt", .integer)
                t.column("outcome", .text).notNull()
                t.column("reason", .text)
                t.column("fromFrame", .integer).notNull()
                t.column("toFrame", .integer).notNull()
                t.column("frameMilliseconds", .integer).notNull()
            }
            try db.create(index: "playlog_time", on: "playlog", columns: ["startedAt"])
            try db.create(table: "slot") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("zones", .text).notNull()
                t.column("times", .text).notNull()
                t.column("weekdays", .text).notNull()
                t.column("fromDate", .text)
                t.column("untilDate", .text)
                t.column("clipIds", .text).notNull()
            }
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v2: security") { db in
            try db.create(table: "nonce") { t in
                t.primaryKey("nonce", .text)
                t.column("seenAt", .integer).notNull()
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .integer).notNull()
                t.column("action", .text).notNull()
                t.column("operators", .text).notNull()
                t.column("zones", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("command", .text).notNull()
            }
            // Append-only, also against a bug in this program: SQLite itself refuses to change or delete entries.
            try db.execute(
                sql:
                    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
            try db.execute(
                sql:
                    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        }
        migrator.registerMigration("v3: lists as tables") { db in
            try db.create(table: "itemZone") { t in
                t.column("itemId", .integer).notNull().references("item", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("zone", .text).notNull()
                t.primaryKey(["itemId", "position"])
            }
            try db.create(table: "slotZone") { t in
                t.column("slotId", .integer).notNull().references("slot", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("zone", .text).notNull()
                t.primaryKey(["slotId", "position"])
            }
            try db.create(table: "slotTime") { t in
                t.column("slotId", .integer).notNull().references("slot", onDelete: .cascade)
                t.column("minutes", .integer).notNull()
                t.primaryKey(["slotId", "minutes"])
            }
            try db.create(table: "slotWeekday") { t in
                t.column("slotId", .integer).notNull().references("slot", onDelete: .cascade)
                t.column("weekday", .integer).notNull()
                t.primaryKey(["slotId", "weekday"])
            }
            try db.create(table: "slotClip") { t in
                t.column("slotId", .integer).notNull().references("slot", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("clipId", .integer).notNull().references("clip")
                t.primaryKey(["slotId", "position"])
            }
            // The rows of v1 kept these lists comma-separated in one column.
            func list(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
            for row in try Row.fetchAll(db, sql: "SELECT id, zones FROM item") {
                let id: Int64 = row["id"]
                for (position, zone) in list(row["zones"]).enumerated() {
                    try db.execute(
                        sql: "INSERT INTO itemZone (itemId, position, zone) VALUES (?, ?, ?)",
                        arguments: [id, position, zone])
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, zones, times, weekdays, clipIds FROM slot") {
                let id: Int64 = row["id"]
                for (position, zone) in list(row["zones"]).enumerated() {
                    try db.execute(
                        sql: "INSERT INTO slotZone (slotId, position, zone) VALUES (?, ?, ?)",
                        arguments: [id, position, zone])
                }
                for minutes in Set(list(row["times"]).compactMap { Int($0) }) {
                    try db.execute(
                        sql: "INSERT INTO slotTime (slotId, minutes) VALUES (?, ?)", arguments: [id, minutes])
                }
                for weekday in Set(list(row["weekdays"]).compactMap { Int($0) }) {
                    try db.execute(
                        sql: "INSERT INTO slotWeekday (slotId, weekday) VALUES (?, ?)", arguments: [id, weekday])
                }
                // A clip that is not stored was skipped at every occurrence; it is left out.
                for (position, clip) in list(row["clipIds"]).compactMap({ Int64($0) }).enumerated() {
                    try db.execute(
                        sql: "INSERT INTO slotClip (slotId, position, clipId) SELECT ?, ?, id FROM clip WHERE id = ?",
                        arguments: [id, position, clip])
                }
            }
            try db.alter(table: "item") { t in t.drop(column: "zones") }
            try db.alter(table: "slot") { t in
                for column in ["zones", "times", "weekdays", "clipIds"] { t.drop(column: column) }
            }
            try db.create(index: "playlog_outcome", on: "playlog", columns: ["outcome"])
        }
        migrator.registerMigration("v4: audit refusal codes") { db in
            // Entries written before codes existed keep their reason; their code is empty.
            try db.alter(table: "audit") { t in t.add(column: "code", .text).notNull().defaults(to: "") }
        }
        migrator.registerMigration("v5: audit chain") { db in
            try db.alter(table: "audit") { t in
                for column in ["actor", "source", "target", "digest", "hash"] {
                    t.add(column: column, .text).notNull().defaults(to: "")
                }
                t.add(column: "count", .integer).notNull().defaults(to: 1)
            }
            // Entries written before the chain are chained now, oldest first (the trigger is lifted for this).
            try db.execute(sql: "DROP TRIGGER audit_no_update")
            var previous = ""
            for var entry in try AuditEntry.order(Column("id")).fetchAll(db) {
                entry.hash = entry.chained(after: previous)
                try db.execute(sql: "UPDATE audit SET hash = ? WHERE id = ?", arguments: [entry.hash, entry.id])
                previous = entry.hash
            }
            try db.execute(
                sql:
                    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        }
        migrator.registerMigration("v6: spoken clips") { db in
            // A clip read aloud keeps the text it came from; clips of sound files have none.
            try db.alter(table: "clip") { t in t.add(column: "text", .text) }
        }
        migrator.registerMigration("v7: relay slots") { db in
            // A slot that relays a station: its URLs (one per line, primary first), its length, its fallback clip.
            try db.alter(table: "slot") { t in
                t.add(column: "relaySources", .text)
                t.add(column: "relayMinutes", .integer)
                t.add(column: "fallbackClipId", .integer)
            }
        }
        migrator.registerMigration("v8: relay plans") { db in
            // What a relay item airs: its URLs (one per line, primary first), until when (Unix ms), its fallback
            // clip; so that a controller started again within the window relays it again.
            try db.create(table: "relayPlan") { t in
                t.column("itemId", .integer).primaryKey().references("item", onDelete: .cascade)
                t.column("sources", .text).notNull()
                t.column("until", .integer).notNull()
                t.column("fallbackClipId", .integer)
            }
        }
        migrator.registerMigration("v9: clip library") { db in
            // Stored clips under names the office chose (`loa clips`); a name means one clip at a time.
            try db.create(table: "namedClip") { t in
                t.column("name", .text).primaryKey()
                t.column("clipId", .integer).notNull().references("clip")
                t.column("namedAt", .integer).notNull()
            }
        }
        migrator.registerMigration("v10: approval") { db in
            // An item a broadcaster queued while approval is required waits, held, until an approver releases it.
            try db.alter(table: "item") { t in t.add(column: "heldBy", .text) }
        }
        return migrator
    }

    /// Opens the database at `path` migrated only up to the migration named `last` (tests of migrations).
    static func opened(path: String, upTo last: String) throws -> DatabasePool {
        try DatabasePool.opened(path: path, migrator: migrator, upTo: last)
    }

    /// Runs `body` in one write transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T { try database.write(body) }

    /// Runs `body` on a read snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try database.read(body) }
}

extension DatabasePool {
    /// Opens (creating if needed) an SQLite database in WAL mode that waits up to 5 s for a writer, and migrates it
    /// (up to the migration named `last`, if given).
    static func opened(path: String, migrator: DatabaseMigrator, upTo last: String? = nil) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let database = try DatabasePool(path: path, configuration: configuration)
        if let last { try migrator.migrate(database, upTo: last) } else { try migrator.migrate(database) }
        return database
    }
}

extension Database {
    /// A value from the `meta` table.
    func meta(_ key: String) throws -> String? {
        try String.fetchOne(self, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    /// Sets a value in the `meta` table.
    func setMeta(_ key: String, _ value: String) throws {
        try execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }
}
