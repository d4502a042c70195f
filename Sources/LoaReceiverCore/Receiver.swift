import LoaCodec
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// The speaker box's main loop: join the zone's group, feed every datagram to the playout, play frames on
/// time, until SIGTERM.
///
/// A setup step that fails (an interface that is not there yet, a group that cannot be joined) is one
/// `ReceiverSetupError` line; `run()` and `ReceiverLaunch.run()` log it and retry with back-off, up to once a
/// minute: a box whose network comes up late starts playing by itself, and the log says why it waited. A
/// sound card that is missing, or fails while playing, does not stop the loop: `ALSAPlayback` opens it again
/// with back-off while the box goes on receiving, and its heartbeats report the failure to the controller.
/// While playing, the main loop feeds systemd's watchdog.
public final class Receiver {
    public let settings: ReceiverSettings
    private let datagram: UnsafeMutableRawBufferPointer

    /// The largest datagram accepted; anything larger is counted as rejected.
    public static let maximumDatagramBytes = 1500

    /// Plays `settings`, with the zone the controller assigned in its state folder in place of the configured one.
    public init(settings: ReceiverSettings) {
        self.settings = settings.withAssignedZone()
        datagram = .allocate(byteCount: Self.maximumDatagramBytes, alignment: 8)
    }

    deinit { datagram.deallocate() }

    /// Retries `play()` with back-off until it starts, then plays until a stop signal; returns the final
    /// statistics.
    public func run() -> ReceiverStatistics {
        var backoff = Backoff()
        while !StopSignal.requested {
            do { return try play() } catch { backoff.wait(after: error.message) }
        }
        return ReceiverStatistics()
    }

    /// Sets up once (interface, group, ALSA device, decoder) and, if that works, plays until a stop
    /// signal and returns the statistics. Throws at once if a setup step fails.
    public func play() throws(ReceiverSetupError) -> ReceiverStatistics {
        let (socket, playout) = try setUp()
        guard settings.heartbeatTarget != nil else {
            throw ReceiverSetupError(
                "no controller configured: a receiver plays only audio it can verify, with keys and time from its controller (--controller HOST:PORT and --trust FILE)"
            )
        }
        let link = try ControllerLink(settings: settings)
        let trust = try TrustLink(settings: settings, identity: link.identity)
        let line =
            "playing zone '" + settings.zone + "' from " + settings.group.text + " on " + settings.interface
            + " to ALSA device '" + settings.device + "', jitter buffer " + String(settings.playout.jitterMilliseconds)
            + " ms" + (playout.sink.failure == nil ? "" : " (once the device works)")
        Log.info(line)
        ServiceManager.status(line)
        Log.info(
            "receiver " + link.identity.id.text + ": heartbeats every " + String(settings.heartbeatIntervalSeconds)
                + " s to " + link.controller.text + (link.isEnrolled ? "" : " (waiting to be approved)"))
        if let saved = link.identity.read("volume") {
            let parts = saved.split(separator: " ")
            playout.sink.set(
                volume: parts.first.flatMap { Int($0) } ?? 100, muted: parts.count > 1 && parts[1] == "muted")
        }
        let fetcher: ClipFetcher
        do {
            fetcher = ClipFetcher(
                cache: try ClipCache(
                    folder: settings.stateDirectory + "/clips", limitBytes: settings.cacheMegabytes * 1_048_576),
                bytesPerSecond: settings.fetchKilobitsPerSecond * 125)
        } catch {
            throw ReceiverSetupError("cannot use " + settings.stateDirectory + "/clips: " + error.message)
        }
        playout.held = fetcher.held
        return loop(socket: socket, playout: playout, link: link, trust: trust, fetcher: fetcher)
    }

    private func setUp() throws(ReceiverSetupError) -> (UDPSocket, Playout<ALSAPlayback>) {
        let listening = "cannot listen to " + settings.group.text + ": "
        guard let interface = NetworkInterface(settings.interface) else {
            throw ReceiverSetupError(
                listening + "no network interface '" + settings.interface + "' with an IPv4 address")
        }
        let socket: UDPSocket
        do {
            socket = try UDPSocket()
            try socket.bind(settings.group)
            try socket.join(settings.group.address, on: interface)
        } catch {
            throw ReceiverSetupError(listening + error.message + " (interface '" + settings.interface + "')")
        }
        socket.setReceiveBuffer(bytes: 1 << 20)
        // A sound card that is missing or fails does not stop the box: it keeps trying (see `ALSAPlayback`),
        // and its heartbeats say so.
        let sink = ALSAPlayback(device: settings.device, latencyMilliseconds: settings.deviceBufferMilliseconds)
        do {
            return (socket, try Playout(settings: settings.playout, sink: sink))
        } catch {
            throw ReceiverSetupError(error.message)
        }
    }

