import Foundation
import LoaCodec
import LoaControlAPI
import LoaSchedule
import LoaSource
import LoaSystem

/// What a relay airs and until when.
public struct RelayPlan: Sendable, Equatable {
    /// The station's URLs: the primary, then the backups in order (HTTP/Icecast/Shoutcast MP3 or AAC, or HLS).
    public var sources: [String]
    /// When it ends (Unix ms): it never airs past this.
    public var until: Int64
    /// A stored clip played (looped) while no source gives audio; nil: silence.
    public var fallbackClip: Int64?

    public init(sources: [String], until: Int64, fallbackClip: Int64? = nil) {
        self.sources = sources
        self.until = until
        self.fallbackClip = fallbackClip
    }

    /// At most this many relays on the air at once.
    public static let maximumAtOnce = 4
    /// The longest window (a day) and the longest fallback clip decoded (10 minutes).
    public static let maximumMilliseconds: Int64 = 24 * 3_600_000
    static let maximumFallbackSeconds = 600

    /// Why `sources` cannot be relayed (one line), or nil.
    public static func problem(sources: [String]) -> String? {
        guard !sources.isEmpty else { return "a relay needs the station's address (http://… or https://…)" }
        guard let bad = sources.first(where: { !StationAddress.isValid($0) }) else { return nil }
        return "'\(bad)' is not a station's address: write http://HOST/PATH or https://HOST/PATH"
    }
}

extension Programme {
    /// Relays a radio station in `zones` from now until `plan.until`, as an item of `priority` (normal or
    /// priority): its sources are read and judged on their decoded audio (`RelaySource`: a dead or silent source
    /// gives way to the next backup, then to the fallback clip, and the primary comes back after 10 s of healthy
    /// audio; each switch is logged and raised as a `relay-switch` alert), encoded once with the first zone's
    /// settings at the programme loudness, and aired like a live broadcast: cut by priority items and emergencies
    /// as any item of its priority, rejoined at the live edge, recorded as it goes. `origin` is the item's source
    /// after `relay:` (the URL for `loa relay`, the slot for a schedule's relay).
    public func startRelay(
        _ plan: RelayPlan, zones names: [String], priority: Priority = .normal, title: String?, origin: String? = nil,
        slotKey: String? = nil
    ) throws(ProgrammeError) -> Item {
        guard priority != .emergency else {
            throw .live(
                "an emergency starts only by signed command ('loa emergency start'); relay as uu-tien or thuong")
        }
        if let problem = RelayPlan.problem(sources: plan.sources) { throw .live(problem) }
        let now = clock.now()
        guard plan.until > now + 1000 else {
            throw .live("the relay's end (\(localTime.text(plan.until))) has passed; give a later time or a length")
        }
        guard plan.until <= now + RelayPlan.maximumMilliseconds else {
            throw .live("a relay lasts at most 24 hours; give an earlier end")
        }
        guard live.values.filter({ $0.source is RelaySource }).count < RelayPlan.maximumAtOnce else {
            throw .live("\(RelayPlan.maximumAtOnce) relays are on the air already; stop one first ('loa live stop ID')")
        }
        let targets = try resolveZones(names)
        let encoder = zones.first { $0.name == targets[0] }?.encoder ?? zones[0].encoder
        let fallback = try plan.fallbackClip.map { id throws(ProgrammeError) in try fallbackAudio(id, zone: targets[0])
        }
        let logger = self.logger
        let alerts = self.alerts
        let heading = title ?? "Tiếp sóng \(URL(string: plan.sources[0])?.host ?? plan.sources[0])"
        let source: RelaySource
        do {
            source = try RelaySource.start(
                sources: plan.sources, fallback: fallback,
                endsAt: MonotonicClock.now() + UInt64(plan.until - now) * 1_000_000, encoder: encoder,
                loudness: clips.loudness, log: { logger.info("\($0)") },
                onSwitch: { alerts.raise(.relaySwitch, "'\(heading)': \($0)") })
        } catch { throw .live(error.message) }
        let item = try putOnAir(
            source, title: heading, priority: priority, zones: targets, frameMilliseconds: encoder.frameMilliseconds,
            source: Item.relaySourcePrefix + (origin ?? plan.sources[0]), slotKey: slotKey, relayPlan: plan)
        logger.info(
            "relay item \(item.id) '\(heading)' from \(plan.sources.joined(separator: " then ")) for \(targets.joined(separator: ", ")) until \(localTime.text(plan.until))"
        )
        return item
    }

    /// Relays again, each as a new item, the relays that a controller crash or power cut took off the air (`cut`:
    /// each relay item with its airings that were on the air) whose window is still open: the same sources, end,
    /// fallback, zones, priority and title. The old item's airings are cancelled first, with the reason; a relay
    /// whose window has passed, or whose plan was not recorded, stays ended, and one that cannot start is logged.
    func resumeRelays(_ cut: [(item: Item, airings: [Airing])]) throws(ProgrammeError) {
        let now = clock.now()
        for (item, airings) in cut {
            guard let plan = try stored({ () throws(StoreError) in try store.relayPlan(item: item.id) }),
                plan.until > now + 1000
            else { continue }
            try stored { () throws(StoreError) in
                try store.cancel(
                    airings, of: item,
                    reason: "the controller stopped during the relay; it is relayed again as a new item", at: now)
            }
            do {
                let resumed = try startRelay(
                    plan, zones: item.zones, priority: item.priority, title: item.title,
                    origin: String(item.source.dropFirst(Item.relaySourcePrefix.count)))
                logger.warning(
                    "relay item \(item.id) '\(item.title)' was cut off when the controller stopped; relayed again as item \(resumed.id) until \(localTime.text(plan.until))"
                )
            } catch {
                logger.error("relay item \(item.id) '\(item.title)' could not be relayed again: \(error.message)")
            }
        }
    }

    /// Stored clip `id` decoded to 48 kHz mono float (at most 10 minutes), for a relay's fallback.
    private func fallbackAudio(_ id: Int64, zone: String) throws(ProgrammeError) -> [Float] {
        let clip: EncodedClip
        do { clip = try clips.load(clip: id, for: zone) } catch {
            throw .live("the relay's fallback clip \(id): \(error.description)")
        }
        let decoder: OpusDecoder
        do { decoder = try OpusDecoder() } catch { throw .live("cannot make an Opus decoder: \(error)") }
        let frameCount = min(clip.frameCount, RelayPlan.maximumFallbackSeconds * 1000 / max(clip.frameMilliseconds, 1))
        var samples: [Float] = []
        samples.reserveCapacity(frameCount * OpusFormat.samples(milliseconds: clip.frameMilliseconds))
        var pcm = [Int16](repeating: 0, count: OpusFormat.samples(milliseconds: 120))
        for index in 0..<frameCount {
            let count = pcm.withUnsafeMutableBufferPointer { buffer in
                clip.withPacket(index) { packet in (try? decoder.decode(packet, into: buffer)) ?? 0 }
            }
            samples.append(contentsOf: pcm[0..<count].map { Float($0) / 32768 })
        }
        return samples
    }
}
