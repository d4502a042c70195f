import Foundation
import GRDB
import LoaControlAPI
import LoaWire

/// The fleet registry on disk: `STATE_DIR/fleet.sqlite` (SQLite, WAL), apart from the programme's database.
///
/// - `receiver`: every receiver ever heard, its enrolment (name, zone, public key), state, last heartbeat
///   (JSON) and the (epoch, sequence) of that heartbeat, so that a replay is refused after a restart too.
/// - `history`: every change of state, with its time.
/// - `command`: every command to a receiver and how it ended; its id is what the receiver checks for replays
///   (AUTOINCREMENT: ids are never reused, even after deletions).
/// - `alert`: every alert raised.
/// - `position`: where a technician placed each box (latitude and longitude), for the dashboard's map.
/// - `mapImage`: the commune map the office uploaded to draw the boxes over, with the coordinates of its edges.
/// - `play`: how each box played each stored-clip item (issue 15, proof of play per box), as its heartbeats
///   reported it: frames from its copy, from the stream, rebuilt by FEC, concealed; each count the highest
///   reported (a box that restarts mid-item counts the rest afresh), and when the box last reported a frame more
///   of it (`reportedAt`: a box goes on repeating its latest items in its heartbeats).
final class FleetStore: Sendable {
    let database: DatabasePool

