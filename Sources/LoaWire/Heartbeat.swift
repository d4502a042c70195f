/// A receiver's id on the wire and in the registry: the first 8 bytes of its Ed25519 public key, written as
/// 16 lowercase hex digits ("3f9a0c…").
public struct ReceiverID: Hashable, Sendable, Comparable {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// The id of the receiver whose public key is `publicKey` (at least 8 bytes).
    public init(publicKey: [UInt8]) {
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(publicKey[index]) }
        self.value = value
    }

    /// Parses 16 hex digits; nil otherwise.
    public init?(_ text: String) {
        guard text.utf8.count == 16, let value = UInt64(text, radix: 16) else { return nil }
        self.value = value
    }

    /// 16 lowercase hex digits.
    public var text: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.utf8.count) + hex
    }

    public static func < (lhs: ReceiverID, rhs: ReceiverID) -> Bool { lhs.value < rhs.value }
}

/// What a speaker box tells its controller every few seconds: who it is, that it is alive, what it plays
/// and how well.
///
/// On the wire (network byte order), after the fleet header: id (8), epoch (4), sequence (4), interval ms (4),
/// uptime s (4), flags (1: playing, muted, sound card failing, no trusted time), volume % (1), temperature m°C (4, `Int32.min` if unknown),
/// stream id (4), jitter-buffer depth in frames (2), received, lost, late, FEC-recovered, concealed,
/// rejected, underruns (4 each), then the version and the zones as length-prefixed UTF-8 (a count first), then the
/// multicast group it listens to: address (4) and port (2), both 0 when it does not say; then, each only where its
/// flag says it is there, the sync report (bit 16, 16 bytes), the delivery (bit 32, 1 byte: `Delivery`'s code
/// in the low nibble, 0x10 when the box asks for the zone's packets by unicast, and in the top 3 bits how many
/// packets later it wants each packet again, 0 for never: `repeatAfter`), the loss repair counts (bit 64,
/// 16 bytes: `RepairReport`); bit 128 says one more byte of flags follows them, which says what comes after it:
/// the jitter buffer's report (bit 1, 4 bytes: `JitterReport`), the clips the box holds ahead (bit 2: a count,
/// then for each the item (8) and how much of it the box holds, in percent (1); 100 is whole and verified) and how
/// the box played its latest items (bit 4: a count, then for each the item (8), its frame length in ms (1) and its
/// frames played from the box's copy, from the stream, rebuilt by FEC and concealed (4 each): `ItemPlay`; with bit 16
/// each also carries when it started, Unix ms on the commune's clock (8, 0 unknown), and 1 if the box played it on its
/// own, the controller out of reach (1)), and the timetable the box holds (bit 8: its `ZoneTimetable.issuedAt`, 8).
public struct Heartbeat: Equatable, Sendable {
    public var receiver: ReceiverID
    /// Goes up by one at every start of the receiver (kept on the box), so that (epoch, sequence) only ever
    /// grows and a recorded heartbeat cannot be replayed after a restart.
    public var epoch: UInt32
    /// Goes up by one with every heartbeat within an epoch.
    public var sequence: UInt32
    /// How often the receiver sends heartbeats: the controller counts missed ones from this.
    public var intervalMilliseconds: UInt32
    /// Seconds since the receiver started.
    public var uptimeSeconds: UInt32
    /// A stream is buffering or playing.
    public var playing: Bool
    /// Muted by the controller (the stream still plays, silently).
    public var muted: Bool
    /// The sound card cannot be opened or fails while playing: the box is alive but cannot be heard.
    public var soundCardFailing: Bool
    /// The box has asked its controller for trusted time for a while in vain (bit 8 of the flags; a box from before
    /// it leaves it 0): it verifies and plays nothing.
    public var noTrustedTime: Bool
    /// Volume in percent, 0–100.
    public var volume: UInt8
    /// The board's temperature in thousandths of a degree Celsius, where it has a sensor.
    public var temperatureMilliCelsius: Int32?
    /// The stream being played (its RTP SSRC), 0 when idle.
    public var streamID: UInt32
    /// Frames waiting in the jitter buffer.
    public var jitterDepthFrames: UInt16
    public var received: UInt32
    public var lost: UInt32
    public var late: UInt32
    public var recoveredByFEC: UInt32
    public var concealed: UInt32
    public var rejected: UInt32
    public var underruns: UInt32
    /// The receiver's version ("0.5.0").
    public var version: String
    /// The zones it plays.
    public var zones: [String]
    /// The multicast group it has joined; nil when it does not say.
    public var group: StreamGroup?
    /// How well the box follows the commune's clock (issue 13); nil from a box that does not say (bit 16 of the
    /// flags says it follows the group, 16 bytes; boxes of earlier releases leave it 0).
    public var sync: SyncReport?
    /// How the box is set to hear its zone (issue 14, `docs/delivery.md`); nil from a box of an earlier release.
    public var delivery: Delivery?
    /// The box asks for its zone's packets by unicast, to the address and port this heartbeat came from. Only an
    /// authenticated heartbeat's request counts; carried with `delivery` (a box that does not say never asks).
    public var wantsUnicast: Bool
    /// Redundancy for a bursty link (issue 14): the box asks for each unicast packet again this many packets later
    /// (1–7; 0: never). Carried with `delivery`.
    public var repeatAfter: UInt8 = 0
    /// The box's loss repair by NACK (issue 14, `docs/delivery.md`); nil from a box that does not say.
    public var repair: RepairReport?
    /// The adaptive jitter buffer's target and what the zone's playout delay leaves the box (flag bit 128; nil from
    /// boxes of earlier releases and before the first packet).
    public var jitter: JitterReport?
    /// The clips delivered ahead that the box holds or is fetching (issue 15), at most `maximumClips`; empty from
    /// boxes of earlier releases.
    public var clips: [HeldClip] = []
    /// At most this many clips are reported.
    public static let maximumClips = 16
    /// How the box played its latest stored-clip items, oldest first (issue 15's proof of play), at most
    /// `maximumPlays`; empty from boxes that do not say.
    public var plays: [ItemPlay] = []
    /// At most this many items' plays are reported.
    public static let maximumPlays = 4
    /// When the zone timetable the box holds was issued (`ZoneTimetable.issuedAt`, issue 15 point 4), so that the
    /// controller sends a newer one; nil if the box holds none (or does not say).
    public var timetableIssuedAt: Int64?

