import Foundation
import LoaCodec
import LoaControlAPI
import LoaSchedule
import LoaSource
import LoaSpeech
import Logging

/// The broadcast programme: what each zone plays and when, by the priorities of Thông tư 39.
///
/// Contract:
/// - Each zone plays its pending items one at a time, in the order of `PreemptionRule` (emergency before priority
///   before normal; within a priority, by planned time then by order of queuing). A scheduled item is planned at
///   its slot time.
/// - An emergency pre-empts whatever plays in its zones at once (nothing but a newer emergency pre-empts it);
///   a priority item with `immediate` pre-empts a normal item; otherwise items wait for the item boundary.
/// - A cut item goes back to the queue to resume where it was cut or to restart, by its policy; the as-played
///   log records each stretch of airtime and how it ended.
/// - An item whose stored clip is missing or damaged when its turn comes is logged as failed with the reason
///   (what plays is not cut for it) and the zone's next item starts at once.
/// - Every change is committed to the store before it is acted on, so after a crash nothing queued is lost and
///   nothing completed plays again; an item cut by the crash resumes from its last saved position (≤ 1 s back).
/// - Time comes from the injected clock; `tick()` (once a second in service) materialises schedule slots whose
///   time has come. A wall-clock step neither skips nor repeats a slot.
/// - Every failure is a `ProgrammeError`.
public actor Programme {
    public let zones: [Zone]
    public let localTime: LocalTime
    let store: any ProgrammeStore
    let clips: ClipLibrary
    let air: any Air
    /// How typed notices are read aloud (`POST /say`, a schedule's `say:`).
    public nonisolated let speech: TextToSpeech
    /// The controller's clock (the control API reads "today" from it too).
    public nonisolated let clock: any ControllerClock
    let logger: Logger
    /// A scheduled slot found more than this late when the controller starts is logged as missed, not aired.
    public var lateLimitMilliseconds: Int64 = 30 * 60_000
    /// How far ahead the schedule's occurrences are planned as items (issue 15): their boxes fetch the clips and
    /// hold them in the zone's timetable this long before airtime, so that a slot airs from each box's copy, and
    /// on its own when the controller is out of reach. A day, as long as a box's timetable stays fresh by default.
    public var aheadMilliseconds: Int64 = 24 * 3_600_000
    /// The schedule is planned as items up to here (Unix ms; nil: not since start or since the schedule changed).
    var plannedThrough: Int64?

    /// What plays in a zone, as decided (the air confirms by events).
    struct OnAir {
        var airing: Int64
        var item: Contender
    }

    /// What plays in each zone.
    var onAir: [String: OnAir] = [:]
    /// The live inputs (`inputs:`), and the live broadcasts on the air by item id (`Programme+Live`).
    public nonisolated let inputs: [LiveInput]
    /// What a live broadcast of each priority starts with.
    public nonisolated let chimes: [Priority: EncodedClip]
    var live: [Int64: LiveBroadcast] = [:]
    /// Where a relay's switches of source are raised as alerts (the controller connects it to the fleet's alerts).
    public nonisolated let alerts = AlertHook()
    /// Airings being cancelled, and airings being pre-empted (with what pre-empts them).
    var cancelling: Set<Int64> = []
    var preemptedBy: [Int64: String] = [:]

    public init(
        zones: [Zone], localTime: LocalTime, store: any ProgrammeStore, clips: ClipLibrary, air: any Air,
        clock: any ControllerClock = SystemClock(), speech: TextToSpeech = TextToSpeech(), inputs: [LiveInput] = [],
        chimes: [Priority: EncodedClip] = [:], logger: Logger
    ) {
        self.zones = zones
        self.inputs = inputs
        self.chimes = chimes
        self.localTime = localTime
        self.store = store
        self.clips = clips
        self.air = air
        self.clock = clock
        self.speech = speech
        self.logger = logger
    }

    public var zoneNames: [String] { zones.map(\.name) }

    /// Recovers from an unclean stop (a relay cut off within its window is relayed again, `resumeRelays`), then
    /// materialises due slots and starts what should play.
    public func start() throws(ProgrammeError) {
        var resumeFrames: [Int64: Int] = [:]
        var cutRelays: [Int64: (item: Item, airings: [Airing])] = [:]
        for (airing, item) in try stored({ () throws(StoreError) in try store.playing() }) {
            resumeFrames[airing.id] = PreemptionRule.resumeFrame(cutAt: airing.positionFrame, policy: item.onInterrupt)
            if item.isRelay { cutRelays[item.id, default: (item, [])].airings.append(airing) }
        }
        let closed = try stored { () throws(StoreError) in
            try store.recover(
                resumeFrames: resumeFrames, reason: "the controller stopped (crash or power cut)", now: clock.now())
        }
        for entry in closed {
            logger.warning(
                "item \(entry.itemId) '\(entry.title)' in zone \(entry.zone) was cut off when the controller stopped")
        }
        try resumeRelays(cutRelays.values.sorted { $0.item.id < $1.item.id })
        // Occurrences planned ahead whose time passed too long ago while the controller was not running are missed,
        // as those it had not planned yet (`occurrences(…startup:)`).
        let now = clock.now()
        let missed = try stored { () throws(StoreError) in
            try store.missScheduled(plannedBefore: now - lateLimitMilliseconds) { item in
                "the controller was not running at \(localTime.text(item.plannedAt))"
            }
        }
        for item in missed {
            logger.warning(
                "slot item \(item.id) '\(item.title)' of \(localTime.text(item.plannedAt)) missed: the controller was not running"
            )
        }
        try tick(startup: true)
    }

    // MARK: Queuing

    /// Encodes the sound file at `path` at the programme loudness, once for each distinct Opus setting of the
    /// zones (usually one; a zone with its own bitrate gets its own encoding) and stores it. Returns the stored
    /// clip; `text` is what it was read aloud from, if it was.
    public func storeClip(path: String, title: String, text: String? = nil) async throws(ProgrammeError)
        -> ClipRecord
    {
        let encoded: ClipLibrary.Encoded
        do { encoded = try await clips.encode(path: path) } catch { throw .badClip(error) }
        let record = try storeClip(encoded.encodings, title: title, text: text)
        logger.info(
            "stored clip \(record.id) '\(title)': \(encoded.level?.summary ?? "at its own level (loudness: off)")")
        return record
    }

    /// Stores an already encoded clip (live sources, tests) as the encoding for every zone.
    public func storeClip(_ encoded: EncodedClip, title: String) throws(ProgrammeError) -> ClipRecord {
        try storeClip([ClipLibrary.Encoding(variant: nil, clip: encoded)], title: title, text: nil)
    }

    private func storeClip(_ encodings: [ClipLibrary.Encoding], title: String, text: String?) throws(ProgrammeError)
        -> ClipRecord
    {
        let first = encodings[0].clip
        let record = try stored { () throws(StoreError) in
            try store.insertClip(
                title: title, text: text, frameCount: first.frameCount, frameMilliseconds: first.frameMilliseconds,
                at: clock.now())
        }
        do { try clips.store(encodings, clip: record.id) } catch {
            throw .storage("cannot write clip \(record.id) to \(clips.directory.path): \(error)")
        }
        return record
    }

    /// Expands "all" and checks zone names.
    public func resolveZones(_ names: [String]) throws(ProgrammeError) -> [String] {
        if names.isEmpty || names.contains("all") && !zoneNames.contains("all") { return zoneNames }
        for name in names where !zoneNames.contains(name) { throw .unknownZone(name, known: zoneNames) }
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        return unique
    }

    /// Queues a stored clip for `zones`. Plays by `priority`; `immediate` lets a priority item cut a normal one.
    public func queue(
        clip: ClipRecord, title: String, zones names: [String], priority: Priority, immediate: Bool = false,
        onInterrupt: InterruptPolicy = .resume, plannedAt: Int64? = nil, heldBy: String? = nil
    ) throws(ProgrammeError) -> Item {
        let targets = try resolveZones(names)
        let now = clock.now()
        let item = try stored { () throws(StoreError) in
            try store.insertItem(
                NewItem(
                    clip: clip, title: title, priority: priority, immediate: immediate, onInterrupt: onInterrupt,
                    zones: targets, queuedAt: now, plannedAt: plannedAt ?? now, source: "queue", heldBy: heldBy))
        }
        let held = heldBy.map { ", held for approval (queued by \($0))" } ?? ""
        logger.info(
            "queued item \(item.id) '\(title)' (\(priority.rawValue)) for \(targets.joined(separator: ", "))\(held)")
        for zone in targets { try reconsider(zone) }
        return item
    }

    /// Items held for an approver, oldest first.
    public func heldItems() throws(ProgrammeError) -> [Item] {
        try stored { () throws(StoreError) in try store.heldItems() }
    }

    /// Releases held item `id`, released by `approver`: it airs when its turn comes, as if queued now.
    public func release(_ id: Int64, by approver: String) throws(ProgrammeError) -> Item {
        guard let item = try stored({ () throws(StoreError) in try store.item(id) }) else { throw .unknownItem(id) }
        guard try stored({ () throws(StoreError) in try store.release(item: id) }) else { throw .notHeld(id) }
        logger.info("item \(id) '\(item.title)' released by \(approver)")
        for zone in item.zones { try reconsider(zone) }
        return item
    }

    /// Removes a pending item, or stops it where it plays. Returns the item.
    public func cancel(_ id: Int64) throws(ProgrammeError) -> Item {
        guard let item = try stored({ () throws(StoreError) in try store.item(id) }) else { throw .unknownItem(id) }
        let airings = try stored { () throws(StoreError) in try store.airings(ofItem: id) }
        guard airings.contains(where: { $0.state == .pending || $0.state == .playing }) else {
            let ended: AiringState =
                airings.contains { $0.state == .completed }
                ? .completed : airings.contains { $0.state == .failed } ? .failed : .cancelled
            throw .finished(id, ended: ended)
        }
        let now = clock.now()
        try stored { () throws(StoreError) in
            try store.cancel(
                airings.filter { $0.state == .pending }, of: item, reason: "cancelled before it aired", at: now)
        }
        for airing in airings where airing.state == .playing {
            cancelling.insert(airing.id)
            air.stop(zone: airing.zone)
        }
        logger.info("cancelled item \(id) '\(item.title)'")
        return item
    }

    // MARK: Time

    /// Saves positions, materialises slots whose time has come, and starts what should play.
    public func tick(startup: Bool = false) throws(ProgrammeError) {
        let now = clock.now()
        var positions: [Int64: Int] = [:]
        for (zone, current) in onAir {
            if let position = air.onAir(zone: zone), position.airing == current.airing {
                positions[current.airing] = position.frame
            }
        }
        let schedule = try stored { () throws(StoreError) in try store.schedule() }
        let due = occurrences(of: schedule.slots, scannedTo: schedule.scannedTo, now: now, startup: startup)
        // The coming occurrences not planned yet, in (max(now, plannedThrough), now + aheadMilliseconds]: stored as
        // items planned at their time (those already stored, by key, are skipped; due ones are found above).
        let through = now + aheadMilliseconds
        let ahead = occurrences(
            of: schedule.slots, scannedTo: max(now, plannedThrough ?? now), now: through, startup: false
        ).occurrences
        try stored { () throws(StoreError) in
            try store.advance(
                to: now, positions: positions, occurrences: due.occurrences + ahead, scannedTo: due.scannedTo)
        }
        plannedThrough = max(plannedThrough ?? through, through)
        startRelays(due.relays)
        try closeEndedLive()
        for zone in zoneNames { try reconsider(zone) }
    }

    /// The pending items of `zone` that may start by `now`, in play order.
    func waiting(in zone: String, now: Int64) throws(ProgrammeError) -> [(Airing, Item)] {
        try stored { () throws(StoreError) in try store.pending(zone: zone, readyBy: now) }
            .sorted { PreemptionRule.playsBefore($0.1.contender, $1.1.contender) }
    }

    /// Starts the best pending item of `zone` if the zone is free, or if it may pre-empt what plays. An item
    /// that cannot start (its stored clip is missing or damaged) is logged as failed and the next one is tried
    /// at once, so a zone is never left silent while something is waiting.
    func reconsider(_ zone: String) throws(ProgrammeError) {
        let now = clock.now()
        while let (airing, item) = try waiting(in: zone, now: now).first {
            let current = onAir[zone]
            guard PreemptionRule.starts(item.contender, whilePlaying: current?.item) else { return }
            if try begin(airing, of: item, in: zone, now: now, cutting: current) { return }
        }
    }

    /// Puts `item` on the air in `zone` (cutting `current`, if given). Returns false, with the airing failed and
    /// logged with the reason, if its clip cannot be loaded; what plays is then left alone.
    private func begin(_ airing: Airing, of item: Item, in zone: String, now: Int64, cutting current: OnAir?)
        throws(ProgrammeError) -> Bool
    {
        if item.isLive {
            guard let broadcast = live[item.id], !broadcast.source.hasEnded else {
                try stored { () throws(StoreError) in
                    try store.cancel(
                        [airing], of: item, reason: "the live broadcast had ended before it could air here", at: now)
                }
                return false
            }
            if let current { preemptedBy[current.airing] = "live item \(item.id) '\(item.title)'" }
            try stored { () throws(StoreError) in
                try store.begin(airing, of: item, reason: airing.resumeFrame > 0 ? "rejoined" : nil, at: now)
            }
            onAir[zone] = OnAir(airing: airing.id, item: item.contender)
            // The chime once, when the broadcast first goes on the air here (not when it rejoins after a cut).
            // A relayed station starts without one.
            let chime = airing.resumeFrame > 0 || item.isRelay ? nil : chimes[item.priority]
            air.play(ReadyItem(id: airing.id, live: broadcast.source.feed, item: item.id, chime: chime), zone: zone)
            return true
        }
        let clip: EncodedClip
        do { clip = try clips.load(clip: item.clipId, for: zone) } catch {
            try stored { () throws(StoreError) in
                try store.fail(airing, of: item, reason: "not aired: \(error.description)", at: now)
            }
            logger.error("item \(item.id) '\(item.title)' failed in zone \(zone): \(error.description)")
            return false
        }
        if let current { preemptedBy[current.airing] = "\(item.priority.rawValue) item \(item.id) '\(item.title)'" }
        try stored { () throws(StoreError) in
            try store.begin(airing, of: item, reason: airing.resumeFrame > 0 ? "resumed" : nil, at: now)
        }
        onAir[zone] = OnAir(airing: airing.id, item: item.contender)
        air.play(
            ReadyItem(
                id: airing.id, clip: clip, item: item.id, startFrame: airing.resumeFrame,
                emergency: item.priority == .emergency),
            zone: zone)
        return true
    }

    // MARK: Events from the air

    /// Records what the air reports and moves each zone on.
    public func handle(_ event: AirEvent) throws(ProgrammeError) {
        switch event {
        case .started(let airing, _, let at):
            try stored { () throws(StoreError) in try store.started(airing: airing, at: at) }
        case .finished(let airing, let zone, let at, let frame):
            try stored { () throws(StoreError) in
                try store.end(
                    airing: airing, at: at, frame: frame, state: .completed, resumeFrame: nil, outcome: .completed,
                    reason: nil)
            }
            if onAir[zone]?.airing == airing { onAir[zone] = nil }
            try reconsider(zone)
        case .stopped(let airing, let zone, let at, let frame):
            if cancelling.remove(airing) != nil {
                try stored { () throws(StoreError) in
                    try store.end(
                        airing: airing, at: at, frame: frame, state: .cancelled, resumeFrame: nil,
                        outcome: .cancelled, reason: "cancelled on the air")
                }
            } else {
                let cause = preemptedBy.removeValue(forKey: airing)
                try interrupt(
                    airing, at: at, frame: frame,
                    reason: cause.map { "pre-empted by \($0)" } ?? "the controller stopped")
            }
            if onAir[zone]?.airing == airing { onAir[zone] = nil }
            try reconsider(zone)
        }
    }

    /// Airing `id` was cut at `frame`: it waits again, to resume or restart by its item's policy.
    private func interrupt(_ id: Int64, at: Int64, frame: Int, reason: String) throws(ProgrammeError) {
        guard let (_, item) = try stored({ () throws(StoreError) in try store.airing(id) }) else { return }
        let policy = item.onInterrupt
        try stored { () throws(StoreError) in
            try store.end(
                airing: id, at: at, frame: frame, state: .pending,
                resumeFrame: PreemptionRule.resumeFrame(cutAt: frame, policy: policy), outcome: .interrupted,
                reason: "\(reason); will \(policy == .resume ? "resume" : "restart")")
        }
    }

    /// Runs `body` against the store, its failure a `ProgrammeError` (logged with its detail).
    func stored<T>(_ body: () throws(StoreError) -> T) throws(ProgrammeError) -> T {
        do { return try body() } catch {
            let failure = ProgrammeError(error)
            if case .storage = failure { logger.error("\(failure.detail)") }
            throw failure
        }
    }
}
