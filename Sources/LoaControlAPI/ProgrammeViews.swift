/// The programme's JSON shapes in the control API. Field names are part of the API: `loa` and scripts read them,
/// and `docs/api/openapi.yaml` describes them (`LoaControlAPITests` checks the two agree).

/// `GET /health`. `timeZone` is the IANA name of the configured `timezone:`, the zone of every schedule time,
/// log day and report month; `loa` shows and reads local times in it. Controllers before it sent only `status`.
public struct HealthView: Codable, Sendable, Equatable {
    public var status: String
    public var timeZone: String?

    public init(status: String = "ok", timeZone: String?) {
        self.status = status
        self.timeZone = timeZone
    }
}

/// One zone of `GET /zones`: where its stream goes and how it is encoded.
public struct ZoneView: Codable, Sendable, Equatable {
    public var name: String
    public var group: String
    public var interface: String
    public var ttl: Int
    public var bitrate: Int
    public var payloadType: Int

    public init(name: String, group: String, interface: String, ttl: Int, bitrate: Int, payloadType: Int) {
        self.name = name
        self.group = group
        self.interface = interface
        self.ttl = ttl
        self.bitrate = bitrate
        self.payloadType = payloadType
    }
}

/// A clip encoded once and stored (`POST /clips`, `POST /clips/speech`); `text` is what it was read aloud from.
public struct ClipView: Codable, Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var durationMs: Int
    public var text: String?

    public init(id: Int64, title: String, durationMs: Int, text: String? = nil) {
        self.id = id
        self.title = title
        self.durationMs = durationMs
        self.text = text
    }
}

/// How a text is read aloud (`POST /speech`): the words the voice speaks and how long it takes. Nothing is stored.
public struct SpeechView: Codable, Sendable, Equatable {
    public var text: String
    public var spoken: String
    public var durationMs: Int

    public init(text: String, spoken: String, durationMs: Int) {
        self.text = text
        self.spoken = spoken
        self.durationMs = durationMs
    }
}

/// A sound file as the controller reads it (`POST /clips/check`): nothing is stored.
public struct ClipCheckView: Codable, Sendable, Equatable {
    /// How long it plays.
    public var durationMs: Int
    /// Its own sample rate and channels (the controller resamples to 48 kHz and mixes down to one).
    public var sampleRate: Int
    public var channels: Int

    public init(durationMs: Int, sampleRate: Int, channels: Int) {
        self.durationMs = durationMs
        self.sampleRate = sampleRate
        self.channels = channels
    }
}

/// One item (`POST /items`, `GET /items/ID`, `DELETE /items/ID`) with its state in each of its zones.
public struct ItemView: Codable, Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var priority: Priority
    public var zones: [String]
    public var durationMs: Int
    /// When it may start at the earliest (Unix ms).
    public var plannedAt: Int64
    /// "queue", "emergency", or the schedule slot it came from.
    public var source: String
    /// Per zone.
    public var states: [String: AiringState]
    /// `POST /live` only: how long the chime plays before the input is heard (nil: no chime, or another item).
    public var chimeMs: Int?
    /// The broadcaster whose item waits for an approver to release it (`approval: on`); nil once released.
    public var heldBy: String?

    public init(
        id: Int64, title: String, priority: Priority, zones: [String], durationMs: Int, plannedAt: Int64,
        source: String, states: [String: AiringState]
    ) {
        self.id = id
        self.title = title
        self.priority = priority
        self.zones = zones
        self.durationMs = durationMs
        self.plannedAt = plannedAt
        self.source = source
        self.states = states
    }
}

/// An item as one zone sees it.
public struct ZoneItem: Codable, Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var priority: Priority
    public var durationMs: Int
    /// Where it is on the air; nil while it waits.
    public var positionMs: Int?
    public var plannedAt: Int64
    public var source: String

    public init(
        id: Int64, title: String, priority: Priority, durationMs: Int, positionMs: Int?, plannedAt: Int64,
        source: String
    ) {
        self.id = id
        self.title = title
        self.priority = priority
        self.durationMs = durationMs
        self.positionMs = positionMs
        self.plannedAt = plannedAt
        self.source = source
    }
}

/// What one zone is doing.
public struct ZoneState: Codable, Sendable, Equatable {
    public var name: String
    public var playing: ZoneItem?
    /// Pending items in play order.
    public var queued: [ZoneItem]
    public var packetsSent: Int

    public init(name: String, playing: ZoneItem?, queued: [ZoneItem], packetsSent: Int) {
        self.name = name
        self.playing = playing
        self.queued = queued
        self.packetsSent = packetsSent
    }
}

extension ZoneState {
    /// When the queued item at `index` is expected to start (Unix ms), `now` being Unix ms: after the rest of what
    /// plays and every item ahead of it, and not before its planned time. What `loa queue` says and Phát thanh shows.
    public func expectedStart(ofQueued index: Int, now: Int64) -> Int64 {
        let playing = self.playing.map { max(0, $0.durationMs - ($0.positionMs ?? 0)) } ?? 0
        let before = queued[..<index].reduce(playing) { $0 + $1.durationMs }
        return max(now + Int64(before), queued[index].plannedAt)
    }
}