    public init(
        receiver: ReceiverID, epoch: UInt32 = 0, sequence: UInt32 = 0, intervalMilliseconds: UInt32 = 5000,
        uptimeSeconds: UInt32 = 0, playing: Bool = false, muted: Bool = false, soundCardFailing: Bool = false,
        noTrustedTime: Bool = false, volume: UInt8 = 100,
        temperatureMilliCelsius: Int32? = nil, streamID: UInt32 = 0, jitterDepthFrames: UInt16 = 0,
        received: UInt32 = 0, lost: UInt32 = 0, late: UInt32 = 0, recoveredByFEC: UInt32 = 0, concealed: UInt32 = 0,
        rejected: UInt32 = 0, underruns: UInt32 = 0, version: String = "", zones: [String] = [],
        group: StreamGroup? = nil, delivery: Delivery? = nil, wantsUnicast: Bool = false
    ) {
        self.receiver = receiver
        self.epoch = epoch
        self.sequence = sequence
        self.intervalMilliseconds = intervalMilliseconds
        self.uptimeSeconds = uptimeSeconds
        self.playing = playing
        self.muted = muted
        self.soundCardFailing = soundCardFailing
        self.noTrustedTime = noTrustedTime
        self.volume = volume
        self.temperatureMilliCelsius = temperatureMilliCelsius
        self.streamID = streamID
        self.jitterDepthFrames = jitterDepthFrames
        self.received = received
        self.lost = lost
        self.late = late
        self.recoveredByFEC = recoveredByFEC
        self.concealed = concealed
        self.rejected = rejected
        self.underruns = underruns
        self.version = version
        self.zones = zones
        self.group = group
        self.delivery = delivery
        self.wantsUnicast = wantsUnicast
    }

