import Foundation
import GRDB
import LoaCodec
import LoaControlAPI
import LoaSchedule
import LoaSource
import Logging

/// Why the programme refused a request, in words for the broadcaster.
public enum ProgrammeError: Error, Sendable, Equatable {
    case unknownZone(String, known: [String])
    case badClip(ClipError)
    case unknownItem(Int64)
    case unknownClip(Int64)
    case finished(Int64)

    public var message: String {
        switch self {
        case .unknownZone(let name, let known):
            return "unknown zone '\(name)'; zones are: \(known.joined(separator: ", "))"
        case .badClip(let error): return error.message
        case .unknownItem(let id): return "no item \(id); 'loa queue --list' shows the queue"
        case .unknownClip(let id): return "no stored clip \(id)"
        case .finished(let id): return "item \(id) has already aired; nothing to cancel"
        }
    }
}

/// The broadcast programme: what each zone plays and when, by the priorities of Thông tư 39.
///
/// Contract:
/// - Each zone plays its pending items one at a time: emergency before priority before normal; within a
///   priority, by planned time then by order of queuing. A scheduled item is planned at its slot time.
/// - An emergency pre-empts whatever plays in its zones at once (nothing but a newer emergency pre-empts it);
///   a priority item with `immediate` pre-empts a normal item; otherwise items wait for the item boundary.
/// - A cut item goes back to the queue to resume where it was cut or to restart, by its policy; the as-played
///   log records each stretch of airtime and how it ended.
/// - An item whose stored clip is missing or damaged when its turn comes is logged as failed with the reason
///   (what plays is not cut for it) and the zone's next item starts at once.
/// - Every change is committed to the store before it is acted on, so after a crash nothing queued is lost and
///   nothing completed plays again; an item cut by the crash resumes from its last saved position (≤ 1 s back).
/// - Time comes from an injectable clock; `tick()` (once a second in service) materialises schedule slots whose
///   time has come. A wall-clock step neither skips nor repeats a slot.
public actor Programme {
    public let zones: [Zone]
    public let localTime: LocalTime
    let store: Store
    let clips: ClipLibrary
    let air: any Air
    let clock: any ProgrammeClock
    let logger: Logger
    /// A scheduled slot found more than this late when the controller starts is logged as missed, not aired.
    public var lateLimitMilliseconds: Int64 = 30 * 60_000

    struct OnAir {
        var airing: Int64
        var item: Int64
        var rank: Int
    }

    /// What plays in each zone, as decided (the air confirms by events).
    var onAir: [String: OnAir] = [:]
    /// Airings being cancelled, and airings being pre-empted (with what pre-empts them).
    var cancelling: Set<Int64> = []
    var preemptedBy: [Int64: String] = [:]

    public init(
        zones: [Zone], localTime: LocalTime, store: Store, clips: ClipLibrary, air: any Air,
        clock: any ProgrammeClock = SystemProgrammeClock(), logger: Logger
    ) {
        self.zones = zones
        self.localTime = localTime
        self.store = store
        self.clips = clips
        self.air = air
        self.clock = clock
        self.logger = logger
    }

    public var zoneNames: [String] { zones.map(\.name) }

    /// Recovers from an unclean stop, then materialises due slots and starts what should play.
    public func start() throws {
        let now = clock.now()
        try store.write { db in
            let lastAlive = try db.meta("lastAlive").flatMap { Int64($0) } ?? now
            for var airing in try Airing.filter(Column("state") == AiringState.playing.rawValue).fetchAll(db) {
                let item = try Item.fetchOne(db, key: airing.itemId)
                airing.state = .pending
                airing.resumeFrame = item?.onInterrupt == .resume ? airing.positionFrame : 0
                try airing.update(db)
            }
            for var entry in try PlayLogEntry.filter(Column("outcome") == Outcome.airing.rawValue).fetchAll(db) {
                let airing = try Airing.filter(Column("itemId") == entry.itemId && Column("zone") == entry.zone)
                    .fetchOne(db)
                entry.outcome = .interrupted
                entry.reason = "the controller stopped (crash or power cut)"
                entry.endedAt = max(lastAlive, entry.startedAt ?? lastAlive)
                entry.toFrame = airing?.positionFrame ?? entry.fromFrame
                try entry.update(db)
                logger.warning(
                    "item \(entry.itemId) '\(entry.title)' in zone \(entry.zone) was cut off when the controller stopped"
                )
            }
        }
        try tick(startup: true)
    }

    // MARK: Queuing

    /// Encodes the sound file at `path` once for each distinct Opus setting of the zones (usually one; a zone
    /// with its own bitrate gets its own encoding) and stores it. Returns the stored clip.
    public func storeClip(path: String, title: String) async throws -> ClipRecord {
        var encodings: [EncoderSettings] = []
        for zone in zones where !encodings.contains(zone.encoder) { encodings.append(zone.encoder) }
        var encoded: [EncodedClip] = []
        for settings in encodings { encoded.append(try await Self.encode(path: path, settings: settings)) }
        let record = try storeClip(encoded[0], title: title)
        for (settings, clip) in zip(encodings, encoded).dropFirst() {
            try clips.store(clip, clip: record.id!, variant: Self.variant(settings))
        }
        return record
    }

    /// The name of the encoding for `settings` next to a clip's first one (which is for the first zone's).
    static func variant(_ settings: EncoderSettings) -> String {
        "\(settings.bitrate)bps-\(settings.frameMilliseconds)ms-c\(settings.complexity)-fec\(settings.inbandFEC ? settings.expectedLossPercent : 0)"
    }

    /// The encoding of clip `id` that `zone` airs: its own if the clip has one, else the clip's first.
    private func loadClip(_ id: Int64, for zone: String) throws(ClipLoadError) -> EncodedClip {
        if let settings = zones.first(where: { $0.name == zone })?.encoder, settings != zones[0].encoder,
            clips.has(clip: id, variant: Self.variant(settings))
        {
            return try clips.load(clip: id, variant: Self.variant(settings))
        }
        return try clips.load(clip: id)
    }

    /// Stores an already encoded clip (live sources, tests).
    public func storeClip(_ encoded: EncodedClip, title: String) throws -> ClipRecord {
        var record = ClipRecord(
            title: title, frameCount: encoded.frameCount, frameMilliseconds: encoded.frameMilliseconds,
            createdAt: clock.now())
        try store.write { db in try record.insert(db) }
        try clips.store(encoded, clip: record.id!)
        return record
    }

    /// Expands "all" and checks zone names.
    public func resolveZones(_ names: [String]) throws -> [String] {
        if names.isEmpty || names.contains("all") && !zoneNames.contains("all") { return zoneNames }
        for name in names where !zoneNames.contains(name) { throw ProgrammeError.unknownZone(name, known: zoneNames) }
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        return unique
    }

    /// Queues a stored clip for `zones`. Plays by `priority`; `immediate` lets a priority item cut a normal one.
    public func queue(
        clip: ClipRecord, title: String, zones names: [String], priority: Priority, immediate: Bool = false,
        onInterrupt: InterruptPolicy = .resume, plannedAt: Int64? = nil
    ) throws -> Item {
        let targets = try resolveZones(names)
        let now = clock.now()
        var item = Item(
            clipId: clip.id!, title: title, priority: priority, rank: priority.rank, immediate: immediate,
            onInterrupt: onInterrupt, zones: targets.joined(separator: ","), queuedAt: now, plannedAt: plannedAt ?? now,
            source: "queue", slotKey: nil, frameCount: clip.frameCount, frameMilliseconds: clip.frameMilliseconds)
        try store.write { db in
            try item.insert(db)
            for zone in targets {
                var airing = Airing(itemId: item.id!, zone: zone, state: .pending, resumeFrame: 0, positionFrame: 0)
                try airing.insert(db)
            }
        }
        logger.info("queued item \(item.id!) '\(title)' (\(priority.rawValue)) for \(targets.joined(separator: ", "))")
        for zone in targets { try reconsider(zone) }
        return item
    }

    /// Removes a pending item, or stops it where it plays. Returns the item.
    public func cancel(_ id: Int64) throws -> Item {
        guard let item = try store.read({ db in try Item.fetchOne(db, key: id) }) else {
            throw ProgrammeError.unknownItem(id)
        }
        let airings = try store.read { db in try Airing.filter(Column("itemId") == id).fetchAll(db) }
        guard airings.contains(where: { $0.state == .pending || $0.state == .playing }) else {
            throw ProgrammeError.finished(id)
        }
        let now = clock.now()
        try store.write { db in
            for var airing in airings where airing.state == .pending {
                airing.state = .cancelled
                try airing.update(db)
                var entry = PlayLogEntry(
                    itemId: id, zone: airing.zone, title: item.title, priority: item.priority,
                    plannedAt: item.plannedAt,
                    startedAt: nil, endedAt: now, outcome: .cancelled, reason: "cancelled before it aired",
                    fromFrame: airing.resumeFrame, toFrame: airing.resumeFrame,
                    frameMilliseconds: item.frameMilliseconds)
                try entry.insert(db)
            }
        }
        for airing in airings where airing.state == .playing {
            cancelling.insert(airing.id!)
            air.stop(zone: airing.zone)
        }
        logger.info("cancelled item \(id) '\(item.title)'")
        return item
    }

    // MARK: Time

    /// Saves positions, materialises slots whose time has come, and starts what should play.
    public func tick(startup: Bool = false) throws {
        let now = clock.now()
        try store.write { db in
            for (zone, current) in onAir {
                if let position = air.onAir(zone: zone), position.airing == current.airing {
                    try db.execute(
                        sql: "UPDATE airing SET positionFrame = ? WHERE id = ?",
                        arguments: [position.frame, current.airing])
                }
            }
            try db.setMeta("lastAlive", String(now))
            try materialize(db, now: now, startup: startup)
        }
        for zone in zoneNames { try reconsider(zone) }
    }

    /// Starts the best pending item of `zone` if the zone is free, or if it may pre-empt what plays. An item
    /// that cannot start (its stored clip is missing or damaged) is logged as failed and the next one is tried
    /// at once, so a zone is never left silent while something is waiting.
    func reconsider(_ zone: String) throws {
        let now = clock.now()
        while let (airing, item) = try nextPending(zone, now: now) {
            let current = onAir[zone]
            if let current {
                let emergencyCuts =
                    item.rank == Priority.emergency.rank
                    && (current.rank < item.rank || item.id! > current.item)
                let priorityCuts =
                    item.rank == Priority.priority.rank && item.immediate && current.rank == Priority.normal.rank
                guard emergencyCuts || priorityCuts else { return }
            }
            if try begin(airing, of: item, in: zone, now: now, cutting: current) { return }
        }
    }

    private func nextPending(_ zone: String, now: Int64) throws -> (Airing, Item)? {
        try store.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT airing.id AS airingId FROM airing JOIN item ON item.id = airing.itemId
                    WHERE airing.zone = ? AND airing.state = 'pending' AND item.plannedAt <= ?
                    ORDER BY item.rank DESC, item.plannedAt, item.id LIMIT 1
                    """, arguments: [zone, now])
            guard let id: Int64 = row?["airingId"], let airing = try Airing.fetchOne(db, key: id),
                let item = try Item.fetchOne(db, key: airing.itemId)
            else { return nil }
            return (airing, item)
        }
    }

    /// Puts `item` on the air in `zone` (cutting `current`, if given). Returns false, with the airing failed and
    /// logged with the reason, if its clip cannot be loaded; what plays is then left alone.
    private func begin(_ airing: Airing, of item: Item, in zone: String, now: Int64, cutting current: OnAir?) throws
        -> Bool
    {
        let clip: EncodedClip
        do { clip = try loadClip(item.clipId, for: zone) } catch {
            try store.write { db in
                try db.execute(sql: "UPDATE airing SET state = 'failed' WHERE id = ?", arguments: [airing.id!])
                var entry = PlayLogEntry(
                    itemId: item.id!, zone: zone, title: item.title, priority: item.priority, plannedAt: item.plannedAt,
                    startedAt: nil, endedAt: now, outcome: .failed, reason: "not aired: \(error.description)",
                    fromFrame: airing.resumeFrame, toFrame: airing.resumeFrame,
                    frameMilliseconds: item.frameMilliseconds)
                try entry.insert(db)
            }
            logger.error("item \(item.id!) '\(item.title)' failed in zone \(zone): \(error.description)")
            return false
        }
        if let current { preemptedBy[current.airing] = "\(item.priority.rawValue) item \(item.id!) '\(item.title)'" }
        try store.write { db in
            try db.execute(
                sql: "UPDATE airing SET state = 'playing', positionFrame = resumeFrame WHERE id = ?",
                arguments: [airing.id!])
            var entry = PlayLogEntry(
                itemId: item.id!, zone: zone, title: item.title, priority: item.priority, plannedAt: item.plannedAt,
                startedAt: now, endedAt: nil, outcome: .airing, reason: airing.resumeFrame > 0 ? "resumed" : nil,
                fromFrame: airing.resumeFrame, toFrame: airing.resumeFrame, frameMilliseconds: item.frameMilliseconds)
            try entry.insert(db)
        }
        onAir[zone] = OnAir(airing: airing.id!, item: item.id!, rank: item.rank)
        air.play(
            ReadyItem(
                id: airing.id!, clip: clip, startFrame: airing.resumeFrame, emergency: item.priority == .emergency),
            zone: zone)
        return true
    }

    // MARK: Events from the air

    /// Records what the air reports and moves each zone on.
    public func handle(_ event: AirEvent) throws {
        switch event {
        case .started(let airing, _, let at):
            try store.write { db in
                try db.execute(
                    sql:
                        "UPDATE playlog SET startedAt = ? WHERE id = (SELECT max(p.id) FROM playlog p JOIN airing a ON a.itemId = p.itemId AND a.zone = p.zone WHERE a.id = ? AND p.outcome = 'airing')",
                    arguments: [at, airing])
            }
        case .finished(let airing, let zone, let at, let frame):
            try close(airing, at: at, frame: frame, outcome: .completed, reason: nil, next: .completed)
            if onAir[zone]?.airing == airing { onAir[zone] = nil }
            try reconsider(zone)
        case .stopped(let airing, let zone, let at, let frame):
            if cancelling.remove(airing) != nil {
                try close(
                    airing, at: at, frame: frame, outcome: .cancelled, reason: "cancelled on the air", next: .cancelled)
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

    private func close(_ id: Int64, at: Int64, frame: Int, outcome: Outcome, reason: String?, next: AiringState) throws
    {
        try store.write { db in
            try db.execute(
                sql: "UPDATE airing SET state = ?, positionFrame = ? WHERE id = ?",
                arguments: [next.rawValue, frame, id])
            try closeLog(db, airing: id, at: at, frame: frame, outcome: outcome, reason: reason)
        }
    }

    private func interrupt(_ id: Int64, at: Int64, frame: Int, reason: String) throws {
        try store.write { db in
            guard var airing = try Airing.fetchOne(db, key: id), let item = try Item.fetchOne(db, key: airing.itemId)
            else { return }
            airing.state = .pending
            airing.positionFrame = frame
            airing.resumeFrame = item.onInterrupt == .resume ? frame : 0
            try airing.update(db)
            try closeLog(
                db, airing: id, at: at, frame: frame, outcome: .interrupted,
                reason: "\(reason); will \(item.onInterrupt == .resume ? "resume" : "restart")")
        }
    }

    private func closeLog(_ db: Database, airing: Int64, at: Int64, frame: Int, outcome: Outcome, reason: String?)
        throws
    {
        try db.execute(
            sql: """
                UPDATE playlog SET outcome = ?, endedAt = ?, toFrame = ?, reason = coalesce(?, reason)
                WHERE id = (SELECT max(p.id) FROM playlog p JOIN airing a ON a.itemId = p.itemId AND a.zone = p.zone
                            WHERE a.id = ? AND p.outcome = 'airing')
                """, arguments: [outcome.rawValue, at, frame, reason, airing])
    }

    private static func encode(path: String, settings: EncoderSettings) async throws -> EncodedClip {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                let result = Result { () throws(ClipError) in try ClipEncoder.encode(path: path, settings: settings) }
                continuation.resume(with: result.mapError { ProgrammeError.badClip($0) })
            }
        }
    }
}
