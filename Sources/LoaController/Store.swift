import Foundation
import GRDB

/// The controller's SQLite database (WAL mode) under its state directory: items now, the programme,
/// log and fleet in later schema versions.
///
/// Every write is one transaction; a crash leaves the database as it was after the last one.
public final class Store: Sendable {
    private let database: DatabasePool

    /// Opens (creating if needed) `STATE_DIR/loa.sqlite` and migrates it to the current schema.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: items") { db in
            try db.create(table: "item") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("zone", .text).notNull().indexed()
                table.column("title", .text).notNull()
                table.column("state", .text).notNull().indexed()
                table.column("frameCount", .integer).notNull()
                table.column("frameMilliseconds", .integer).notNull()
                table.column("queuedAt", .integer).notNull()
                table.column("startedAt", .integer)
                table.column("endedAt", .integer)
                table.column("failureReason", .text)
            }
        }
        return migrator
    }

    /// Inserts a new item and returns it with its id.
    public func insert(_ item: Item) throws -> Item {
        try database.write { db in
            var item = item
            try item.insert(db)
            return item
        }
    }

    /// Sets an item's state and times.
    public func update(id: Int64, state: ItemState, startedAt: Int64? = nil, endedAt: Int64? = nil, reason: String? = nil)
        throws
    {
        try database.write { db in
            guard var item = try Item.fetchOne(db, key: id) else { return }
            item.state = state
            if let startedAt { item.startedAt = startedAt }
            if let endedAt { item.endedAt = endedAt }
            if let reason { item.failureReason = reason }
            try item.update(db)
        }
    }

    /// Items in `states`, oldest first.
    public func items(in states: [ItemState]) throws -> [Item] {
        try database.read { db in
            try Item.filter(states.map(\.rawValue).contains(Column("state"))).order(Column("id")).fetchAll(db)
        }
    }

    /// One item, or nil.
    public func item(id: Int64) throws -> Item? {
        try database.read { db in try Item.fetchOne(db, key: id) }
    }
}