    /// The longest version text and zone name carried; longer ones are cut.
    public static let maximumTextBytes = 64
    /// At most this many zones are carried.
    public static let maximumZones = 8

    func write(to writer: inout WireWriter) {
        writer.put(receiver.value)
        writer.put(epoch)
        writer.put(sequence)
        writer.put(intervalMilliseconds)
        writer.put(uptimeSeconds)
        let state: UInt8 = (playing ? 1 : 0) | (muted ? 2 : 0) | (soundCardFailing ? 4 : 0) | (noTrustedTime ? 8 : 0)
        let more: UInt8 =
            (jitter == nil ? 0 : 1) | (clips.isEmpty ? 0 : 2) | (plays.isEmpty ? 0 : 4 | 16)
            | (timetableIssuedAt == nil ? 0 : 8)
        let present: UInt8 =
            (sync == nil ? 0 : 16) | (delivery == nil ? 0 : 32) | (repair == nil ? 0 : 64) | (more == 0 ? 0 : 128)
        writer.put(state | present)
        writer.put(volume)
        writer.put(UInt32(bitPattern: temperatureMilliCelsius ?? Int32.min))
        writer.put(streamID)
        writer.put(jitterDepthFrames)
        for counter in [received, lost, late, recoveredByFEC, concealed, rejected, underruns] { writer.put(counter) }
        writer.put(text: version)
        let carried = zones.prefix(Self.maximumZones)
        writer.put(UInt8(carried.count))
        for zone in carried { writer.put(text: zone) }
        writer.put(group?.address ?? 0)
        writer.put(group?.port ?? 0)
        if let sync {
            writer.put(sync.uncertaintyMicroseconds)
            writer.put(UInt32(bitPattern: sync.driftPartsPerBillion))
            writer.put(UInt32(bitPattern: sync.errorMicroseconds))
            writer.put(UInt32(bitPattern: sync.correctedSamples))
        }
        if let delivery { writer.put(delivery.code | (wantsUnicast ? 0x10 : 0) | min(repeatAfter, 7) << 5) }
        if let repair {
            for counter in [repair.missed, repair.asked, repair.repaired, repair.abandoned] { writer.put(counter) }
        }
        guard more != 0 else { return }
        writer.put(more)
        if let jitter {
            writer.put(jitter.targetMilliseconds)
            writer.put(UInt16(bitPattern: jitter.spareMilliseconds ?? Int16.min))
        }
        if !clips.isEmpty {
            let carried = clips.prefix(Self.maximumClips)
            writer.put(UInt8(carried.count))
            for clip in carried {
                writer.put(clip.item)
                writer.put(min(clip.percent, 100))
            }
        }
        if !plays.isEmpty {
            let carried = plays.suffix(Self.maximumPlays)
            writer.put(UInt8(carried.count))
            for play in carried {
                writer.put(play.item)
                writer.put(play.frameMilliseconds)
                for counter in [play.fromFile, play.fromStream, play.rebuilt, play.concealed] { writer.put(counter) }
                writer.put(UInt64(bitPattern: play.startedAt))
                writer.put(UInt8(play.offline ? 1 : 0))
            }
        }
        if let timetableIssuedAt { writer.put(UInt64(bitPattern: timetableIssuedAt)) }
    }

