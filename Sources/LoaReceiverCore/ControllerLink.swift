import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// A speaker box's line to its controller: heartbeats out, the controller's commands in, acknowledgements
/// back, all through one UDP socket (so the NAT mapping a heartbeat opens on 4G lets commands through).
///
/// Enrolment: until the controller has welcomed it, the box signs its heartbeats with its Ed25519 key
/// (kind "enrolment"); the controller lists it as pending. Once a person approves it, the controller answers
/// with a signed welcome carrying its public key; both sides then compute the same shared key (X25519), and
/// every later heartbeat, command and acknowledgement carries a 16-byte tag made with it. A welcome is
/// believed only if it is signed by the pinned controller key (`controller-key`), or, without one, by the
/// first controller that welcomes this box (kept in `controller.pub`).
///
/// Unicast (issue 14, `docs/delivery.md`): a box that asks for it in its heartbeats receives its zone's sealed
/// packets on this same socket, from the controller's heartbeat address (what the NAT mapping lets in); they go to
/// `receive`'s `media`, to be verified like multicast ones. While it asks, heartbeats go out at least every
/// `keepaliveNanoseconds`, so that the mapping never lapses.
///
/// Commands: each has an id that only grows. A box carries out an id once, acknowledges it every time it
/// arrives (the controller retries until it hears the acknowledgement), and drops older ids as replays.
public final class ControllerLink {
    public let identity: ReceiverIdentity
    public let controller: SocketAddress
    public let intervalNanoseconds: UInt64
    /// The longest gap between heartbeats while the box asks for unicast (`keepalive`).
    public let keepaliveNanoseconds: UInt64
    /// Whether the heartbeats ask for unicast (set by the receiver's `DeliveryChoice`).
    public var wantsUnicast = false
    /// Whether heartbeats go out at least every keepalive even without asking for unicast (an `auto` box that hears
    /// no multicast; set by the receiver's `DeliveryChoice`).
    public var keepsAlive = false
    /// How many packets later the box wants each unicast packet again (`redundancy`; 0: never).
    public let redundancy: Int
    /// When the next heartbeat is due (monotonic).
    public private(set) var nextHeartbeat: UInt64
    let socket: UDPSocket
    private let pinnedControllerKey: [UInt8]?
    private var controllerKey: [UInt8]?
    private var key: MessageKey?
    private let epoch: UInt32
    private var sequence: UInt32 = 0
    private var lastCommand: UInt32
    private let delivery: Delivery
    private let started = MonotonicClock.now()
    private let buffer: UnsafeMutableRawBufferPointer
    /// Authenticated messages dropped because they were not for this box, replays, or forged.
    public private(set) var refused = 0
    /// When the controller was last heard from by a message that cannot be an old one replayed (monotonic ns; 0:
    /// not yet): it is in reach. An answer to one of the last heartbeats counts from when that heartbeat was sent,
    /// a new command when it comes; offers, chunks, timetables and re-sent commands do not count.
    public private(set) var lastHeardAt: UInt64 = 0
    /// The sequences of the last heartbeats sent and when each was sent (monotonic ns), oldest first: an answer
    /// counts as contact only if it echoes one of them.
    private var recentHeartbeats: [(sequence: UInt32, sentAt: UInt64)] = []
    static let heartbeatsRemembered = 4

