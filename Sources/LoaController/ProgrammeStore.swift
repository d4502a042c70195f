import LoaControlAPI

/// Where the programme keeps its state: clips, items and their airings per zone, the schedule, and the
/// as-played log. Every SQL statement of the programme is behind this one seam (`Store` is SQLite).
///
/// Contract for every implementation:
/// - Each method that changes something is one transaction: after a crash (even SIGKILL) the state is that of
///   the last method that returned.
/// - Records that come out carry their ids; lists (an item's zones, a slot's times) keep their order.
/// - Failures are `StoreError`s; nothing is half done when one is thrown.
public protocol ProgrammeStore: Sendable {
    // Clips and items.
    /// Records a clip encoded once and stored by the clip library (`text`: what it was read aloud from, if it was);
    /// returns it with its id.
    func insertClip(title: String, text: String?, frameCount: Int, frameMilliseconds: Int, at: Int64)
        throws(StoreError) -> ClipRecord
    func clip(_ id: Int64) throws(StoreError) -> ClipRecord?
    /// The clip library: each name with its clip, by name.
    func library() throws(StoreError) -> [(name: String, clip: ClipRecord)]
    /// Names clip `clip` `name` (replacing what the name meant); `StoreError.unknownClip` if it is not stored.
    func nameClip(_ name: String, clip: Int64, at: Int64) throws(StoreError)
    /// Takes `name` out of the library; false if it was not there.
    func removeNamedClip(_ name: String) throws(StoreError) -> Bool
    /// Sets the length of clip `clip` and of the item `item` made of it: a live broadcast's recording, whose length
    /// is known when it ends.
    func setLength(clip: Int64, item: Int64, frameCount: Int) throws(StoreError)
    /// Records `item` with one pending airing in each of its zones.
    /// Stores `item` with an airing per zone; `slotKey` marks the schedule occurrence it comes from (a relay slot's).
    func insertItem(_ item: NewItem, slotKey: String?) throws(StoreError) -> Item
    func item(_ id: Int64) throws(StoreError) -> Item?
    /// The airings of item `id`, one per zone.
    func airings(ofItem id: Int64) throws(StoreError) -> [Airing]
    /// Airing `id` with its item.
    func airing(_ id: Int64) throws(StoreError) -> (Airing, Item)?
    /// The pending airings of `zone` that may start by `now`, held items left out (any order: the priority rule
    /// orders them).
    func pending(zone: String, readyBy now: Int64) throws(StoreError) -> [(Airing, Item)]
    /// The zone's airings cancelled before they aired, of items planned after `after` (Unix ms).
    func cancelledAhead(zone: String, after: Int64) throws(StoreError) -> [(Airing, Item)]
    /// The airings on the air when the controller last stopped (`playing`), with their items.
    func playing() throws(StoreError) -> [(Airing, Item)]
    /// Items held for an approver that still wait in some zone, oldest first.
    func heldItems() throws(StoreError) -> [Item]
    /// Releases held item `id` (it then waits for its turn as any item); false if it was not held.
    func release(item id: Int64) throws(StoreError) -> Bool
    /// Records what relay item `item` airs, so that a controller started again within its window relays it again.
    func saveRelayPlan(_ plan: RelayPlan, item: Int64) throws(StoreError)
    /// What relay item `item` airs; nil if it was not recorded.
    func relayPlan(item: Int64) throws(StoreError) -> RelayPlan?

    // Changes to airings and the as-played log.
    /// After an unclean stop: each airing in `resumeFrames` waits again to start at the frame given, and each
    /// log entry still `airing` is closed as interrupted with `reason`, at the controller's last sign of life.
    /// Returns the closed entries.
    func recover(resumeFrames: [Int64: Int], reason: String, now: Int64) throws(StoreError) -> [PlayLogEntry]
    /// Cancels the pending airings `airings` of `item` and logs each as cancelled with `reason`.
    func cancel(_ airings: [Airing], of item: Item, reason: String, at: Int64) throws(StoreError)
    /// Puts `airing` on the air from its resume frame and opens its log entry (`reason`: nil, or "resumed").
    func begin(_ airing: Airing, of item: Item, reason: String?, at: Int64) throws(StoreError)
    /// Marks `airing` failed, and logs it as failed with `reason`, without it having aired.
    func fail(_ airing: Airing, of item: Item, reason: String, at: Int64) throws(StoreError)
    /// The air started airing `airing` at `at`.
    func started(airing: Int64, at: Int64) throws(StoreError)
    /// Airing `id` left the air at `frame`: it is now in `state`, and its open log entry ends with `outcome`.
    func end(
        airing id: Int64, at: Int64, frame: Int, state: AiringState, resumeFrame: Int?, outcome: Outcome,
        reason: String?) throws(StoreError)

