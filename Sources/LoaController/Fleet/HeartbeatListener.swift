import Foundation
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire
import Synchronization

/// The controller's end of the fleet protocol: one UDP socket (by default on the `--listen` host and the heartbeat
/// port, UDP 8750, whatever the API's port) read by one real-time thread, which alone owns the socket. It feeds every datagram to the registry,
/// answers approved enrolments and approvals with a welcome and every approved heartbeat with the key list
/// version in force (so a newer list reaches every online box within one heartbeat interval and its trust
/// request), marks silent receivers offline, and sends the commands the tracker says are due, reporting
/// acknowledgements back to it.
///
/// A datagram costs the thread a parse, a dictionary look-up and one keyed BLAKE2b before anything changes, so
/// junk is dropped far faster than a sender can produce it; enrolment signatures (the only expensive check) are
/// rate-limited by the registry's authenticator.
final class HeartbeatListener: Sendable {
    let registry: FleetRegistry
    let commands: CommandTracker
    /// Where the socket is bound (the port it got when asked for port 0).
    let address: SocketAddress
    private let trust: TrustResponder?
    /// The zones' unicast boxes: the listener keeps the rosters and lends them its socket to send from.
    private let unicast: UnicastDelivery?
    /// The zones' playout delays: each playing box's spare is told to them.
    private let delays: PlayoutDelays?
    /// The clips offered to the boxes ahead of airtime (issue 15).
    private let offers: ClipOffers?
    /// The bound socket until `start()` hands it to the thread.
    private let unstarted: Mutex<UDPSocket?>
    private let stopping = Mutex(false)

    /// Binds the socket (alone on its port). Throws a `ControllerError` if the address is taken.
    init(
        address: SocketAddress, registry: FleetRegistry, commands: CommandTracker, trust: TrustResponder?,
        unicast: UnicastDelivery? = nil, delays: PlayoutDelays? = nil, offers: ClipOffers? = nil
    ) throws {
        self.trust = trust
        self.unicast = unicast
        self.delays = delays
        self.offers = offers
        self.registry = registry
        self.commands = commands
        let socket: UDPSocket
        do {
            socket = try UDPSocket()
            try socket.bind(address, shared: false)
        } catch {
            throw ControllerError(
                "cannot receive heartbeats on UDP \(address.text): \(error.message); stop what uses it or choose "
                    + "another port with --heartbeat-port (and the boxes' controller setting)")
        }
        self.address = SocketAddress(address: address.address, port: UInt16(clamping: socket.localPort))
        socket.setReceiveBuffer(bytes: 8 << 20)
        unstarted = Mutex(socket)
    }

    /// Runs the thread until `stop()`; a second call does nothing.
    func start() {
        let thread = Thread { [self] in
            guard
                let socket = unstarted.withLock({ box -> UDPSocket? in
                    defer { box = nil }
                    return box
                })
            else { return }
            run(socket)
        }
        thread.name = "loa-heartbeats"
        thread.start()
    }

    /// Makes the thread end within 50 ms; the socket closes with it.
    func stop() { stopping.withLock { $0 = true } }