    /// Opens the socket and loads (or makes) the box's identity. Throws if the controller's address does
    /// not resolve, the state folder cannot be used, or `controller-key` is not a public key.
    public init(settings: ReceiverSettings) throws(ReceiverSetupError) {
        guard let target = settings.heartbeatTarget else { throw ReceiverSetupError("no controller is configured") }
        guard let controller = SocketAddress.resolve(target) else {
            throw ReceiverSetupError("cannot find the controller '" + target + "' (HOST:PORT or a URL with a port)")
        }
        self.controller = controller
        identity = try ReceiverIdentity.loadOrCreate(stateDirectory: settings.stateDirectory)
        if let pinned = settings.controllerKey {
            var text = pinned
            // A base64 key may itself start with '/': only text that is not a key is read as a file's path.
            let isKey = KeyText.bytes(base64: pinned)?.count == SigningKeyPair.publicKeyBytes
            if !isKey && pinned.utf8.first == UInt8(ascii: "/") {
                do { text = try FileSystem.readText(pinned, limit: 1024) } catch {
                    throw ReceiverSetupError("cannot read the controller key " + pinned + ": " + error.reason)
                }
            }
            guard let bytes = KeyText.bytes(base64: text), bytes.count == SigningKeyPair.publicKeyBytes else {
                throw ReceiverSetupError("controller-key '" + pinned + "' is not a base64 Ed25519 public key")
            }
            pinnedControllerKey = bytes
        } else {
            pinnedControllerKey = nil
        }
        do {
            socket = try UDPSocket()
            try socket.bind(SocketAddress(address: .any, port: 0))
        } catch {
            throw ReceiverSetupError("cannot open the heartbeat socket: " + error.message)
        }
        intervalNanoseconds = UInt64(settings.heartbeatIntervalSeconds) * 1_000_000_000
        keepaliveNanoseconds = UInt64(settings.keepaliveSeconds) * 1_000_000_000
        redundancy = settings.redundancy
        delivery = settings.delivery
        // Allocated once: room for the longest trust answer (a key list of up to `KeyList.maximumBytes`), which is
        // larger than any fleet message.
        buffer = .allocate(byteCount: max(FleetMessage.maximumBytes, TrustMessage.maximumAnswerBytes), alignment: 8)
        epoch = identity.nextEpoch()
        lastCommand = identity.read("last-command").flatMap { UInt32($0) } ?? 0
        nextHeartbeat = started
        if let learned = identity.read("controller.pub").flatMap({ KeyText.bytes(base64: $0) }),
            pinnedControllerKey == nil || pinnedControllerKey == learned
        {
            adopt(controllerKey: learned)
        }
    }

    deinit { buffer.deallocate() }

    /// True once the controller has welcomed this box (heartbeats are tagged, commands accepted).
    public var isEnrolled: Bool { key != nil }

    /// Seconds since this link started.
    public var uptimeSeconds: UInt32 { UInt32((MonotonicClock.now() - started) / 1_000_000_000) }

    /// The gap to the next heartbeat: the heartbeat interval, or the keepalive while the path must stay open.
    private var currentInterval: UInt64 {
        wantsUnicast || keepsAlive ? min(intervalNanoseconds, keepaliveNanoseconds) : intervalNanoseconds
    }

    /// Brings the next heartbeat within the keepalive of `now` (the path must stay open from now on).
    public func keepAlive(from now: UInt64) { nextHeartbeat = min(nextHeartbeat, now + keepaliveNanoseconds) }

    /// Makes the next heartbeat due at once (the delivery changed: the controller should know now).
    public func heartbeatSoon(now: UInt64) { nextHeartbeat = min(nextHeartbeat, now) }

    /// Sends one heartbeat (numbered and authenticated here, with the box's delivery) and schedules the next.
    public func send(_ heartbeat: Heartbeat, now: UInt64) {
        var heartbeat = heartbeat
        heartbeat.receiver = identity.id
        heartbeat.epoch = epoch
        sequence &+= 1
        heartbeat.sequence = sequence
        if recentHeartbeats.count == Self.heartbeatsRemembered { recentHeartbeats.removeFirst() }
        recentHeartbeats.append((sequence, now))
        let intervalNanoseconds = currentInterval
        heartbeat.intervalMilliseconds = UInt32(intervalNanoseconds / 1_000_000)
        heartbeat.uptimeSeconds = uptimeSeconds
        heartbeat.delivery = delivery
        heartbeat.wantsUnicast = wantsUnicast
        heartbeat.repeatAfter = wantsUnicast ? UInt8(clamping: redundancy) : 0
        if key != nil {
            transmit(.heartbeat(heartbeat))
        } else {
            transmit(.enrolment(heartbeat, publicKey: identity.keys.publicKey))
        }
        nextHeartbeat = max(nextHeartbeat + intervalNanoseconds, now)
        if nextHeartbeat <= now { nextHeartbeat = now + intervalNanoseconds }
    }