    // Time and the schedule.
    /// Saves where each airing on the air is (frame by airing id), that the controller is alive at `now`, the
    /// slot occurrences found due (one whose key is already stored is skipped, as is one whose clip is not), and
    /// that the schedule was scanned up to `scannedTo` (nil: the mark stays).
    func advance(to now: Int64, positions: [Int64: Int], occurrences: [SlotOccurrence], scannedTo: Int64?)
        throws(StoreError)
    /// Withdraws the items planned ahead from the schedule (slot occurrences after `after`, never on the air) that
    /// are not among `keeping` (same key, clip, time and zones): their airings are cancelled and logged with
    /// `reason`, and their occurrence keys freed so that a later schedule may plan the same occurrence again.
    func withdrawScheduled(after: Int64, keeping: [SlotOccurrence], reason: String) throws(StoreError) -> [Item]
    /// Takes the items planned ahead from the schedule (slot occurrences never on the air) planned before
    /// `plannedBefore` off the queue, logging each zone's occurrence as missed with `reason(item)`: their time passed
    /// while the controller was not running.
    func missScheduled(plannedBefore: Int64, reason: (Item) -> String) throws(StoreError) -> [Item]
    /// The applied schedule and the time it was last scanned up to (nil: never).
    func schedule() throws(StoreError) -> (slots: [Slot], scannedTo: Int64?)
    /// Replaces the schedule, all or nothing (`StoreError.unknownClip` if a slot names a clip not stored), keeping
    /// the schedule it replaces as the previous one.
    func replaceSchedule(_ slots: [SlotInput], at: Int64) throws(StoreError)
    /// The schedule the last `replaceSchedule` replaced (nil: none was ever replaced).
    func previousSchedule() throws(StoreError) -> [SlotInput]?
    /// Keeps `slots`, sent by `by`, until an approver releases them (replacing a schedule held before); nil
    /// slots: none is held any more.
    func holdSchedule(_ slots: [SlotInput]?, by: String) throws(StoreError)
    /// The schedule held for an approver and who sent it, if any.
    func heldSchedule() throws(StoreError) -> (slots: [SlotInput], by: String)?

    // Reading the log.
    /// The as-played log from `since` (Unix ms), optionally for one zone, oldest first; each entry with the text
    /// its clip was read aloud from, if it was.
    func log(since: Int64, zone: String?) throws(StoreError) -> [PlayLogEntry]
    /// Airtime and item counts per zone and priority of what started in [`from`, `until`).
    func airtime(from: Int64, until: Int64) throws(StoreError) -> [ReportRow]
    /// How many airings completed, ever.
    func completedCount() throws(StoreError) -> Int
}

/// One occurrence of a schedule slot, ready to be stored as an item of one of the slot's clips.
extension ProgrammeStore {
    /// Stores `item`, not from a schedule occurrence.
    func insertItem(_ item: NewItem) throws(StoreError) -> Item { try insertItem(item, slotKey: nil) }
}

public struct SlotOccurrence: Sendable, Equatable {
    /// Slot, date, time and clip index: the same occurrence is never stored twice.
    public var key: String
    public var slot: String
    public var clipId: Int64
    public var zones: [String]
    public var at: Int64
    /// Non-nil: the slot's time passed while the controller was not running; logged as missed, not aired.
    public var missedReason: String?
}

/// Why the store could not do what it was asked.
public enum StoreError: Error, Sendable, Equatable {
    /// A slot names a clip that is not stored.
    case unknownClip(Int64)
    /// The database failed (disk full, I/O error, damaged file): the database's own words.
    case database(String)
}
