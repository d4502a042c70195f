import GRDB

/// Where an item is in its life.
public enum ItemState: String, Codable, Sendable, DatabaseValueConvertible {
    /// Waiting for its turn in its zone.
    case queued
    /// On the air now.
    case playing
    /// Aired to its end.
    case completed
    /// Cut off before its end (the controller stopped, or a later issue's pre-emption).
    case interrupted
    /// Could not be aired; `failureReason` says why.
    case failed
}

/// One broadcast item: an encoded clip for one zone.
public struct Item: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "item"

    public var id: Int64?
    /// The zone it plays in.
    public var zone: String
    /// A name for people: the clip's file name unless given.
    public var title: String
    public var state: ItemState
    /// Frames in the encoded clip, and their length.
    public var frameCount: Int
    public var frameMilliseconds: Int
    /// When it was queued, started and ended: Unix time in milliseconds.
    public var queuedAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
    public var failureReason: String?

    /// Playing time in milliseconds.
    public var durationMilliseconds: Int { frameCount * frameMilliseconds }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