    init(reading reader: inout WireReader) throws(FleetWireError) {
        receiver = ReceiverID(try reader.uint64())
        epoch = try reader.uint32()
        sequence = try reader.uint32()
        intervalMilliseconds = try reader.uint32()
        uptimeSeconds = try reader.uint32()
        let flags = try reader.uint8()
        playing = flags & 1 != 0
        muted = flags & 2 != 0
        soundCardFailing = flags & 4 != 0
        noTrustedTime = flags & 8 != 0
        volume = try reader.uint8()
        guard volume <= 100 else { throw .badField }
        let temperature = Int32(bitPattern: try reader.uint32())
        temperatureMilliCelsius = temperature == Int32.min ? nil : temperature
        streamID = try reader.uint32()
        jitterDepthFrames = try reader.uint16()
        received = try reader.uint32()
        lost = try reader.uint32()
        late = try reader.uint32()
        recoveredByFEC = try reader.uint32()
        concealed = try reader.uint32()
        rejected = try reader.uint32()
        underruns = try reader.uint32()
        version = try reader.text()
        let count = Int(try reader.uint8())
        guard count <= Self.maximumZones else { throw .badField }
        zones = []
        for _ in 0..<count { zones.append(try reader.text()) }
        let address = try reader.uint32()
        let port = try reader.uint16()
        group = address == 0 && port == 0 ? nil : StreamGroup(address: address, port: port)
        if flags & 16 != 0 {
            sync = SyncReport(
                uncertaintyMicroseconds: try reader.uint32(),
                driftPartsPerBillion: Int32(bitPattern: try reader.uint32()),
                errorMicroseconds: Int32(bitPattern: try reader.uint32()),
                correctedSamples: Int32(bitPattern: try reader.uint32()))
        }
        delivery = nil
        wantsUnicast = false
        if flags & 32 != 0 {
            let byte = try reader.uint8()
            guard let mode = Delivery(code: byte & 0x0F) else { throw .badField }
            delivery = mode
            wantsUnicast = byte & 0x10 != 0
            repeatAfter = byte >> 5
        }
        repair = nil
        if flags & 64 != 0 {
            repair = RepairReport(
                missed: try reader.uint32(), asked: try reader.uint32(), repaired: try reader.uint32(),
                abandoned: try reader.uint32())
        }
        jitter = nil
        clips = []
        plays = []
        timetableIssuedAt = nil
        guard flags & 128 != 0 else { return }
        let more = try reader.uint8()
        if more & 1 != 0 {
            let target = try reader.uint16()
            let spare = Int16(bitPattern: try reader.uint16())
            jitter = JitterReport(targetMilliseconds: target, spareMilliseconds: spare == Int16.min ? nil : spare)
        }
        if more & 2 != 0 {
            let count = Int(try reader.uint8())
            guard count <= Self.maximumClips else { throw .badField }
            for _ in 0..<count {
                let item = try reader.uint64()
                let percent = try reader.uint8()
                guard percent <= 100 else { throw .badField }
                clips.append(HeldClip(item: item, percent: percent))
            }
        }
        if more & 4 != 0 {
            let count = Int(try reader.uint8())
            guard count <= Self.maximumPlays else { throw .badField }
            for _ in 0..<count {
                var play = ItemPlay(
                    item: try reader.uint64(), frameMilliseconds: try reader.uint8(), fromFile: try reader.uint32(),
                    fromStream: try reader.uint32(), rebuilt: try reader.uint32(), concealed: try reader.uint32())
                if more & 16 != 0 {
                    play.startedAt = Int64(bitPattern: try reader.uint64())
                    let offline = try reader.uint8()
                    guard offline <= 1 else { throw .badField }
                    play.offline = offline == 1
                }
                plays.append(play)
            }
        }
        if more & 8 != 0 { timetableIssuedAt = Int64(bitPattern: try reader.uint64()) }
    }
}

/// How a box hears its zone's stream (`delivery:` on the box; `docs/delivery.md`).
public enum Delivery: Equatable, Sendable {
    /// Only the zone's multicast group.
    case multicast
    /// Only unicast from the controller, through the path its heartbeats keep open (a box behind a 4G NAT).
    case unicast
    /// Multicast where it arrives; unicast while the zone is on the air and no multicast has arrived for a few
    /// seconds, until multicast arrives again.
    case auto

    /// The setting's word, and what `loa receivers` shows.
    public var name: String {
        switch self {
        case .multicast: return "multicast"
        case .unicast: return "unicast"
        case .auto: return "auto"
        }
    }

