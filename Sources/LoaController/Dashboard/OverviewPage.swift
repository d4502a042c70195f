import LoaControlAPI

/// What the Tổng quan page shows, made from the same views the JSON API answers (`GET /status`,
/// `GET /fleet/zones`, `GET /receivers`, `GET /alerts`): per zone what plays now, what comes next, how many of its
/// boxes are online ("3/4") and which are not; and the latest alerts. Pure: the routes gather, this arranges.
struct OverviewPage {
    struct ZoneCard {
        var name: String
        var playing: String?
        var next: String?
        var online: Int
        var total: Int
        /// Every box of the zone is online (the count is green).
        var allOnline: Bool
        /// A box of the zone is offline: the card is marked red.
        var down: Bool
        var boxes: [BoxLine]
    }

    /// A box of the zone that is not simply online (offline, muted, …).
    struct BoxLine {
        var name: String
        var state: String
        var css: String
    }

    struct AlertLine {
        var at: String
        var receiver: String
        var detail: String
        var css: String
    }

    /// A box as the overview needs it.
    struct Box {
        var name: String
        var zone: String?
        var state: ReceiverState
    }

    /// The next timetable slot of a zone, as "HH:MM name".
    struct Upcoming {
        var zone: String
        var text: String
    }

    var zones: [ZoneCard]
    var alerts: [AlertLine]

    /// The values the `overviewBody` template reads.
    var context: [String: Any] { ["zones": zones, "alerts": alerts] }

    /// Arranges the overview. `status` in play order per zone; `fleetZones` as `GET /fleet/zones`; `upcoming` the
    /// next slots in time order; `alerts` newest first; `clock` formats a Unix ms time as local "HH:MM".
    init(
        status: [ZoneState], fleetZones: [ZoneFleetView], boxes: [Box], upcoming: [Upcoming],
        alerts: [(at: String, receiver: String, kind: String, detail: String)], words: [String: String],
        clock: (Int64) -> String
    ) {
        let counts = Dictionary(fleetZones.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = status.map(\.name) + fleetZones.map(\.name).filter { name in !status.contains { $0.name == name } }
        zones = names.map { name in
            let state = status.first { $0.name == name }
            let queued = state?.queued.first.map { clock($0.plannedAt) + " " + $0.title }
            let lines = boxes.filter { $0.zone == name && $0.state != .online }.sorted { $0.name < $1.name }.map {
                BoxLine(
                    name: $0.name, state: words[$0.state.rawValue] ?? $0.state.rawValue,
                    css: $0.state == .offline ? "down" : "other")
            }
            return ZoneCard(
                name: name, playing: state?.playing?.title,
                next: queued ?? upcoming.first { $0.zone == name }?.text,
                online: counts[name]?.online ?? 0, total: counts[name]?.receivers ?? 0,
                allOnline: (counts[name]?.online ?? 0) == (counts[name]?.receivers ?? 0),
                down: boxes.contains { $0.zone == name && $0.state == .offline }, boxes: lines)
        }
        self.alerts = alerts.map {
            AlertLine(
                at: $0.at, receiver: $0.receiver, detail: $0.detail,
                css: $0.kind.hasSuffix("cleared") || $0.kind == "online" ? "ok" : "bad")
        }
    }
}