    private func loop(
        socket: UDPSocket, playout: Playout<ALSAPlayback>, link: ControllerLink, trust: TrustLink, fetcher: ClipFetcher
    ) -> ReceiverStatistics {
        let link: ControllerLink? = link
        // The chain lives for this loop only, so holding `self` makes no cycle.
        let chain = ReceiveChain(playout: playout) { flags, now in
            if flags & PacketSeal.emergencyFlag != 0 { self.emergency.emergencyPacket(at: now, sink: playout.sink) }
            if flags & PacketSeal.liveFlag != 0 { self.nearOffice.livePacket(at: now, sink: playout.sink) }
        }
        // The audio loop: real-time where the system allows it (the systemd unit does), else as it is.
        RealTime.promoteCurrentThread(priority: 20)
        let interval = UInt64(settings.statisticsIntervalSeconds) * 1_000_000_000
        var nextReport = interval > 0 ? MonotonicClock.now() + interval : UInt64.max
        var tone = TestTone()
        var refresh = false
        var delivery = DeliveryChoice(mode: settings.delivery)
        link?.wantsUnicast = delivery.wantsUnicast
        var lost = [Int64]()
        lost.reserveCapacity(chain.repairs.capacity)
        // The clips held ahead are checked against the stream key in force once it is known, and again whenever
        // the key list changes (a revoked stream key invalidates what it signed).
        var checkedStreamKey: [UInt8] = []
        // When a verified packet of the zone's stream last came: the controller is in reach.
        var lastPacketAt: UInt64 = 0
        // The zone's timetable, played from the box's copies while the controller is out of reach (issue 15).
        var offline = OfflineTimetable(
            freshnessMilliseconds: Int64(settings.offlineFreshnessHours) * 3_600_000,
            unreachableAfterMilliseconds: Int64(settings.offlineAfterSeconds) * 1000)
        while !StopSignal.requested && !refresh {
            var wake = min(playout.nextEventTime ?? UInt64.max, MonotonicClock.now() + 100_000_000, nextReport)
            if let link { wake = min(wake, link.nextHeartbeat, trust.nextRequest, fetcher.nextRequestTime ?? .max) }
            if let due = tone.nextDeadline { wake = min(wake, due) }
            if let due = playout.sink.nextAttempt { wake = min(wake, due) }
            let ready = UDPSocket.waitReadable(socket, link?.socket, until: wake)
            if ready.first, drain(socket, into: chain, trust: trust) {
                delivery.heardMulticast(at: MonotonicClock.now())
                lastPacketAt = MonotonicClock.now()
            }
            if ready.second, let link {
                link.receive(
                    { action in refresh = perform(action, on: playout.sink, tone: &tone, link: link) || refresh },
                    trust: { bytes in trust.handle(bytes, now: MonotonicClock.now()) },
                    keyListVersion: { version in trust.announced(keyListVersion: version, now: MonotonicClock.now()) },
                    tagKey: { key in trust.use(tagKey: key) },
                    zoneOnAir: { onAir in delivery.zoneOnAir(onAir, at: MonotonicClock.now()) },
                    media: { bytes, sender in
                        if feed(bytes, from: sender, into: chain, trust: trust) { lastPacketAt = MonotonicClock.now() }
                    },
                    clipOffer: { signed in
                        guard let key = trust.keyList?.streamKey else { return }
                        fetcher.offered(signed, streamKey: key, audience: trust.audience)
                    },
                    clipChunk: { item, offset, bytes in
                        fetcher.received(item: item, offset: Int(offset), bytes: bytes, now: MonotonicClock.now())
                    },
                    timetable: { signed in Self.take(signed, into: &offline, trust: trust) })
            }
            let now = MonotonicClock.now()
            _ = delivery.advance(to: now)
            if let link, link.keepsAlive != delivery.keepsPathOpen(at: now) {
                link.keepsAlive.toggle()
                // The next heartbeat may be a long interval away.
                if link.keepsAlive { link.keepAlive(from: now) }
            }
            if let link, link.wantsUnicast != delivery.wantsUnicast {
                link.wantsUnicast = delivery.wantsUnicast
                link.heartbeatSoon(now: now)
                Log.info(
                    delivery.wantsUnicast
                        ? "no multicast from " + settings.group.text + " while the zone is on the air: asking the "
                            + "controller for unicast" : "multicast arrives again: no more unicast")
            }
            playout.sink.reopenIfDue(now: now)
            if let question = trust.request(now: now) { link?.send(raw: question) }
            if let link, delivery.wantsUnicast { askForLost(chain, link: link, trust: trust, now: now, into: &lost) }
            if let key = trust.keyList?.streamKey, key != checkedStreamKey {
                checkedStreamKey = key
                fetcher.verifyHeld(streamKey: key, audience: trust.audience)
            }
            if let link, let ask = fetcher.request(now: now, onAir: playout.itemOnAir) {
                link.requestClip(item: ask.item, offset: ask.offset, chunks: ask.chunks)
            }
            let commune = trust.timeline.controllerTime(at: now).map { $0 / 1_000_000 }
            playout.trustedMilliseconds = commune ?? 0
            if !playout.isActive, let commune {
                let contact = max(trust.lastAnswerAt, link?.lastHeardAt ?? 0, lastPacketAt)
                Self.airOffline(
                    &offline, at: commune, now: now, contact: contact, trust: trust, playout: playout,
                    held: fetcher.held)
            }
            playout.advance(to: now)
            emergency.advance(to: now, sink: playout.sink)
            nearOffice.advance(to: now, sink: playout.sink)
            if !playout.isActive { tone.advance(to: now, into: playout.sink) }
            if let link, now >= link.nextHeartbeat {
                var beat = heartbeat(chain)
                beat.noTrustedTime = trust.lacksTrustedTime(now: now)
                beat.sync = Self.syncReport(trust.timeline, playout)
                beat.clips = fetcher.report()
                beat.plays = playout.plays
                beat.timetableIssuedAt = offline.timetable?.issuedAt
                link.send(beat, now: now)
            }
            ServiceManager.keepAlive(now: now)
            if now >= nextReport {
                Log.info("statistics: " + playout.statistics.summary + " underruns=" + String(playout.sink.underruns))
                nextReport = now + interval
            }
        }
        let statistics = playout.statistics
        Log.info(
            "stopping; statistics: " + statistics.summary + " underruns=" + String(playout.sink.underruns)
                + " corrected-samples=" + String(playout.correctedSamples))
        Log.info("refused packets: " + chain.refusals.summary)
        let repairs = chain.repairs
        if repairs.asked > 0 {
            Log.info(
                "loss repair: missed=" + String(repairs.missed) + " asked=" + String(repairs.asked) + " repaired="
                    + String(repairs.repaired) + " abandoned=" + String(repairs.abandoned))
        }
        return statistics
    }