    private func run(_ socket: UDPSocket) {
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes + 1, alignment: 8)
        let outgoing = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes + 128, alignment: 8)
        defer {
            datagram.deallocate()
            outgoing.deallocate()
            unicast?.attach(nil)
        }
        unicast?.attach(socket)
        var nextCheck = MonotonicClock.now()
        while !stopping.withLock({ $0 }) {
            if socket.waitReadable(until: MonotonicClock.now() + 50_000_000) {
                var sender = SocketAddress(address: .any, port: 0)
                for _ in 0..<4096 {
                    let received: UDPSocket.Received
                    do { received = try socket.receive(into: datagram, from: &sender) } catch { break }
                    if received == .nothing { break }
                    guard case .datagram(let length) = received else {
                        registry.metrics.rejected(.malformed)
                        continue
                    }
                    let bytes = UnsafeRawBufferPointer(rebasing: datagram[0..<length])
                    if RTCPGenericNACK.isNACK(bytes) {
                        unicast?.repair(bytes, from: sender, now: MonotonicClock.now())
                        continue
                    }
                    if TrustMessage.isTrust(bytes) {
                        if let answer = trust?.answer(bytes, from: sender.address, now: MonotonicClock.now()) {
                            answer.withUnsafeBytes { _ = socket.send($0, to: sender) }
                        }
                        continue
                    }
                    switch registry.handle(bytes, from: sender, now: MonotonicClock.now()) {
                    case .answer(let reply): send(reply, to: sender, through: socket, buffer: outgoing)
                    case .acknowledgement(let command, let receiver): commands.acknowledged(command, by: receiver)
                    case .heartbeat(let receiver):
                        guard let route = registry.route(to: receiver) else { break }
                        let (heartbeat, zone) = registry.delivery(of: receiver)
                        let now = MonotonicClock.now()
                        if let heartbeat { unicast?.heard(heartbeat, zone: zone, from: sender, now: now) }
                        if let heartbeat, heartbeat.playing, let zone, let spare = heartbeat.jitter?.spareMilliseconds {
                            delays?.heard(zone: zone, spareMilliseconds: Int(spare))
                        }
                        guard let keys = trust?.keys else { break }
                        send(
                            .heartbeatAnswer(
                                receiver: receiver, keyListVersion: keys.current.version,
                                answering: heartbeat?.sequence ?? 0,
                                sealedTagKey: route.key.seal(keys.streamTagKey.bytes),
                                zoneOnAir: heartbeat?.delivery == nil ? nil : unicast?.isOnAir(zone, now: now) ?? false),
                            to: sender, through: socket, buffer: outgoing, key: route.key)
                        // Clips the box's zone will air that it does not report: offered with the answer.
                        if let offers, let zone, let heartbeat {
                            for manifest in offers.offers(zone: zone, holding: heartbeat.clips.map(\.item)) {
                                send(
                                    .clipOffer(receiver: receiver, manifest: manifest), to: sender, through: socket,
                                    buffer: outgoing, key: route.key)
                            }
                            // The zone's timetable, to a box that holds another.
                            if let signed = offers.timetables.timetable(
                                zone: zone, holding: heartbeat.timetableIssuedAt)
                            {
                                send(
                                    .timetable(receiver: receiver, signed: signed), to: sender, through: socket,
                                    buffer: outgoing, key: route.key)
                            }
                        }
                    case .clipRequest(let receiver, let item, let offset, let count):
                        // Only to the address the box's heartbeats come from, only an item of its own zone.
                        guard let offers, let route = registry.route(to: receiver), route.address == sender,
                            let zone = registry.delivery(of: receiver).zone
                        else { break }
                        let chunks = offers.chunks(
                            zone: zone, item: item, offset: offset, count: count, box: receiver,
                            now: MonotonicClock.now())
                        for chunk in chunks {
                            send(
                                .clipChunk(receiver: receiver, item: item, offset: chunk.offset, bytes: chunk.bytes),
                                to: sender, through: socket, buffer: outgoing, key: route.key)
                        }
                    case nil: break
                    }
                }
            }
            let now = MonotonicClock.now()
            if now >= nextCheck {
                registry.checkOffline(now: now)
                unicast?.expire(now: now)
                nextCheck = now + 200_000_000
            }
            for (id, address) in registry.takeWelcomes() {
                send(
                    .welcome(receiver: id, controllerKey: registry.controllerKeys.publicKey), to: address,
                    through: socket, buffer: outgoing)
            }
            for (command, route) in commands.due(now: now, route: registry.route) {
                send(
                    .command(receiver: command.receiver, id: command.id, action: command.action), to: route.address,
                    through: socket, buffer: outgoing, key: route.key)
            }
        }
    }

    private func send(
        _ message: FleetMessage, to address: SocketAddress, through socket: UDPSocket,
        buffer: UnsafeMutableRawBufferPointer, key: MessageKey? = nil
    ) {
        let length = FleetAuthentication.write(message, into: buffer, signer: registry.controllerKeys, key: key)
        guard length > 0 else { return }
        socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: address)
    }
}
