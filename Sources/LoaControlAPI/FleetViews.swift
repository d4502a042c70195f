/// The fleet's JSON shapes in the control API (`/receivers`, `/commands`, `/alerts`, `/fleet`).

/// One receiver in `GET /receivers`.
public struct ReceiverView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var zone: String?
    public var state: ReceiverState
    /// ISO 8601, UTC; nil before its first heartbeat.
    public var lastSeen: String?
    public var address: String?
    public var version: String?
    public var lossPercent: Double
    public var underruns: Int
    public var volume: Int?
    public var muted: Bool
    public var playing: Bool
    /// Its last heartbeat says the sound card cannot be opened or fails while playing: alive, but not heard.
    public var soundCardFailing: Bool
    /// Its last heartbeat says it cannot get trusted time from the controller: alive, but it plays nothing.
    public var noTrustedTime: Bool
    public var temperatureC: Double?
    public var uptimeSeconds: Int?
    /// "wrong-zone" (its heartbeats report another group than its zone's) or "zone-gone" (its zone is no longer
    /// configured); nil when it plays its zone.
    public var zoneProblem: String?
    /// The group its last heartbeat reported (ADDRESS:PORT); nil if it does not say.
    public var group: String?
    /// How far (ms) it may play from the commune's timeline: its clock estimate's uncertainty plus its playout's
    /// error (issue 13); nil from a box that does not say.
    public var syncMs: Double?
    /// How it is set to hear its zone: "multicast", "unicast" or "auto" (issue 14); nil from a box that does not say.
    public var delivery: String?
    /// Its last heartbeat asks for the zone's packets by unicast (through its NAT).
    public var unicast: Bool?

    public init(
        id: String, name: String, zone: String?, state: ReceiverState, lastSeen: String?, address: String?,
        version: String?, lossPercent: Double, underruns: Int, volume: Int?, muted: Bool, playing: Bool,
        soundCardFailing: Bool, temperatureC: Double?, uptimeSeconds: Int?, zoneProblem: String? = nil,
        group: String? = nil, noTrustedTime: Bool = false, syncMs: Double? = nil, delivery: String? = nil,
        unicast: Bool? = nil
    ) {
        self.delivery = delivery
        self.unicast = unicast
        self.noTrustedTime = noTrustedTime
        self.syncMs = syncMs
        self.id = id
        self.name = name
        self.zone = zone
        self.state = state
        self.lastSeen = lastSeen
        self.address = address
        self.version = version
        self.lossPercent = lossPercent
        self.underruns = underruns
        self.volume = volume
        self.muted = muted
        self.playing = playing
        self.soundCardFailing = soundCardFailing
        self.temperatureC = temperatureC
        self.uptimeSeconds = uptimeSeconds
        self.zoneProblem = zoneProblem
        self.group = group
    }
}

/// The answer to approve and move: the receiver, and how the command sending it its zone's group ended (nil when
/// none was sent: no zone, or a box that does not report its group).
public struct PlacementView: Codable, Sendable, Equatable {
    public var receiver: ReceiverView
    public var zoneCommand: CommandView?

    public init(receiver: ReceiverView, zoneCommand: CommandView?) {
        self.receiver = receiver
        self.zoneCommand = zoneCommand
    }
}

/// One zone in `GET /fleet/zones`: its group (nil for a zone boxes are registered in that is no longer
/// configured) and its boxes.
public struct ZoneFleetView: Codable, Sendable, Equatable {
    public var name: String
    public var group: String?
    /// Approved boxes in it that are online or muted.
    public var online: Int
    /// Approved boxes registered in it.
    public var receivers: Int

    public init(name: String, group: String?, online: Int, receivers: Int) {
        self.name = name
        self.group = group
        self.online = online
        self.receivers = receivers
    }
}