    init(path: String) throws {
        database = try DatabasePool.opened(path: path, migrator: Self.migrator)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: fleet") { db in
            try db.create(table: "receiver") { t in
                t.column("id", .text).primaryKey()
                t.column("publicKey", .blob).notNull()
                t.column("name", .text).notNull()
                t.column("zone", .text)
                t.column("approved", .boolean).notNull()
                t.column("state", .text).notNull()
                t.column("firstSeen", .integer).notNull()
                t.column("lastSeen", .integer)
                t.column("address", .text)
                t.column("epoch", .integer).notNull()
                t.column("sequence", .integer).notNull()
                t.column("heartbeat", .text)
            }
            try db.create(table: "history") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("receiver", .text).notNull()
                t.column("at", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(index: "history_receiver", on: "history", columns: ["receiver", "at"])
            try db.create(table: "command") { t in
                t.autoIncrementedPrimaryKey("id")  // AUTOINCREMENT: never reused
                t.column("receiver", .text).notNull()
                t.column("action", .text).notNull()
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("finishedAt", .integer)
            }
            try db.create(table: "alert") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("receiver", .text).notNull()
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
            }
        }
        migrator.registerMigration("v2: positions") { db in
            try db.create(table: "position") { t in
                t.column("receiver", .text).primaryKey()
                t.column("latitude", .double).notNull()
                t.column("longitude", .double).notNull()
            }
        }
        migrator.registerMigration("v3: map image") { db in
            try db.create(table: "mapImage") { t in
                t.column("id", .integer).primaryKey().check { $0 == 1 }
                t.column("type", .text).notNull()
                t.column("north", .double).notNull()
                t.column("west", .double).notNull()
                t.column("south", .double).notNull()
                t.column("east", .double).notNull()
                t.column("savedAt", .integer).notNull()
                t.column("image", .blob).notNull()
            }
        }
        migrator.registerMigration("v4: plays per box") { db in
            try db.create(table: "play") { t in
                t.column("receiver", .text).notNull()
                t.column("item", .integer).notNull()
                t.column("zone", .text)
                t.column("frameMs", .integer).notNull()
                t.column("fromFile", .integer).notNull()
                t.column("fromStream", .integer).notNull()
                t.column("rebuilt", .integer).notNull()
                t.column("concealed", .integer).notNull()
                t.column("reportedAt", .integer).notNull()
                t.primaryKey(["receiver", "item"])
            }
            try db.create(index: "playReported", on: "play", columns: ["reportedAt"])
        }
        migrator.registerMigration("v5: when and whether offline") { db in
            // When the box started the item (the commune's clock as the box keeps it; reported late for an item
            // played offline), and whether it played it on its own (issue 15, point 4).
            try db.alter(table: "play") { t in
                t.add(column: "startedAt", .integer)
                t.add(column: "offline", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }

    /// One receiver row as stored.
    struct ReceiverRow: Sendable {
        var id: String
        var publicKey: [UInt8]
        var name: String
        var zone: String?
        var approved: Bool
        var state: String
        var firstSeen: Int64
        var lastSeen: Int64?
        var address: String?
        var epoch: UInt32
        var sequence: UInt32
        var heartbeat: String?
        /// How it played its latest items (from its last heartbeat), written to `play`.
        var plays: [ItemPlay] = []
    }

    func receivers() throws -> [ReceiverRow] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM receiver").map { row in
                ReceiverRow(
                    id: row["id"], publicKey: [UInt8]((row["publicKey"] as Data?) ?? Data()), name: row["name"],
                    zone: row["zone"], approved: row["approved"], state: row["state"], firstSeen: row["firstSeen"],
                    lastSeen: row["lastSeen"], address: row["address"],
                    epoch: UInt32(truncatingIfNeeded: row["epoch"] as Int64),
                    sequence: UInt32(truncatingIfNeeded: row["sequence"] as Int64), heartbeat: row["heartbeat"])
            }
        }
    }

    /// A change of state to record.
    struct Transition: Sendable {
        var receiver: String
        var at: Int64
        var state: String
        var detail: String
    }

    /// Writes changed receivers, new history and alerts, and forgets `removed` receivers (their row and history;
    /// their alerts and commands stay on record), in one transaction.
    func save(_ rows: [ReceiverRow], history: [Transition], alerts: [Transition], removed: [String] = []) throws {
        guard !rows.isEmpty || !history.isEmpty || !alerts.isEmpty || !removed.isEmpty else { return }
        try database.write { db in
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO receiver (id, publicKey, name, zone, approved, state, firstSeen, lastSeen, address, epoch,
                      sequence, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, zone = excluded.zone, approved = excluded.approved,
                      state = excluded.state, lastSeen = excluded.lastSeen, address = excluded.address,
                      epoch = excluded.epoch, sequence = excluded.sequence, heartbeat = excluded.heartbeat
                    """)
            for row in rows {
                try upsert.execute(arguments: [
                    row.id, Data(row.publicKey), row.name, row.zone, row.approved, row.state, row.firstSeen,
                    row.lastSeen,
                    row.address, Int64(row.epoch), Int64(row.sequence), row.heartbeat,
                ])
            }
            let upsertPlay = try db.cachedStatement(
                sql: """
                    INSERT INTO play (receiver, item, zone, frameMs, fromFile, fromStream, rebuilt, concealed, reportedAt,
                      startedAt, offline)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(receiver, item) DO UPDATE SET zone = excluded.zone, frameMs = excluded.frameMs,
                      startedAt = COALESCE(startedAt, excluded.startedAt), offline = MAX(offline, excluded.offline),
                      fromFile = MAX(fromFile, excluded.fromFile), fromStream = MAX(fromStream, excluded.fromStream),
                      rebuilt = MAX(rebuilt, excluded.rebuilt), concealed = MAX(concealed, excluded.concealed),
                      reportedAt = CASE WHEN excluded.fromFile + excluded.fromStream + excluded.rebuilt
                        + excluded.concealed > fromFile + fromStream + rebuilt + concealed
                        THEN excluded.reportedAt ELSE reportedAt END
                    """)
            for row in rows {
                for play in row.plays where play.item <= UInt64(Int64.max) {
                    try upsertPlay.execute(arguments: [
                        row.id, Int64(play.item), row.zone, Int(play.frameMilliseconds), Int(play.fromFile),
                        Int(play.fromStream), Int(play.rebuilt), Int(play.concealed), row.lastSeen ?? 0,
                        play.startedAt > 0 ? play.startedAt : nil, play.offline,
                    ])
                }
            }
            let insertHistory = try db.cachedStatement(
                sql: "INSERT INTO history (receiver, at, state, detail) VALUES (?, ?, ?, ?)")
            for entry in history {
                try insertHistory.execute(arguments: [entry.receiver, entry.at, entry.state, entry.detail])
            }
            let insertAlert = try db.cachedStatement(
                sql: "INSERT INTO alert (receiver, at, kind, detail) VALUES (?, ?, ?, ?)")
            for entry in alerts {
                try insertAlert.execute(arguments: [entry.receiver, entry.at, entry.state, entry.detail])
            }
            for receiver in removed {
                try db.execute(sql: "DELETE FROM receiver WHERE id = ?", arguments: [receiver])
                try db.execute(sql: "DELETE FROM history WHERE receiver = ?", arguments: [receiver])
                try db.execute(sql: "DELETE FROM position WHERE receiver = ?", arguments: [receiver])
            }
        }
    }

    /// How each box played each item it started (else, for a box that did not say, reported) from `since` (Unix ms)
    /// until before `until`, optionally in one zone, with the box's name; by item, then box name.
    func plays(since: Int64, until: Int64 = .max, zone: String? = nil) throws -> [BoxPlayView] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT play.*, receiver.name AS name FROM play LEFT JOIN receiver ON receiver.id = play.receiver
                    WHERE COALESCE(play.startedAt, play.reportedAt) >= ?
                      AND COALESCE(play.startedAt, play.reportedAt) < ? AND (? IS NULL OR play.zone = ?)
                    ORDER BY play.item, receiver.name
                    """, arguments: [since, until, zone, zone]
            ).map { row in
                BoxPlayView(
                    receiver: row["receiver"], name: row["name"] ?? row["receiver"], zone: row["zone"],
                    itemId: row["item"], frameMs: row["frameMs"], fromFile: row["fromFile"],
                    fromStream: row["fromStream"], rebuilt: row["rebuilt"], concealed: row["concealed"],
                    reportedAt: row["reportedAt"], startedAt: row["startedAt"], offline: row["offline"])
            }
        }
    }

    func history(of receiver: String, limit: Int) throws -> [Transition] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM history WHERE receiver = ? ORDER BY id DESC LIMIT ?",
                arguments: [receiver, limit]
            ).map { Transition(receiver: $0["receiver"], at: $0["at"], state: $0["state"], detail: $0["detail"]) }
        }
    }

    func alerts(after id: Int64, limit: Int) throws -> [(id: Int64, alert: Transition)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit])
                .map(Self.alert)
        }
    }

    /// The `limit` latest alerts, newest first (the dashboard's overview).
    func latestAlerts(limit: Int) throws -> [(id: Int64, alert: Transition)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.alert)
        }
    }

    private static func alert(_ row: Row) -> (id: Int64, alert: Transition) {
        (
            id: row["id"],
            alert: Transition(receiver: row["receiver"], at: row["at"], state: row["kind"], detail: row["detail"])
        )
    }

    /// Records a new command and returns its id (larger than every earlier one).
    func insertCommand(receiver: String, action: String, at: Int64) throws -> UInt32 {
        try database.write { db in
            try db.execute(
                sql:
                    "INSERT INTO command (receiver, action, state, attempts, createdAt) VALUES (?, ?, 'pending', 0, ?)",
                arguments: [receiver, action, at])
            return UInt32(truncatingIfNeeded: db.lastInsertedRowID)
        }
    }

    func finishCommand(id: UInt32, state: String, attempts: Int, at: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE command SET state = ?, attempts = ?, finishedAt = ? WHERE id = ?",
                arguments: [state, attempts, at, Int64(id)])
        }
    }

    /// Commands that were still pending when the controller stopped: reported failed at start.
    func failUnfinishedCommands(at: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE command SET state = 'failed', finishedAt = ? WHERE state = 'pending'", arguments: [at])
        }
    }

    /// Where each placed box is, by receiver id.
    func positions() throws -> [String: Position] {
        try database.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT * FROM position").map {
                    ($0["receiver"], Position(latitude: $0["latitude"], longitude: $0["longitude"]))
                }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Places `receiver` at `position` (nil: takes it off the map).
    func setPosition(_ receiver: String, _ position: Position?) throws {
        try database.write { db in
            if let position {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO position (receiver, latitude, longitude) VALUES (?, ?, ?)",
                    arguments: [receiver, position.latitude, position.longitude])
            } else {
                try db.execute(sql: "DELETE FROM position WHERE receiver = ?", arguments: [receiver])
            }
        }
    }

    /// The commune map image's edges and type, and when it was saved (its version), without the image.
    func mapBounds() throws -> (bounds: MapBounds, type: String, savedAt: Int64)? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT type, north, west, south, east, savedAt FROM mapImage").map {
                (
                    MapBounds(north: $0["north"], west: $0["west"], south: $0["south"], east: $0["east"]), $0["type"],
                    $0["savedAt"]
                )
            }
        }
    }

    /// The commune map image's bytes and type.
    func mapImage() throws -> (image: Data, type: String)? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT type, image FROM mapImage").map { ($0["image"], $0["type"]) }
        }
    }

    /// Replaces the commune map image (nil: removes it).
    func setMapImage(_ image: Data?, type: String, bounds: MapBounds, at now: Int64) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM mapImage")
            guard let image else { return }
            try db.execute(
                sql: """
                    INSERT INTO mapImage (id, type, north, west, south, east, savedAt, image)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [type, bounds.north, bounds.west, bounds.south, bounds.east, now, image])
        }
    }
}