    /// Reads every waiting datagram; calls `perform` with each new, authentic command (after acknowledging
    /// it), `trust` with each trust answer, `keyListVersion` with the version an authentic heartbeat answer
    /// names and `tagKey` with the stream tag key it brings (opened with the key this box shares with the
    /// controller; one that does not open is dropped and counted), `zoneOnAir` with what an authentic answer says
    /// of the zone, `media` with each RTP datagram from the controller's address (unicast audio, unverified), and
    /// `clipOffer` and `clipChunk` with each authentic clip offer and chunk (issue 15: their contents are checked
    /// by the `ClipFetcher`), `timetable` with each authentic zone timetable (checked by the receiver). Everything else is dropped (and counted in `refused` when it was a fleet message).
    public func receive(
        _ perform: (ReceiverAction) -> Void, trust: (UnsafeRawBufferPointer) -> Void = { _ in },
        keyListVersion: (UInt32) -> Void = { _ in }, tagKey: (StreamTagKey) -> Void = { _ in },
        zoneOnAir: (Bool) -> Void = { _ in }, media: (UnsafeRawBufferPointer, SocketAddress) -> Void = { _, _ in },
        clipOffer: ([UInt8]) -> Void = { _ in }, clipChunk: (UInt64, UInt32, [UInt8]) -> Void = { _, _, _ in },
        timetable: ([UInt8]) -> Void = { _ in }
    ) {
        var sender = SocketAddress(address: IPv4Address(0), port: 0)
        while true {
            let received: UDPSocket.Received
            do { received = try socket.receive(into: buffer, from: &sender) } catch { return }
            guard case .datagram(let length) = received else {
                if received == .nothing { return }
                refused += 1
                continue
            }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            if bytes.count >= 12, bytes[0] & 0xC0 == 0x80 {
                if sender == controller { media(bytes, sender) } else { refused += 1 }
                continue
            }
            if TrustMessage.isTrust(bytes) {
                trust(bytes)
                continue
            }
            guard let parsed = try? FleetMessage.parse(bytes), parsed.message.receiver == identity.id else {
                refused += 1
                continue
            }
            if case .welcome(_, let offered) = parsed.message {
                welcome(offered, parsed, in: bytes)
                continue
            }
            // Everything else from the controller carries the tag of the key this box shares with it.
            guard let key, FleetAuthentication.isTagged(parsed, in: bytes, by: key) else {
                refused += 1
                continue
            }
            switch parsed.message {
            case .command(_, let id, let action):
                if id < lastCommand {
                    refused += 1
                    continue
                }
                transmit(.acknowledgement(receiver: identity.id, id: id, result: 0))
                if id > lastCommand {
                    lastCommand = id
                    identity.write("last-command", String(id))
                    lastHeardAt = MonotonicClock.now()
                    perform(action)
                }
            case .heartbeatAnswer(_, let version, let answering, let sealed, let onAir):
                if let sent = recentHeartbeats.first(where: { $0.sequence == answering }) {
                    lastHeardAt = max(lastHeardAt, sent.sentAt)
                }
                keyListVersion(version)
                if let onAir { zoneOnAir(onAir) }
                if let sealed {
                    guard let opened = key.open(sealed).flatMap({ StreamTagKey(bytes: $0) }) else {
                        refused += 1
                        continue
                    }
                    tagKey(opened)
                }
            case .clipOffer(_, let manifest): clipOffer(manifest)
            case .clipChunk(_, let item, let offset, let chunk): clipChunk(item, offset, chunk)
            case .timetable(_, let signed): timetable(signed)
            default:
                refused += 1
                continue
            }
        }
    }

    /// Takes a welcome (`parsed`, read from `datagram`) offering `offered` as the controller's key.
    private func welcome(_ offered: [UInt8], _ parsed: FleetMessage.Parsed, in datagram: UnsafeRawBufferPointer) {
        let trusted = pinnedControllerKey ?? controllerKey ?? offered
        guard offered == trusted, FleetAuthentication.isSigned(parsed, in: datagram, by: offered) else {
            refused += 1
            return
        }
        if controllerKey == nil {
            identity.write("controller.pub", KeyText.base64(offered))
            Log.info("enrolled: controller " + controller.text + " welcomed receiver " + identity.id.text)
        }
        adopt(controllerKey: offered)
    }

    private func adopt(controllerKey: [UInt8]) {
        self.controllerKey = controllerKey
        key = identity.keys.sharedKey(receiver: identity.keys.publicKey, controller: controllerKey)
    }

    /// Asks the controller for `chunks` chunks of `item`'s clip from byte `offset` on (issue 15); nothing before
    /// the box is enrolled.
    public func requestClip(item: UInt64, offset: UInt32, chunks: UInt8) {
        guard key != nil else { return }
        transmit(.clipRequest(receiver: identity.id, item: item, offset: offset, chunks: chunks))
    }

    /// Sends raw bytes (a trust request) to the controller.
    public func send(raw bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = socket.send($0, to: controller) }
    }

    private func transmit(_ message: FleetMessage) {
        let length = FleetAuthentication.write(message, into: buffer, signer: identity.keys, key: key)
        guard length > 0 else { return }
        socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: controller)
    }
}