/// A receiver's last heartbeat as JSON (in `GET /receivers/ID`; the registry stores it in this shape too).
public struct HeartbeatView: Codable, Sendable, Equatable {
    public var epoch: UInt32
    public var sequence: UInt32
    public var intervalMs: UInt32
    public var uptimeSeconds: UInt32
    public var playing: Bool
    public var muted: Bool
    /// Always written; optional so that rows recorded before the flag existed still decode (as false).
    public var soundCardFailing: Bool?
    /// The box cannot get trusted time (it plays nothing). Optional like `soundCardFailing`.
    public var noTrustedTime: Bool?
    public var volume: Int
    public var temperatureC: Double?
    public var streamId: UInt32?
    public var jitterFrames: Int
    public var received: UInt32
    public var lost: UInt32
    public var late: UInt32
    public var recoveredByFEC: UInt32
    public var concealed: UInt32
    public var rejected: UInt32
    public var underruns: UInt32
    public var version: String
    /// The zones the box says it plays.
    public var zones: [String]
    /// Its sync estimate (issue 13): the clock's uncertainty (µs), the controller's drift against it (ppm) and its
    /// playout's error (µs, positive late). nil from a box that does not say.
    public var syncUncertaintyUs: Int?
    public var syncDriftPpm: Double?
    public var syncErrorUs: Int?
    /// Samples the box has doubled (positive) or dropped (negative) to keep to the timeline.
    public var syncCorrectedSamples: Int?
    /// Its loss repair by NACK (issue 14): packets missing before repair, NACK entries sent, packets repaired, and
    /// packets given up (the loss after repair). nil from a box that does not say.
    public var repairMissed: Int?
    public var repairAsked: Int?
    public var repairRepaired: Int?
    public var repairAbandoned: Int?
    /// Its adaptive jitter buffer (issue 14): the depth its arrival delays call for (ms), and on the commune's
    /// timeline how early its packets come before needed, at the 95th percentile, less a frame (ms; negative: the
    /// zone's playout delay is that much too short for it). nil from a box that does not say.
    public var jitterTargetMs: Int?
    public var jitterSpareMs: Int?
    /// The clips delivered ahead that the box holds or fetches (issue 15): item and percent held (100: whole and
    /// verified). nil from a box that does not say.
    public var clips: [HeldClipView]?

    public init(
        epoch: UInt32, sequence: UInt32, intervalMs: UInt32, uptimeSeconds: UInt32, playing: Bool, muted: Bool,
        soundCardFailing: Bool?, volume: Int, temperatureC: Double?, streamId: UInt32?, jitterFrames: Int,
        received: UInt32, lost: UInt32, late: UInt32, recoveredByFEC: UInt32, concealed: UInt32, rejected: UInt32,
        underruns: UInt32, version: String, zones: [String], noTrustedTime: Bool? = nil
    ) {
        self.noTrustedTime = noTrustedTime
        self.epoch = epoch
        self.sequence = sequence
        self.intervalMs = intervalMs
        self.uptimeSeconds = uptimeSeconds
        self.playing = playing
        self.muted = muted
        self.soundCardFailing = soundCardFailing
        self.volume = volume
        self.temperatureC = temperatureC
        self.streamId = streamId
        self.jitterFrames = jitterFrames
        self.received = received
        self.lost = lost
        self.late = late
        self.recoveredByFEC = recoveredByFEC
        self.concealed = concealed
        self.rejected = rejected
        self.underruns = underruns
        self.version = version
        self.zones = zones
    }
}

/// One state change of a receiver.
public struct HistoryView: Codable, Sendable, Equatable {
    /// ISO 8601, UTC.
    public var at: String
    public var state: String
    public var detail: String

    public init(at: String, state: String, detail: String) {
        self.at = at
        self.state = state
        self.detail = detail
    }
}

/// `GET /receivers/ID`.
public struct ReceiverDetailView: Codable, Sendable, Equatable {
    public var receiver: ReceiverView
    public var heartbeat: HeartbeatView?
    public var history: [HistoryView]

    public init(receiver: ReceiverView, heartbeat: HeartbeatView?, history: [HistoryView]) {
        self.receiver = receiver
        self.heartbeat = heartbeat
        self.history = history
    }
}

/// `GET /log/boxes`: how one box played one item (issue 15, proof of play per box), as its heartbeats reported it:
/// frames played from its own copy, from the stream, rebuilt by FEC and concealed.
public struct BoxPlayView: Codable, Sendable, Equatable {
    public var receiver: String
    public var name: String
    public var zone: String?
    public var itemId: Int64
    public var frameMs: Int
    public var fromFile: Int
    public var fromStream: Int
    public var rebuilt: Int
    public var concealed: Int
    /// When the box last reported a frame more of it (Unix ms).
    public var reportedAt: Int64
    /// When the box started playing it (Unix ms on the commune's clock as the box keeps it); nil from a box that does
    /// not say.
    public var startedAt: Int64?
    /// The box played it on its own, from its copy, the controller out of reach (issue 15, point 4); it reported
    /// it when the link came back.
    public var offline: Bool