    /// The setting named `name`, or nil.
    public init?(name: String) {
        switch name {
        case "multicast": self = .multicast
        case "unicast": self = .unicast
        case "auto": self = .auto
        default: return nil
        }
    }

    var code: UInt8 {
        switch self {
        case .multicast: return 1
        case .unicast: return 2
        case .auto: return 3
        }
    }

    init?(code: UInt8) {
        switch code {
        case 1: self = .multicast
        case 2: self = .unicast
        case 3: self = .auto
        default: return nil
        }
    }
}

/// A box's loss repair since it started (issue 14): packets missing before repair, NACK entries sent, packets that
/// came after being asked for, and packets given up (the loss after repair).
public struct RepairReport: Equatable, Sendable {
    public var missed: UInt32
    public var asked: UInt32
    public var repaired: UInt32
    public var abandoned: UInt32

    public init(missed: UInt32, asked: UInt32, repaired: UInt32, abandoned: UInt32) {
        self.missed = missed
        self.asked = asked
        self.repaired = repaired
        self.abandoned = abandoned
    }
}

/// A clip delivered ahead of its airtime (issue 15) as a box's heartbeat reports it: the item, and how much of its
/// clip the box holds (percent; 100: whole and verified).
public struct HeldClip: Equatable, Sendable {
    public var item: UInt64
    public var percent: UInt8

    public init(item: UInt64, percent: UInt8) {
        self.item = item
        self.percent = percent
    }

    public var isReady: Bool { percent >= 100 }
}

/// How a box played one stored-clip item (issue 15, point 5: proof of play per box), as heartbeats carry it: its
/// frames played from the box's own copy, from the stream, rebuilt from the next packet's FEC, and concealed.
public struct ItemPlay: Equatable, Sendable {
    public var item: UInt64
    /// The length of its frames (ms), so that frames count as airtime.
    public var frameMilliseconds: UInt8
    public var fromFile: UInt32
    public var fromStream: UInt32
    public var rebuilt: UInt32
    public var concealed: UInt32
    /// When its first frame played (Unix ms on the commune's clock as the box keeps it; 0: unknown).
    public var startedAt: Int64
    /// Played on the box's own (issue 15, point 4): the controller was out of reach at its time, and the box played
    /// its slot of the zone's timetable from its copy.
    public var offline: Bool

    public init(
        item: UInt64, frameMilliseconds: UInt8 = 20, fromFile: UInt32 = 0, fromStream: UInt32 = 0, rebuilt: UInt32 = 0,
        concealed: UInt32 = 0, startedAt: Int64 = 0, offline: Bool = false
    ) {
        self.startedAt = startedAt
        self.offline = offline
        self.item = item
        self.frameMilliseconds = frameMilliseconds
        self.fromFile = fromFile
        self.fromStream = fromStream
        self.rebuilt = rebuilt
        self.concealed = concealed
    }

    /// Every frame played, however.
    public var frames: UInt32 { fromFile &+ fromStream &+ rebuilt &+ concealed }
}

/// A box's adaptive jitter buffer (issue 14, `docs/delivery.md`), as heartbeats carry it.
public struct JitterReport: Equatable, Sendable {
    /// The depth the box's arrival delays call for (`JitterTarget.target`), in ms.
    public var targetMilliseconds: UInt16
    /// On the commune's timeline: how early the box's packets come before they are needed, at the 95th percentile,
    /// less a frame (`JitterTarget.spare`), in ms; negative, the zone's playout delay is that much too short for
    /// this box. Nil off the timeline (on the wire `Int16.min`).
    public var spareMilliseconds: Int16?

    public init(targetMilliseconds: UInt16, spareMilliseconds: Int16?) {
        self.targetMilliseconds = targetMilliseconds
        self.spareMilliseconds = spareMilliseconds
    }
}

