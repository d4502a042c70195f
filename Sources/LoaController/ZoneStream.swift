import LoaCodec
import LoaCrypto
import LoaSource
import LoaSystem
import LoaTrust
import LoaWire

/// An item ready to air in one zone: its airing's id, its encoded frames and the frame to start from.
public struct ReadyItem: Sendable {
    /// Where an item's frames come from: a stored clip, or a live input as it is encoded.
    public enum Frames: Sendable {
        case clip(EncodedClip)
        /// A live broadcast: the zone joins near its live edge (two frames back, so that each frame is encoded
        /// before its deadline); a frame not yet encoded at its deadline is not sent (boxes conceal it), and the
        /// item ends once the feed has ended and its last frame is sent. A `chime` plays first, while the input
        /// warms up; the zone then joins the live edge (what was captured during the chime is not aired).
        case live(LiveFeed, chime: EncodedClip?)
    }

    public var id: Int64
    /// The programme item it airs, a stored clip (offered to the boxes ahead, `ClipOffers`) or a live input: each
    /// packet's seal names it and the frame, so that a box that holds the clip plays its own copy and every box
    /// counts how it played the item. 0: none.
    public var item: Int64
    public var frames: Frames
    /// 0, or where an interrupted item resumes (a live item starts at its live edge instead).
    public var startFrame: Int
    /// An emergency item: its packets say so in their seal (receivers go to their emergency volume).
    public var emergency: Bool

    public init(id: Int64, clip: EncodedClip, item: Int64 = 0, startFrame: Int = 0, emergency: Bool = false) {
        self.id = id
        self.item = item
        frames = .clip(clip)
        self.emergency = emergency
        self.startFrame = min(max(startFrame, 0), max(clip.frameCount - 1, 0))
    }

    /// Live item `item` on `feed`, after `chime` if given.
    public init(id: Int64, live feed: LiveFeed, item: Int64 = 0, chime: EncodedClip? = nil, emergency: Bool = false) {
        self.id = id
        self.item = item
        frames = .live(feed, chime: chime.flatMap { $0.frameCount > 0 ? $0 : nil })
        self.emergency = emergency
        startFrame = 0
    }

    /// The stored clip it plays; nil for a live item.
    public var clip: EncodedClip? {
        if case .clip(let clip) = frames { return clip }
        return nil
    }

    public var frameMilliseconds: Int {
        switch frames {
        case .clip(let clip): clip.frameMilliseconds
        case .live(let feed, _): feed.frameMilliseconds
        }
    }
}

/// One zone's RTP stream: an SSRC, a sequence number and a timestamp that run on across items, and the
/// item being sent. Owned by the pacer thread.
///
/// Contract: packet `n` of an item is due at `start + n × frame length` on the monotonic clock, so a
/// long item does not drift; an item starts at the zone's next phase point in the frame period (within one
/// frame of being put on the air), with the marker bit set on its first packet. The RTP timestamp advances
/// with the monotonic clock across pauses, as RFC 3550 asks.
///
/// The media timeline (issue 13, `docs/sync.md`): every deadline falls on a whole millisecond of the seal clock
/// (`SealClock`), and each packet's seal carries its deadline plus the zone's playout delay, in ms: the signed
/// instant at which its first sample is due out of every box's DAC. RTCP sender reports (RFC 3550) go to the
/// group's port + 1 with an item's first packet and every `reportInterval`, mapping the RTP timestamp to the
/// seal clock (the send deadline, without the delay) for standard receivers. Sending allocates nothing.
final class ZoneStream {
    let zone: Zone
    private let socket: UDPSocket
    private let ssrc: UInt32
    private var sequenceNumber: UInt16
    private let timestampBase: UInt32
    private let clockBase: UInt64

