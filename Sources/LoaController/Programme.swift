import Foundation
import LoaCodec
import LoaSource
import Logging

/// Why the programme refused a request, in words for the broadcaster.
public enum ProgrammeError: Error, Sendable, Equatable {
    case unknownZone(String, known: [String])
    case badClip(ClipError)
    case unknownItem(Int64)

    public var message: String {
        switch self {
        case .unknownZone(let name, let known):
            return "unknown zone '\(name)'; zones are: \(known.joined(separator: ", "))"
        case .badClip(let error): return error.message
        case .unknownItem(let id): return "no item \(id)"
        }
    }
}

/// The programme: what each zone plays, in order. It owns the queue (in the store) and feeds the pacer
/// one item ahead, so that items follow one another without a gap and a later change of order (priorities,
/// schedules) only has to touch the pending queue.
///
/// Contract: `enqueue` returns only after the clip is decoded, encoded and stored, so a bad clip is refused
/// at once and a queued item survives a restart.
public actor Programme {
    public let zones: [Zone]
    private let store: Store
    private let clips: ClipLibrary
    private let pacer: Pacer
    private let logger: Logger
    /// Items handed to the pacer per zone (playing, then prefetched).
    private var inPacer: [String: [Int64]] = [:]

    public init(zones: [Zone], store: Store, clips: ClipLibrary, pacer: Pacer, logger: Logger) {
        self.zones = zones
        self.store = store
        self.clips = clips
        self.pacer = pacer
        self.logger = logger
    }

    /// Marks items left on the air by a previous run as interrupted and feeds the pacer what is queued.
    public func resume() throws {
        for item in try store.items(in: [.playing]) {
            try store.update(id: item.id!, state: .interrupted, endedAt: Self.now(), reason: "the controller stopped")
            logger.warning("item \(item.id!) '\(item.title)' was cut off when the controller stopped")
        }
        for zone in zones { try feed(zone.name) }
    }

    /// Encodes the sound file at `path` for `zoneName` and queues it. Returns the new item.
    public func enqueue(path: String, title: String, zoneName: String) async throws -> Item {
        guard let zone = zones.first(where: { $0.name == zoneName }) else {
            throw ProgrammeError.unknownZone(zoneName, known: zones.map(\.name))
        }
        let clip = try await Self.encode(path: path, settings: zone.encoder)
        var item = try store.insert(
            Item(
                zone: zone.name, title: title, state: .queued, frameCount: clip.frameCount,
                frameMilliseconds: clip.frameMilliseconds, queuedAt: Self.now()))
        do {
            try clips.store(clip, item: item.id!)
        } catch {
            try store.update(id: item.id!, state: .failed, endedAt: Self.now(), reason: "cannot store the clip: \(error)")
            throw error
        }
        item = try store.item(id: item.id!) ?? item
        logger.info("queued item \(item.id!) '\(title)' for zone \(zone.name): \(clip.durationMilliseconds) ms")
        try feed(zone.name)
        return item
    }

    /// Applies what the pacer reports.
    public func handle(_ event: Pacer.Event) throws {
        switch event {
        case .started(let id, _, let time):
            try store.update(id: id, state: .playing, startedAt: time)
        case .finished(let id, let zone, let time):
            try store.update(id: id, state: .completed, endedAt: time)
            inPacer[zone]?.removeAll { $0 == id }
            try feed(zone)
        case .stopped(let id, let zone, let time):
            try store.update(id: id, state: .interrupted, endedAt: time, reason: "stopped")
            inPacer[zone]?.removeAll { $0 == id }
            try feed(zone)
        }
    }

    /// Pending items per zone in play order (not yet handed to the pacer's current slot).
    public func queued() throws -> [Item] { try store.items(in: [.queued]) }

    /// An item by id.
    public func item(id: Int64) throws -> Item? { try store.item(id: id) }

    /// Hands the next queued items of `zone` to the pacer until it holds the current and the next one.
    private func feed(_ zone: String) throws {
        var handed = inPacer[zone] ?? []
        guard handed.count < 2 else { return }
        let waiting = try store.items(in: [.queued]).filter { $0.zone == zone && !handed.contains($0.id!) }
        for item in waiting.prefix(2 - handed.count) {
            do {
                pacer.submit(ReadyItem(id: item.id!, clip: try clips.load(item: item.id!)), zone: zone)
                handed.append(item.id!)
            } catch {
                try store.update(id: item.id!, state: .failed, endedAt: Self.now(), reason: "cannot read its clip: \(error)")
                logger.error("item \(item.id!) failed: cannot read its clip: \(error)")
            }
        }
        inPacer[zone] = handed
    }

    private static func encode(path: String, settings: EncoderSettings) async throws -> EncodedClip {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                let result = Result { () throws(ClipError) in try ClipEncoder.encode(path: path, settings: settings) }
                continuation.resume(with: result.mapError { ProgrammeError.badClip($0) })
            }
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
