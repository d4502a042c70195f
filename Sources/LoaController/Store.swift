import Foundation
import GRDB

/// The controller's SQLite database (WAL mode) under its state directory: clips, items and their airings per
/// zone, the schedule, and the as-played log.
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
        migrator.registerMigration("v3: audit refusal codes") { db in
            // Entries written before codes existed keep their reason; their code is empty.
            try db.alter(table: "audit") { t in t.add(column: "code", .text).notNull().defaults(to: "") }
        }
        return migrator
    }

    /// Runs `body` in one write transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T { try database.write(body) }

    /// Runs `body` on a read snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try database.read(body) }
}

extension DatabasePool {
    /// Opens (creating if needed) an SQLite database in WAL mode that waits up to 5 s for a writer, and migrates it.
    static func opened(path: String, migrator: DatabaseMigrator) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let database = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(database)
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
