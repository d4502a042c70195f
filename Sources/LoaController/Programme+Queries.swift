import Foundation

import LoaControlAPI
import LoaWire

extension Programme {
    /// Each zone: what plays (with its position) and what waits: in play order what may start now, then what is
    /// planned for later (`loa queue --at`) by its time.
    public func status(packetsSent: (String) -> Int = { _ in 0 }) throws(ProgrammeError) -> [ZoneState] {
        let now = clock.now()
        var states: [ZoneState] = []
        for zone in zoneNames {
            var playing: ZoneItem?
            if let current = onAir[zone],
                let item = try stored({ () throws(StoreError) in try store.item(current.item.item) })
            {
                let frame = air.onAir(zone: zone).map { $0.airing == current.airing ? $0.frame : 0 } ?? 0
                playing = Self.view(item, positionMs: frame * item.frameMilliseconds)
            }
            let ready = try waiting(in: zone, now: now)
            let later = try stored { () throws(StoreError) in try store.pending(zone: zone, readyBy: Int64.max) }
                .filter { $0.1.plannedAt > now }.sorted { ($0.1.plannedAt, $0.1.id) < ($1.1.plannedAt, $1.1.id) }
            let queued = (ready + later).map { Self.view($0.1, positionMs: nil) }
            states.append(ZoneState(name: zone, playing: playing, queued: queued, packetsSent: packetsSent(zone)))
        }
        return states
    }

    /// Each zone's items still to air that play a stored clip (not live inputs or relays), in play order then by
    /// planned time, with their clips: what the boxes may fetch ahead of airtime (issue 15). An emergency on the air
    /// comes first: it is streamed at once and fetched in parallel, so a box plays the rest of it from its copy.
    public func upcomingClips() throws(ProgrammeError) -> [String: [(item: Int64, clip: Int64)]] {
        var upcoming: [String: [(item: Int64, clip: Int64)]] = [:]
        for state in try status() {
            let playing = state.playing?.id
            let emergency = state.playing.flatMap { $0.priority == .emergency ? [$0.id] : nil } ?? []
            let items = emergency + state.queued.filter { $0.id != playing }.map(\.id)
            var clips: [(item: Int64, clip: Int64)] = []
            for id in items {
                guard let item = try stored({ () throws(StoreError) in try store.item(id) }), !item.isLive else {
                    continue
                }
                clips.append((id, item.clipId))
            }
            upcoming[state.name] = clips
        }
        return upcoming
    }

    /// Each zone's timetable entries (issue 15, point 4): the stored-clip items planned for later than now and
    /// within `horizonMilliseconds` (default a week), by their time, and the items cancelled before their planned
    /// time, which is still to come (a box that held them must not play them).
    public func boxTimetables(horizonMilliseconds: Int64 = 7 * 86_400_000) throws(ProgrammeError) -> [String:
        [ZoneTimetable.Entry]]
    {
        let now = clock.now()
        var zones: [String: [ZoneTimetable.Entry]] = [:]
        for zone in zoneNames {
            let planned = try stored { () throws(StoreError) in
                try store.pending(zone: zone, readyBy: now + horizonMilliseconds)
            }
            .map(\.1).filter { $0.plannedAt > now && !$0.isLive }
            let cancelled = try stored { () throws(StoreError) in try store.cancelledAhead(zone: zone, after: now) }
                .map(\.1).filter { !$0.isLive }
            let entries =
                planned.map {
                    ZoneTimetable.Entry(item: UInt64($0.id), airsAt: $0.plannedAt, priority: UInt8($0.priority.rank))
                }
                + cancelled.map {
                    ZoneTimetable.Entry(
                        item: UInt64($0.id), airsAt: $0.plannedAt, priority: UInt8($0.priority.rank), cancelled: true)
                }
            // Soonest first; at one time the higher priority, then the older item, as the programme plays them.
            zones[zone] = entries.sorted {
                ($0.airsAt, 2 - $0.priority, $0.item) < ($1.airsAt, 2 - $1.priority, $1.item)
            }
        }
        return zones
    }

    /// The as-played log from `since` (Unix ms), optionally for one zone, oldest first.
    public func log(since: Int64, zone: String?) throws(ProgrammeError) -> [PlayLogEntry] {
        try stored { () throws(StoreError) in try store.log(since: since, zone: zone) }
    }

    /// Broadcast time and item counts per zone and priority for the local month `year`-`month`.
    public func report(year: Int, month: Int) throws(ProgrammeError) -> [ReportRow] {
        let range = localTime.month(year: year, month: month)
        return try stored { () throws(StoreError) in try store.airtime(from: range.lowerBound, until: range.upperBound)
        }
    }

    /// One item and its airings.
    public func item(_ id: Int64) throws(ProgrammeError) -> (Item, [Airing])? {
        guard let item = try stored({ () throws(StoreError) in try store.item(id) }) else { return nil }
        return (item, try stored { () throws(StoreError) in try store.airings(ofItem: id) })
    }

    /// A stored clip, or nil.
    /// The clip library, by name.
    public func library() throws(ProgrammeError) -> [(name: String, clip: ClipRecord)] {
        try stored { () throws(StoreError) in try store.library() }
    }

    /// Names stored clip `clip` `name` in the library.
    public func nameClip(_ name: String, clip: Int64) throws(ProgrammeError) {
        let now = clock.now()
        try stored { () throws(StoreError) in try store.nameClip(name, clip: clip, at: now) }
    }

    /// Takes `name` out of the library; false if it was not there. The clip stays stored.
    public func removeNamedClip(_ name: String) throws(ProgrammeError) -> Bool {
        try stored { () throws(StoreError) in try store.removeNamedClip(name) }
    }

    public func storedClip(_ id: Int64) throws(ProgrammeError) -> ClipRecord? {
        try stored { () throws(StoreError) in try store.clip(id) }
    }

    /// How many airings have completed, ever (the `/metrics` counter).
    public nonisolated func completedCount() throws(ProgrammeError) -> Int {
        do { return try store.completedCount() } catch { throw ProgrammeError(error) }
    }

    static func view(_ item: Item, positionMs: Int?) -> ZoneItem {
        ZoneItem(
            id: item.id, title: item.title, priority: item.priority, durationMs: item.durationMilliseconds,
            positionMs: positionMs, plannedAt: item.plannedAt, source: item.source)
    }
}