    /// Takes a zone timetable from the controller (issue 15, point 4) if the stream key in force signed it for this
    /// box's zone and it is newer than the one held. Before the box holds the key list it is not looked at: the
    /// controller sends it again with a later heartbeat answer.
    private static func take(_ signed: [UInt8], into offline: inout OfflineTimetable, trust: TrustLink) {
        guard let key = trust.keyList?.streamKey else { return }
        guard
            let timetable = try? StreamKeySignature.open(
                signed, as: ZoneTimetable.self, streamKey: key, audience: trust.audience)
        else {
            Log.warning("refused a zone timetable that does not verify against the stream key in force")
            return
        }
        guard offline.take(timetable) else { return }
        var cancelled = 0
        for entry in timetable.entries where entry.cancelled { cancelled += 1 }
        Log.info(
            "timetable of the zone issued at " + String(timetable.issuedAt) + ": "
                + String(timetable.entries.count - cancelled) + " items ahead, " + String(cancelled) + " cancelled")
    }

    /// Plays a slot of the zone's timetable from the box's copy when the controller is out of reach (not heard
    /// from since `contact`, monotonic ns), as `OfflineTimetable` decides at `commune` (Unix ms, the commune's clock
    /// as the box keeps it).
    private static func airOffline(
        _ offline: inout OfflineTimetable, at commune: Int64, now: UInt64, contact: UInt64, trust: TrustLink,
        playout: Playout<ALSAPlayback>, held: HeldClips
    ) {
        let since: Int64? = trust.lastAnswerAt == 0 ? nil : Int64((now &- trust.lastAnswerAt) / 1_000_000)
        let decision = offline.next(
            now: commune, sinceAnswer: since, sinceContact: Int64((now &- contact) / 1_000_000),
            timeError: Int64(trust.timeline.uncertaintyNanoseconds / 1_000_000), length: { held.milliseconds($0) })
        switch decision {
        case .play(let item, let startsAt)?:
            guard let due = trust.timeline.localTime(at: startsAt &* 1_000_000),
                playout.playOffline(item, due: due, now: now)
            else { return }
            Log.info(
                "offline: nothing from the controller for " + String((now &- contact) / 1_000_000_000)
                    + " s; playing item "
                    + String(item) + " of the zone's timetable from the box's copy")
        case .refuse(let item, let reason)?:
            let why: String
            switch reason {
            case .notHeld: why = "the box does not hold its clip whole"
            case .stale: why = "the timetable is older than offline-freshness-hours, and cannot be confirmed"
            case .untrustedTime: why = "the box's clock has gone too long without the controller's time"
            }
            Log.warning("offline: not playing item " + String(item) + " of the zone's timetable: " + why)
        case nil: break
        }
    }