    private(set) var current: ReadyItem?
    private var frameIndex = 0
    private var firstFrame = 0
    /// A live item's chime is playing (`frameIndex` counts its frames until it ends).
    private var inChime = false
    private var itemStart: UInt64 = 0
    /// A live item whose feed had no frame yet when it started: its deadlines wait for the first (`join`).
    private var awaitingFeed = false
    private var frameNanoseconds: UInt64 = 20_000_000
    private(set) var packetsSent = 0
    private(set) var sendFailures = 0
    /// Frames of live items not encoded by their deadline (not sent).
    private(set) var framesMissed = 0

    private let sealer: PacketSealer?
    /// Where the zone's unicast boxes are, the zone's index there, and the room for one packet's targets.
    private let unicast: (delivery: UnicastDelivery, zone: Int, targets: UnicastTargets)?
    /// The zone's place among the pacer's zones, if the pacer gave it: its packets' millisecond in the frame period.
    private let slot: Int?
    /// Where the zone's adaptive playout delay is kept, and the zone's index there.
    private let delays: (delays: PlayoutDelays, zone: Int)?
    /// The playout delay in force (ms): the zone's, or what `delays` gave at the last start after a silence.
    private(set) var playoutDelayMilliseconds: Int
    /// The deadline of the last packet sent; nil before the first.
    private var lastDeadline: UInt64?
    /// Where sender reports go (the group's port + 1), nil if the group's port is the last one.
    private let reportTarget: SocketAddress?
    private var report: RTCPSenderReport
    private var nextReport: UInt64 = 0
    private var octetsSent: UInt32 = 0
    /// How often a zone on the air sends a sender report (RFC 3550 §6.2 allows 5 s as the minimum interval).
    static let reportInterval: UInt64 = 5_000_000_000

    /// Opens the zone's socket. With `signingKey`, every packet is sealed (`PacketSeal`) with it for the zone's
    /// group and port and the commune `commune` (its root key id, see `PacketAudience`), and tagged with `tagKey`
    /// if given (see `PacketSeal`). The SSRC, the
    /// first sequence number and the first timestamp are random (RFC 3550 §5.1), unless `first` gives the latter
    /// two (tests of wrap-around). With `unicast` (the delivery and this zone's index in it), every packet also
    /// goes, the same sealed bytes, to the zone's unicast boxes. With `delays` (this zone's index in them), an item
    /// that starts after a silence longer than the delay in force takes the delay they give (`PlayoutDelays`).
    init(
        zone: Zone, random: inout some RandomNumberGenerator, signingKey: SigningKeyPair? = nil,
        tagKey: StreamTagKey? = nil, commune: UInt32 = 0, unicast: (UnicastDelivery, Int)? = nil,
        delays: (PlayoutDelays, Int)? = nil, slot: Int? = nil,
        first: (sequenceNumber: UInt16, timestamp: UInt32)? = nil
    ) throws(SystemError) {
        self.slot = slot
        self.unicast = unicast.map { (delivery: $0.0, zone: $0.1, targets: $0.0.makeTargets()) }
        self.delays = delays.map { (delays: $0.0, zone: $0.1) }
        playoutDelayMilliseconds = zone.playoutDelayMilliseconds
        let audience = PacketAudience(group: zone.group.address.value, port: zone.group.port, commune: commune)
        sealer = signingKey.map { PacketSealer(key: $0, audience: audience, tagKey: tagKey) }
        guard let interface = NetworkInterface(zone.interface) else {
            throw SystemError("find the interface '" + zone.interface + "' of zone " + zone.name, code: 19)
        }
        socket = try UDPSocket()
        try socket.setMulticastOutput(interface: interface, ttl: zone.ttl)
        self.zone = zone
        ssrc = UInt32.random(in: 1...UInt32.max, using: &random)
        sequenceNumber = first?.sequenceNumber ?? UInt16.random(in: 0...UInt16.max, using: &random)
        timestampBase = first?.timestamp ?? UInt32.random(in: 0...UInt32.max, using: &random)
        clockBase = MonotonicClock.now()
        reportTarget =
            zone.group.port < UInt16.max
            ? SocketAddress(address: zone.group.address, port: zone.group.port + 1) : nil
        report = RTCPSenderReport(
            ssrc: ssrc, ntpTime: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, cname: "loa-" + zone.name)
    }

