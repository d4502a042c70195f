import GRDB
import LoaControlAPI

/// A clip encoded once and stored as `clips/ID.loaclip`.
public struct ClipRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "clip"
    public var id: Int64?
    public var title: String
    public var frameCount: Int
    public var frameMilliseconds: Int
    public var createdAt: Int64

    public var durationMilliseconds: Int { frameCount * frameMilliseconds }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One broadcast item: a clip, its priority and the zones it targets. Each zone airs it separately.
public struct Item: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "item"

    public var id: Int64?
    public var clipId: Int64
    public var title: String
    public var priority: Priority
    /// Higher plays first (a copy of `priority.rank`, for ordering in SQL).
    public var rank: Int
    /// A priority item that interrupts normal items at once instead of waiting for their end.
    public var immediate: Bool
    public var onInterrupt: InterruptPolicy
    /// The zones, comma-separated.
    public var zones: String
    /// When it was queued, and when it may start at the earliest (Unix ms).
    public var queuedAt: Int64
    public var plannedAt: Int64
    /// "queue" for `loa queue`, or the schedule slot it came from.
    public var source: String
    /// For scheduled items: slot, date, time and clip index, so that no occurrence is materialised twice.
    public var slotKey: String?
    public var frameCount: Int
    public var frameMilliseconds: Int

    public var durationMilliseconds: Int { frameCount * frameMilliseconds }
    public var zoneList: [String] { zones.split(separator: ",").map(String.init) }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One item in one zone: its state there and where to resume it.
public struct Airing: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "airing"
    public var id: Int64?
    public var itemId: Int64
    public var zone: String
    public var state: AiringState
    /// The frame to start from next time (0, or where it was cut with the resume policy).
    public var resumeFrame: Int
    /// The last frame known to have been sent (saved every second while on the air).
    public var positionFrame: Int

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The as-played log: what actually aired, one row per stretch of airtime in one zone.
public struct PlayLogEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "playlog"
    public var id: Int64?
    public var itemId: Int64
    public var zone: String
    public var title: String
    public var priority: Priority
    public var plannedAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
    public var outcome: Outcome
    public var reason: String?
    public var fromFrame: Int
    public var toFrame: Int
    public var frameMilliseconds: Int

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A fixed-time slot of the applied schedule.
public struct SlotRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "slot"
    public var id: Int64?
    public var name: String
    /// Zone names, comma-separated (already expanded from "all").
    public var zones: String
    /// Local start times in minutes after midnight, comma-separated.
    public var times: String
    /// Weekdays 1 (Monday) … 7, comma-separated.
    public var weekdays: String
    public var fromDate: String?
    public var untilDate: String?
    /// Stored clips to play in order, comma-separated.
    public var clipIds: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