    /// Asks the controller again, by one RTCP generic NACK (RFC 4585) through the heartbeat path, for the packets
    /// of the unicast stream still missing that could yet play (issue 14, `docs/delivery.md`). The controller
    /// answers with the very packets it sent, verified here like any other. Allocates only when there is a loss.
    private func askForLost(
        _ chain: ReceiveChain<ALSAPlayback>, link: ControllerLink, trust: TrustLink, now: UInt64,
        into lost: inout [Int64]
    ) {
        guard chain.repairs.outstanding > 0 else { return }
        // A round trip: twice the timeline's bound (half the shortest round trip plus the spread), within reason.
        let roundTrip = min(max(2 * trust.timeline.uncertaintyNanoseconds, 20_000_000), 1_000_000_000)
        chain.lostDue(now: now, roundTrip: roundTrip, into: &lost)
        var next = 0
        while next < lost.count {
            // One packet names at most `maximumEntries` entries (at least one number each); the rest go in the next.
            var numbers: [UInt16] = []
            while next < lost.count && numbers.count < RTCPGenericNACK.maximumEntries {
                numbers.append(UInt16(truncatingIfNeeded: lost[next]))
                next += 1
            }
            let nack = RTCPGenericNACK(
                senderSSRC: UInt32(truncatingIfNeeded: link.identity.id.value), mediaSSRC: chain.repairedStream,
                lost: numbers)
            link.send(raw: nack.encoded)
        }
    }

    /// Carries out one command from the controller; true if the receiver should set up afresh.
    private func perform(_ action: ReceiverAction, on sink: ALSAPlayback, tone: inout TestTone, link: ControllerLink)
        -> Bool
    {
        switch action {
        case .volume(let percent):
            _ = emergency.command(volume: Int(percent), muted: emergency.own(sink).muted, sink: sink)
        case .mute: _ = emergency.command(volume: emergency.own(sink).volume, muted: true, sink: sink)
        case .unmute: _ = emergency.command(volume: emergency.own(sink).volume, muted: false, sink: sink)
        case .testTone:
            Log.info("controller: test tone")
            tone.start(at: MonotonicClock.now())
            return false
        case .refresh:
            Log.info("controller: refresh; setting up again")
            return true
        case .zone(let assignment):
            let moved = settings.keep(assignment)
            Log.info(
                "controller: zone '" + assignment.zone + "' on " + assignment.group.text + (moved ? "; joining it" : "")
            )
            return moved
        }
        let own = emergency.own(sink)
        Log.info(
            "controller: volume " + String(own.volume) + "%" + (own.muted ? ", muted" : "")
                + (emergency.active ? " (after the emergency)" : ""))
        link.identity.write("volume", String(own.volume) + (own.muted ? " muted" : ""))
        return false
    }