    /// The monotonic time of the next packet, or nil if nothing is on the air.
    var nextDeadline: UInt64? {
        current == nil ? nil : itemStart + UInt64(frameIndex) * frameNanoseconds
    }

    /// How far into the current item the stream is, in frames.
    var position: Int { frameIndex }

    /// Puts `item` on the air at once, cutting off what plays. Returns the cut item's id and the frame it
    /// had reached.
    func replace(with item: ReadyItem, now: UInt64) -> (id: Int64, frame: Int)? {
        let cut = stop()
        start(item, at: now)
        return cut
    }

    /// Takes the current item off the air; returns its id and the frame it had reached.
    func stop() -> (id: Int64, frame: Int)? {
        guard let stopped = current else { return nil }
        current = nil
        return (stopped.id, frameIndex)
    }

    /// Sends the packet due at or before `now`, if any. Returns the item's id and frame count when that packet
    /// was its last (the zone is then idle until the next `replace`).
    func sendDue(now: UInt64, buffer: UnsafeMutableRawBufferPointer) -> (finished: Int64, frames: Int)? {
        guard let item = current, var deadline = nextDeadline, deadline <= now else { return nil }
        if awaitingFeed, !inChime, case .live(let feed, _) = item.frames {
            if feed.lastAppend == nil {
                if feed.hasEnded {
                    current = nil
                    return (item.id, 0)
                }
                itemStart &+= frameNanoseconds
                return nil
            }
            // As early as the feed allows: its first frame, the margin after it was encoded.
            joinAtEdge(feed, from: 0)
            firstFrame = frameIndex
            guard let joined = nextDeadline, joined <= now else { return nil }
            deadline = joined
        }
        // The sampling instant on the 48 kHz RTP clock: whole microseconds map exactly to samples, so frames of
        // one item and back-to-back items are contiguous.
        let sinceBase = (deadline &- clockBase) / 1000 * 48 / 1000
        let timestamp = timestampBase &+ UInt32(truncatingIfNeeded: sinceBase)
        let header = RTPHeader(
            marker: frameIndex == firstFrame, payloadType: zone.payloadType, sequenceNumber: sequenceNumber,
            timestamp: timestamp,
            ssrc: ssrc)
        // The instant the frame's first sample leaves every box's DAC, on the seal clock (a whole ms).
        let playAt = SealClock.nanoseconds(monotonic: deadline) / 1_000_000 + Int64(playoutDelayMilliseconds)
        var payloadBytes = 0
        // A live input's frames say so (boxes near the office stay silent for them); its chime does not.
        var live = false
        if case .live = item.frames { live = !inChime }
        // Each case seals in a closure literal of its own: a closure kept in a variable would be allocated per packet.
        let length: Int
        // Each frame says which item's frame it is: a box that holds a stored clip plays its own copy, and every box
        // counts how it played each item, a live one too (proof of play). A chime is no item's.
        let programmeItem = item.item > 0 && item.item <= Int64(UInt32.max) ? UInt32(item.item) : 0
        let frame = UInt32(truncatingIfNeeded: frameIndex)
        switch item.frames {
        case .clip(let clip):
            length = clip.withPacket(frameIndex) { payload in
                payloadBytes = payload.count
                return seal(
                    header, payload, playAt: playAt, emergency: item.emergency, live: false,
                    clipFrame: (programmeItem, frame), into: buffer)
            }
        case .live(_, let chime?) where inChime:
            length = chime.withPacket(frameIndex) { payload in
                payloadBytes = payload.count
                return seal(header, payload, playAt: playAt, emergency: item.emergency, live: false, into: buffer)
            }
        case .live(let feed, _):
            let sealed = feed.withFrame(frameIndex) { payload in
                payloadBytes = payload.count
                return seal(
                    header, payload, playAt: playAt, emergency: item.emergency, live: live,
                    clipFrame: (programmeItem, frame), into: buffer)
            }
            guard let sealed else {
                if feed.availability(of: frameIndex) == .ended {
                    current = nil
                    return (item.id, frameIndex)
                }
                // Not encoded in time: the frame is lost to every box (each conceals it), the stream keeps time.
                framesMissed += 1
                sequenceNumber &+= 1
                frameIndex += 1
                return nil
            }
            length = sealed
        }
        if socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: zone.group) {
            packetsSent += 1
            octetsSent &+= UInt32(truncatingIfNeeded: payloadBytes)
        } else {
            sendFailures += 1
        }
        if let unicast {
            unicast.delivery.send(
                UnsafeRawBufferPointer(rebasing: buffer[0..<length]), zone: unicast.zone, now: now,
                targets: unicast.targets)
        }
        if frameIndex == firstFrame || deadline >= nextReport {
            sendReport(timestamp: timestamp, samplesSinceBase: sinceBase, at: deadline, buffer: buffer)
        }
        lastDeadline = deadline
        sequenceNumber &+= 1
        frameIndex += 1
        if inChime, case .live(let feed, let chime?) = item.frames, frameIndex >= chime.frameCount {
            inChime = false
            join(feed, at: itemStart &+ UInt64(frameIndex) &* frameNanoseconds)
        }
        guard case .clip(let clip) = item.frames, frameIndex >= clip.frameCount else { return nil }
        current = nil
        return (item.id, frameIndex)
    }

    /// Writes one packet into `buffer`: sealed if the stream seals (see `PacketSealer`), else plain RTP.
    private func seal(
        _ header: RTPHeader, _ payload: UnsafeRawBufferPointer, playAt: Int64, emergency: Bool, live: Bool,
        clipFrame: (item: UInt32, frame: UInt32) = (0, 0), into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        sealer?.seal(
            header: header, payload: payload, sendTime: playAt, emergency: emergency, live: live, item: clipFrame.item,
            frame: clipFrame.frame, into: buffer)
            ?? header.write(payload: payload, into: buffer)
    }

    /// Sends the sender report for the packet just sent (RTP `timestamp`, `samplesSinceBase` samples after the
    /// stream's clock base) into `buffer`, whose packet is gone.
    private func sendReport(
        timestamp: UInt32, samplesSinceBase: UInt64, at deadline: UInt64, buffer: UnsafeMutableRawBufferPointer
    ) {
        nextReport = deadline + Self.reportInterval
        guard let reportTarget else { return }
        // The seal-clock instant of exactly this timestamp (the samples are whole, the deadline may not be).
        let instant =
            SealClock.nanoseconds(monotonic: clockBase) + Int64(samplesSinceBase * 1_000_000 / 48)
        report.ntpTime = RTCPSenderReport.ntpTime(unixNanoseconds: instant)
        report.rtpTimestamp = timestamp
        report.packetCount = UInt32(truncatingIfNeeded: packetsSent)
        report.octetCount = octetsSent
        let length = report.write(into: buffer)
        if length > 0 { _ = socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: reportTarget) }
    }

    /// Where in the frame period this zone's packets fall: zones are spread over the period so that a province
    /// server's streams never all fall due at the same instant (each starts at most one frame later). With the
    /// pacer's `slot`, zone i falls on millisecond 7i mod 20: the first twenty zones each on a millisecond of their
    /// own, those of one pacer thread (every other zone on two) at least 2 ms apart, so that one zone's unicast
    /// copies do not hold up the next; without it, on a millisecond drawn from the SSRC. The phase puts every
    /// deadline on a whole millisecond of the seal clock, so a seal's time (ms) is exact.
    private lazy var phase: UInt64 = {
        let millisecond = slot.map { UInt64($0 &* 7 % 20) } ?? UInt64(truncatingIfNeeded: Int(ssrc) &* 7919) % 20
        let spread = millisecond * 1_000_000
        let sealBase = UInt64(bitPattern: SealClock.nanoseconds(monotonic: clockBase))
        return spread + (1_000_000 - sealBase % 1_000_000) % 1_000_000
    }()

    private func start(_ item: ReadyItem, at requested: UInt64) {
        // After a silence longer than the delay in force (and half a second more: each box's idle time), every box
        // has played all it had and times the new item afresh: the delay may change now, and only now.
        if let delays {
            let silence = UInt64(playoutDelayMilliseconds + 500) * 1_000_000
            if current == nil, lastDeadline.map({ requested &- $0 > silence }) ?? true {
                playoutDelayMilliseconds = delays.delays.delayForStart(zone: delays.zone)
            }
        }
        current = item
        frameNanoseconds = UInt64(item.frameMilliseconds) * 1_000_000
        let period = frameNanoseconds
        let offset = (requested &- clockBase) % period
        let wanted = phase % period
        let time = requested &+ (wanted >= offset ? wanted - offset : period - offset + wanted)
        inChime = false
        awaitingFeed = false
        frameIndex = item.startFrame
        itemStart = time &- UInt64(item.startFrame) * frameNanoseconds
        if case .live(let feed, let chime) = item.frames {
            inChime = chime != nil
            if inChime {
                frameIndex = 0
                itemStart = time
            } else {
                joinAtEdge(feed, from: requested)
            }
        }
        firstFrame = frameIndex
    }

    /// How long before its deadline a live frame is to be encoded (the encoder's thread may be woken this late):
    /// half a frame, 5 ms in the low-latency profile.
    private var liveMarginNanoseconds: UInt64 { frameNanoseconds / 2 }

    /// Places live `feed` at its edge, its deadlines free to fall anywhere from `earliest` on: the first frame goes
    /// out `liveMarginNanoseconds` (to the next whole millisecond, see `phase`) after it is expected to be encoded
    /// (the feed gains a frame per frame period after its last one), the latest such frame not due before
    /// `earliest`. Before the feed's first frame, the stream waits for it, a frame period at a time (`awaitingFeed`).
    private func joinAtEdge(_ feed: LiveFeed, from earliest: UInt64) {
        let millisecond: UInt64 = 1_000_000
        guard let last = feed.lastAppend else {
            awaitingFeed = true
            frameIndex = 0
            itemStart = earliest &+ (millisecond - earliest % millisecond) % millisecond
            return
        }
        awaitingFeed = false
        let period = frameNanoseconds
        let ready = last.at &+ liveMarginNanoseconds
        let ahead = earliest > ready ? (earliest - ready + period - 1) / period : 0
        var deadline = ready &+ ahead &* period
        deadline &+= (millisecond - deadline % millisecond) % millisecond
        frameIndex = last.index + Int(ahead)
        itemStart = deadline &- UInt64(frameIndex) &* period
    }

    /// Places live `feed` so that the fixed deadline `at` (a chime's end: the stream's time goes on) carries the
    /// latest frame expected to be encoded `liveMarginNanoseconds` before it; a frame is then sent between the margin
    /// and a frame plus the margin after it is encoded.
    private func join(_ feed: LiveFeed, at deadline: UInt64) {
        guard let last = feed.lastAppend else { return joinAtEdge(feed, from: deadline) }
        awaitingFeed = false
        let period = Int64(frameNanoseconds)
        let spare = Int64(bitPattern: deadline &- last.at) - Int64(liveMarginNanoseconds)
        // Whole periods, rounded down (towards the past when negative).
        let ahead = spare >= 0 ? spare / period : -((-spare + period - 1) / period)
        let first = last.index + Int(ahead)
        frameIndex = max(first, 0)
        // Frame n is due at itemStart + n × frame: `first` falls on `deadline`, even when it is negative.
        itemStart =
            first >= 0
            ? deadline &- UInt64(first) &* frameNanoseconds : deadline &+ UInt64(-first) &* frameNanoseconds
    }
}