/// `GET /status`.
public struct StatusView: Codable, Sendable, Equatable {
    public var zones: [ZoneState]

    public init(zones: [ZoneState]) { self.zones = zones }
}

/// One slot of `POST /schedule` (the body is a list of them).
public struct SlotInput: Codable, Sendable, Equatable {
    public var name: String
    /// Zone names (already expanded from "all").
    public var zones: [String]
    /// Local start times in minutes after midnight.
    public var times: [Int]
    /// Weekdays 1 (Monday) … 7.
    public var weekdays: [Int]
    /// First and last local dates (YYYY-MM-DD) it plays on, if bounded.
    public var from: String?
    public var until: String?
    /// Stored clips to play in order.
    public var clipIds: [Int64]
    /// A relay slot: the station's URLs (primary first), how long it relays from each time, and a stored clip
    /// played while no source gives audio; absent for a slot of clips.
    public var relay: [String]?
    public var relayMinutes: Int?
    public var fallbackClipId: Int64?

    public init(
        name: String, zones: [String], times: [Int], weekdays: [Int], from: String?, until: String?, clipIds: [Int64],
        relay: [String]? = nil, relayMinutes: Int? = nil, fallbackClipId: Int64? = nil
    ) {
        self.relay = relay
        self.relayMinutes = relayMinutes
        self.fallbackClipId = fallbackClipId
        self.name = name
        self.zones = zones
        self.times = times
        self.weekdays = weekdays
        self.from = from
        self.until = until
        self.clipIds = clipIds
    }
}

/// `POST /schedule`: how many slots the schedule now has.
public struct ScheduleApplied: Codable, Sendable, Equatable {
    public var slots: Int
    /// Set when the schedule was not applied but held for an approver (`approval: on`): who sent it.
    public var heldBy: String?

    public init(slots: Int, heldBy: String? = nil) {
        self.slots = slots
        self.heldBy = heldBy
    }
}

/// One planned airing in the timetable (`GET /schedule/timetable`).
public struct TimetableEntry: Codable, Sendable, Equatable {
    public var zone: String
    /// Local date, YYYY-MM-DD, and time, HH:MM.
    public var date: String
    public var time: String
    public var slot: String
    public var titles: [String]
    public var durationMs: Int

    public init(zone: String, date: String, time: String, slot: String, titles: [String], durationMs: Int) {
        self.zone = zone
        self.date = date
        self.time = time
        self.slot = slot
        self.titles = titles
        self.durationMs = durationMs
    }
}

/// One stretch of airtime in one zone (`GET /log`).
public struct LogEntryView: Codable, Sendable, Equatable {
    public var itemId: Int64
    public var zone: String
    public var title: String
    public var priority: Priority
    /// Unix ms.
    public var plannedAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
    public var outcome: Outcome
    public var reason: String?
    /// The frames it aired, from and to (a resumed item starts where it was cut).
    public var fromFrame: Int
    public var toFrame: Int
    public var frameMs: Int
    /// The text the item was read aloud from (`loa say`, a schedule's `say:`); absent for a sound file.
    public var text: String?
    /// A live broadcast's recording (`loa live`): the stored clip; absent for other items.
    public var recording: Int64?

    public init(
        itemId: Int64, zone: String, title: String, priority: Priority, plannedAt: Int64, startedAt: Int64?,
        endedAt: Int64?, outcome: Outcome, reason: String?, fromFrame: Int, toFrame: Int, frameMs: Int,
        text: String? = nil, recording: Int64? = nil
    ) {
        self.recording = recording
        self.itemId = itemId
        self.zone = zone
        self.title = title
        self.priority = priority
        self.plannedAt = plannedAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.reason = reason
        self.fromFrame = fromFrame
        self.toFrame = toFrame
        self.frameMs = frameMs
        self.text = text
    }
}

/// Airtime and items per zone and priority over a month (`GET /report`).
public struct ReportRow: Codable, Sendable, Equatable {
    public var zone: String
    public var priority: Priority
    public var items: Int
    public var seconds: Int

    public init(zone: String, priority: Priority, items: Int, seconds: Int) {
        self.zone = zone
        self.priority = priority
        self.items = items
        self.seconds = seconds
    }
}

/// A clip of the library (`GET /library`): its name, the stored clip, its title and playing time.
public struct NamedClipView: Codable, Sendable, Equatable {
    public var name: String
    public var clipId: Int64
    public var title: String
    public var durationMs: Int

    public init(name: String, clipId: Int64, title: String, durationMs: Int) {
        (self.name, self.clipId, self.title, self.durationMs) = (name, clipId, title, durationMs)
    }

    /// True if `name` can name a clip: the rule of zone names (`TypedName`), what a broadcaster types after
    /// `loa queue --clip`.
    public static func isValidName(_ name: String) -> Bool { TypedName.isValid(name) }
}

/// A name typed in commands and URLs — a zone's, a library clip's: 1 to 64 letters (Vietnamese too), digits, '-'
/// and '_'.
public enum TypedName {
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
    }
}