/// A box's estimate of how well it plays on the commune's clock (issue 13, `docs/sync.md`), as heartbeats carry it.
public struct SyncReport: Equatable, Sendable {
    /// How far the box's estimate of the controller's clock may be off (`ControllerTimeline`), in µs.
    public var uncertaintyMicroseconds: UInt32
    /// The controller's clock rate against the box's, in parts per billion (100 ppm is 100,000).
    public var driftPartsPerBillion: Int32
    /// How far the stream's schedule lies from the instants the packets ask (positive: late), in µs; 0 idle.
    public var errorMicroseconds: Int32
    /// The correction applied so far: samples doubled (positive) or dropped (negative) to keep to the timeline.
    public var correctedSamples: Int32

    public init(
        uncertaintyMicroseconds: UInt32, driftPartsPerBillion: Int32, errorMicroseconds: Int32,
        correctedSamples: Int32 = 0
    ) {
        self.uncertaintyMicroseconds = uncertaintyMicroseconds
        self.driftPartsPerBillion = driftPartsPerBillion
        self.errorMicroseconds = errorMicroseconds
        self.correctedSamples = correctedSamples
    }

    /// The bound on how far this box plays from the commune's timeline: the uncertainty plus the error (µs).
    public var boundMicroseconds: UInt32 {
        uncertaintyMicroseconds &+ UInt32(min(errorMicroseconds.magnitude, UInt32(Int32.max)))
    }
}

/// A multicast group and port, as the fleet messages carry it (address in host order: 239.255.77.1 is 0xEFFF4D01).
public struct StreamGroup: Hashable, Sendable {
    public var address: UInt32
    public var port: UInt16

    public init(address: UInt32, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// "239.255.77.1:5004".
    public var text: String {
        String(address >> 24) + "." + String(address >> 16 & 0xFF) + "." + String(address >> 8 & 0xFF) + "."
            + String(address & 0xFF) + ":" + String(port)
    }
}

/// A zone as the controller assigns it to a box: its name and its stream's group.
public struct ZoneAssignment: Equatable, Sendable {
    public var zone: String
    public var group: StreamGroup

    public init(zone: String, group: StreamGroup) {
        self.zone = zone
        self.group = group
    }
}

/// An order from the controller to one receiver.
///
/// On the wire: a code (1) and an argument (1); `zone` then adds the group's address (4), port (2) and the
/// zone's name (length-prefixed UTF-8).
public enum ReceiverAction: Equatable, Sendable {
    /// Set the volume to this percent (0–100).
    case volume(UInt8)
    case mute
    case unmute
    /// Play a short tone to check the horn by ear.
    case testTone
    /// Read the settings again and set up afresh (rejoin the group, reopen the sound card).
    case refresh
    /// Play this zone from now on: leave the old group, join this one, and keep it across restarts.
    case zone(ZoneAssignment)

    func write(to writer: inout WireWriter) {
        let code: (UInt8, UInt8)
        switch self {
        case .volume(let percent): code = (1, percent)
        case .mute: code = (2, 0)
        case .unmute: code = (3, 0)
        case .testTone: code = (4, 0)
        case .refresh: code = (5, 0)
        case .zone: code = (6, 0)
        }
        writer.put(code.0)
        writer.put(code.1)
        if case .zone(let assignment) = self {
            writer.put(assignment.group.address)
            writer.put(assignment.group.port)
            writer.put(text: assignment.zone)
        }
    }

    init(reading reader: inout WireReader) throws(FleetWireError) {
        let code = try reader.uint8()
        let argument = try reader.uint8()
        switch code {
        case 1:
            guard argument <= 100 else { throw .badField }
            self = .volume(argument)
        case 2: self = .mute
        case 3: self = .unmute
        case 4: self = .testTone
        case 5: self = .refresh
        case 6:
            let group = StreamGroup(address: try reader.uint32(), port: try reader.uint16())
            let zone = try reader.text()
            guard !zone.isEmpty, group.address >> 28 == 0xE, group.port != 0 else { throw .badField }
            self = .zone(ZoneAssignment(zone: zone, group: group))
        default: throw .badField
        }
    }
}
