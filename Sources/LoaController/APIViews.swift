import Hummingbird
import LoaSchedule

/// The JSON shapes of the control API. Field names are part of the API: `loa` and scripts read them.
struct ItemView: ResponseCodable {
    var id: Int64
    var title: String
    var priority: String
    var zones: [String]
    var durationMs: Int
    var plannedAt: Int64
    var source: String
    /// Per zone: pending, playing, completed, cancelled or failed.
    var states: [String: String]

    init(_ item: Item, airings: [Airing]) {
        id = item.id
        title = item.title
        priority = item.priority.rawValue
        zones = item.zones
        durationMs = item.durationMilliseconds
        plannedAt = item.plannedAt
        source = item.source
        states = Dictionary(uniqueKeysWithValues: airings.map { ($0.zone, $0.state.rawValue) })
    }
}

/// `GET /health`. `timeZone` is the IANA name of the configured `timezone:`, the zone of every schedule time,
/// log day and report month; `loa` shows and reads local times in it. Controllers before it sent only `status`.
struct HealthView: ResponseCodable {
    var status = "ok"
    var timeZone: String
}

struct ClipView: ResponseCodable {
    var id: Int64
    var title: String
    var durationMs: Int
}

struct ZoneView: ResponseCodable {
    var name: String
    var group: String
    var interface: String
    var ttl: Int
    var bitrate: Int
    var payloadType: Int

    init(_ zone: Zone) {
        name = zone.name
        group = zone.group.text
        interface = zone.interface
        ttl = zone.ttl
        bitrate = zone.encoder.bitrate
        payloadType = Int(zone.payloadType)
    }
}

struct StatusView: ResponseCodable {
    var zones: [ZoneState]
}

extension ZoneState: ResponseCodable {}
extension PlayLogEntry: ResponseCodable {}
extension ReportRow: ResponseCodable {}
extension TimetableEntry: ResponseCodable {}
extension SlotInput: ResponseCodable {}