    /// This moment's heartbeat (the link numbers and authenticates it).
    private func heartbeat(_ chain: ReceiveChain<ALSAPlayback>) -> Heartbeat {
        let playout = chain.playout
        let statistics = playout.statistics
        let repairs = chain.repairs
        func counter(_ value: Int) -> UInt32 { UInt32(truncatingIfNeeded: value) }
        var beat = Heartbeat(
            receiver: ReceiverID(0), playing: playout.isActive, muted: playout.sink.muted,
            soundCardFailing: playout.sink.failure != nil,
            volume: UInt8(playout.sink.volume), temperatureMilliCelsius: Self.temperature(),
            streamID: playout.streamID ?? 0, jitterDepthFrames: UInt16(min(playout.bufferedFrames, 65535)),
            received: counter(statistics.received), lost: counter(statistics.lost), late: counter(statistics.late),
            recoveredByFEC: counter(statistics.recoveredByFEC), concealed: counter(statistics.concealed),
            rejected: counter(statistics.rejected), underruns: counter(playout.sink.underruns),
            version: Self.version, zones: [settings.zone], group: settings.streamGroup)
        beat.repair = RepairReport(
            missed: counter(repairs.missed), asked: counter(repairs.asked), repaired: counter(repairs.repaired),
            abandoned: counter(repairs.abandoned))
        beat.jitter = Self.jitterReport(playout)
        return beat
    }

    /// The adaptive jitter buffer's report, for heartbeats; nil before the first packet.
    static func jitterReport(_ playout: Playout<some AudioSink>) -> JitterReport? {
        let jitter = playout.jitterTarget
        guard let spare = jitter.spare else { return nil }
        let milliseconds = Int64(spare) / 1_000_000
        return JitterReport(
            targetMilliseconds: UInt16(min(jitter.target / 1_000_000, 65_535)),
            spareMilliseconds: playout.measuredOnTimeline ? Int16(max(min(milliseconds, 32_767), -32_767)) : nil)
    }

    /// How well the box follows the controller's clock, for heartbeats; nil before its first answer.
    private static func syncReport(_ timeline: ControllerTimeline, _ playout: Playout<ALSAPlayback>) -> SyncReport? {
        guard timeline.isSet else { return nil }
        let drift = timeline.driftPPM * 1000
        return SyncReport(
            uncertaintyMicroseconds: UInt32(min(timeline.uncertaintyNanoseconds / 1000, UInt64(UInt32.max))),
            driftPartsPerBillion: Int32(max(min(drift, 2e9), -2e9)),
            errorMicroseconds: playout.isActive
                ? Int32(max(min(playout.syncErrorNanoseconds / 1000, Int64(Int32.max)), -Int64(Int32.max))) : 0,
            correctedSamples: Int32(truncatingIfNeeded: playout.correctedSamples))
    }

    /// The receiver's version, as heartbeats report it.
    public static let version = LoaRelease.version

    /// The board's temperature from the first thermal zone, if it has one (see `BoardTemperature`).
    private static func temperature() -> Int32? { BoardTemperature.read() }

    /// The emergency volume, while an emergency is on the air.
    private lazy var emergency = EmergencyVolume(level: settings.emergencyVolume)
    /// Silence near the office while it speaks live (`--near-office yes`).
    private lazy var nearOffice = NearOffice(enabled: settings.nearOffice)

    /// Hands every waiting datagram to the receive chain; one too large for the buffer is counted as rejected.
    /// Returns whether any was accepted.
    private func drain(_ socket: UDPSocket, into chain: ReceiveChain<ALSAPlayback>, trust: TrustLink) -> Bool {
        var sender = SocketAddress(address: IPv4Address(0), port: 0)
        var accepted = false
        while true {
            let received: UDPSocket.Received
            do { received = try socket.receive(into: datagram, from: &sender) } catch { return accepted }
            switch received {
            case .nothing: return accepted
            case .oversized: chain.playout.countRejected()
            case .datagram(let length):
                if feed(UnsafeRawBufferPointer(rebasing: datagram[0..<length]), from: sender, into: chain, trust: trust)
                {
                    accepted = true
                }
            }
        }
    }

    /// Verifies and plays one datagram (multicast, or unicast from the controller) exactly alike; true if accepted.
    private func feed(
        _ bytes: UnsafeRawBufferPointer, from sender: SocketAddress, into chain: ReceiveChain<ALSAPlayback>,
        trust: TrustLink
    ) -> Bool {
        let now = MonotonicClock.now()
        return chain.receive(
            bytes, from: PacketVerifier.sourceKey(address: sender.address.value, port: sender.port),
            verifier: trust.verifier, trustedNow: trust.now(monotonic: now),
            timeline: trust.controllerKeepsTimeline ? trust.timeline : nil, at: now) == .accepted
    }
}

/// Why the receiver could not start playing: one line for the log.
public struct ReceiverSetupError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
