import GRDB
import LoaControlAPI

/// A clip encoded once and stored as `clips/ID.loaclip`.
public struct ClipRecord: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var title: String
    public var frameCount: Int
    public var frameMilliseconds: Int
    public var createdAt: Int64
    /// The text it was read aloud from (`POST /say`, a schedule's `say:`); nil for a sound file.
    public var text: String?

    public var durationMilliseconds: Int { frameCount * frameMilliseconds }
}

/// One broadcast item: a clip, its priority and the zones it targets. Each zone airs it separately.
public struct Item: Codable, Sendable, Equatable {
    public var id: Int64
    public var clipId: Int64
    public var title: String
    public var priority: Priority
    /// A priority item that interrupts normal items at once instead of waiting for their end.
    public var immediate: Bool
    public var onInterrupt: InterruptPolicy
    /// The zones it targets, in the order given.
    public var zones: [String]
    /// When it was queued, and when it may start at the earliest (Unix ms).
    public var queuedAt: Int64
    public var plannedAt: Int64
    /// "queue" for `loa queue`, or the schedule slot it came from.
    public var source: String
    /// For scheduled items: slot, date, time and clip index, so that no occurrence is materialised twice.
    public var slotKey: String?
    public var frameCount: Int
    public var frameMilliseconds: Int
    /// The broadcaster whose item waits for an approver (`approval: on`): it does not air until released.
    public var heldBy: String? = nil

    public var durationMilliseconds: Int { frameCount * frameMilliseconds }
    /// A live broadcast: from an input (`loa live`, source `live:INPUT`) or a relayed station (`loa relay` or a
    /// schedule's `relay:`, source `relay:URL` or `relay: SLOT`); its clip is the recording.
    public var isLive: Bool { source.hasPrefix(Item.liveSourcePrefix) || isRelay }
    /// A relayed station.
    public var isRelay: Bool { source.hasPrefix(Item.relaySourcePrefix) }
    public static let liveSourcePrefix = "live:"
    public static let relaySourcePrefix = "relay:"
    /// The item as the priority rule sees it.
    public var contender: Contender {
        Contender(item: id, priority: priority, immediate: immediate, plannedAt: plannedAt)
    }
}

/// An item to be queued: an `Item` before the store gives it its id.
public struct NewItem: Sendable, Equatable {
    public var clip: ClipRecord
    public var title: String
    public var priority: Priority
    public var immediate: Bool
    public var onInterrupt: InterruptPolicy
    public var zones: [String]
    public var queuedAt: Int64
    public var plannedAt: Int64
    public var source: String
    /// Held for an approver by this broadcaster (nil: airs when its turn comes).
    public var heldBy: String? = nil
}

/// One item in one zone: its state there and where to resume it.
public struct Airing: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var itemId: Int64
    public var zone: String
    public var state: AiringState
    /// The frame to start from next time (0, or where it was cut with the resume policy).
    public var resumeFrame: Int
    /// The last frame known to have been sent (saved every second while on the air).
    public var positionFrame: Int
}

/// The as-played log: what actually aired, one row per stretch of airtime in one zone.
public struct PlayLogEntry: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
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
    /// The text the item's clip was read aloud from; nil for a sound file.
    public var text: String?
    /// A live broadcast's recording: its item's clip; nil for other items.
    public var recording: Int64?
}

/// A fixed-time slot of the applied schedule.
public struct Slot: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// Zone names (already expanded from "all").
    public var zones: [String]
    /// Local start times in minutes after midnight.
    public var times: [Int]
    /// Weekdays 1 (Monday) … 7.
    public var weekdays: [Int]
    public var fromDate: String?
    public var untilDate: String?
    /// Stored clips to play in order.
    public var clipIds: [Int64]
    /// A relay slot: the station's URLs (primary first), minutes from each time, a stored fallback clip.
    public var relay: [String]? = nil
    public var relayMinutes: Int? = nil
    public var fallbackClipId: Int64? = nil

    /// The slot as it is applied (`POST /schedule`'s form).
    public var input: SlotInput {
        SlotInput(
            name: name, zones: zones, times: times, weekdays: weekdays, from: fromDate, until: untilDate,
            clipIds: clipIds, relay: relay, relayMinutes: relayMinutes, fallbackClipId: fallbackClipId)
    }
}