    public init(
        receiver: String, name: String, zone: String?, itemId: Int64, frameMs: Int, fromFile: Int, fromStream: Int,
        rebuilt: Int, concealed: Int, reportedAt: Int64, startedAt: Int64? = nil, offline: Bool = false
    ) {
        self.startedAt = startedAt
        self.offline = offline
        self.receiver = receiver
        self.name = name
        self.zone = zone
        self.itemId = itemId
        self.frameMs = frameMs
        self.fromFile = fromFile
        self.fromStream = fromStream
        self.rebuilt = rebuilt
        self.concealed = concealed
        self.reportedAt = reportedAt
    }

    /// Every frame the box played of the item.
    public var frames: Int { fromFile + fromStream + rebuilt + concealed }
}

/// `GET /report/boxes?month=YYYY-MM`: one box's broadcast record for the month (the Thông tư 39 record per hamlet
/// box): the items it played, their airtime at the box, and how its frames were played.
public struct BoxReportRow: Codable, Sendable, Equatable {
    public var receiver: String
    public var name: String
    public var zone: String?
    public var items: Int
    public var seconds: Int
    public var fromFile: Int
    public var fromStream: Int
    public var rebuilt: Int
    public var concealed: Int

    public init(
        receiver: String, name: String, zone: String?, items: Int, seconds: Int, fromFile: Int, fromStream: Int,
        rebuilt: Int, concealed: Int
    ) {
        self.receiver = receiver
        self.name = name
        self.zone = zone
        self.items = items
        self.seconds = seconds
        self.fromFile = fromFile
        self.fromStream = fromStream
        self.rebuilt = rebuilt
        self.concealed = concealed
    }
}

/// `POST /receivers/approve-pending`: how many were admitted.
public struct ApprovedCount: Codable, Sendable, Equatable {
    public var approved: Int
    /// With a zone: how many of them acknowledged joining its group (boxes that report their group).
    public var joined: Int?

    public init(approved: Int, joined: Int? = nil) {
        self.approved = approved
        self.joined = joined
    }
}

/// One receiver's answer to `POST /commands`.
public struct CommandView: Codable, Sendable, Equatable {
    public var id: Int64
    public var receiver: String
    public var name: String
    public var action: CommandAction
    public var result: CommandOutcome
    /// Why it failed; nil when acknowledged.
    public var reason: String?

    public init(
        id: Int64, receiver: String, name: String, action: CommandAction, result: CommandOutcome, reason: String?
    ) {
        self.id = id
        self.receiver = receiver
        self.name = name
        self.action = action
        self.result = result
        self.reason = reason
    }

    /// "acknowledged", or "failed: why", as `loa` prints it.
    public var resultText: String { reason.map { "\(result.rawValue): \($0)" } ?? result.rawValue }
}

/// One alert of `GET /alerts`.
public struct AlertView: Codable, Sendable, Equatable {
    public var id: Int64
    /// offline, online, loss, underruns, sound-card, … (the state the alert reports).
    public var kind: String
    public var receiver: String
    /// ISO 8601, UTC.
    public var at: String
    public var detail: String

    public init(id: Int64, kind: String, receiver: String, at: String, detail: String) {
        self.id = id
        self.kind = kind
        self.receiver = receiver
        self.at = at
        self.detail = detail
    }
}

/// `GET /fleet`: where heartbeats go ("udp://HOST:PORT", empty before the listener runs) and the controller's
/// public key (base64).
public struct FleetView: Codable, Sendable, Equatable {
    public var heartbeats: String
    public var controllerKey: String

    public init(heartbeats: String, controllerKey: String) {
        self.heartbeats = heartbeats
        self.controllerKey = controllerKey
    }
}

/// A clip delivered ahead of its airtime, as a box reports it (issue 15).
public struct HeldClipView: Codable, Sendable, Equatable {
    public var item: Int64
    /// How much of it the box holds: 100 is whole and verified.
    public var percent: Int

    public init(item: Int64, percent: Int) {
        self.item = item
        self.percent = percent
    }
}
