import Hummingbird

/// The JSON shapes of the control API. Field names are part of the API: `loa` and scripts read them.
struct ItemView: ResponseCodable {
    var id: Int64
    var zone: String
    var title: String
    var state: String
    var durationMs: Int
    var positionMs: Int?
    var queuedAt: Int64
    var startedAt: Int64?
    var endedAt: Int64?
    var failureReason: String?

    init(_ item: Item, positionMilliseconds: Int?) {
        id = item.id ?? 0
        zone = item.zone
        title = item.title
        state = item.state.rawValue
        durationMs = item.durationMilliseconds
        positionMs = positionMilliseconds
        queuedAt = item.queuedAt
        startedAt = item.startedAt
        endedAt = item.endedAt
        failureReason = item.failureReason
    }
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

struct ZoneStatusView: ResponseCodable {
    var name: String
    var playing: ItemView?
    var queued: [ItemView]
    var packetsSent: Int
}

struct StatusView: ResponseCodable {
    var zones: [ZoneStatusView]
}
