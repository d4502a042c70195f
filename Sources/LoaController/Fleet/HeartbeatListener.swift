import Foundation
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// The controller's end of the fleet protocol: one UDP socket (by default on the HTTP API's address and
/// port) read by one thread. It feeds every datagram to the registry, answers approved enrolments with a
/// welcome, marks silent receivers offline, and sends commands, resending each until it is acknowledged or
/// has been tried `command-attempts` times.
///
/// A datagram costs the thread a header check, a dictionary look-up and one keyed BLAKE2b before anything
/// is parsed, so junk is dropped far faster than a sender can produce it; enrolment signatures (the only
/// expensive check) are rate-limited by the registry.
final class HeartbeatListener: @unchecked Sendable {
    struct PendingCommand {
        var id: UInt32
        var receiver: ReceiverID
        var action: ReceiverAction
        var attempts = 0
        var nextAt: UInt64 = 0
    }

    let registry: FleetRegistry
    let configuration: FleetConfiguration
    let address: SocketAddress
    private let socket: UDPSocket
    private let lock = NSLock()
    private var pending: [PendingCommand] = []
    private var results: [UInt32: String] = [:]
    private var welcomes: [ReceiverID] = []
    private var stopping = false
    private var finished: [(id: UInt32, result: String, attempts: Int)] = []

    /// Binds the socket (alone on its port). Throws a `ControllerError` if the address is taken.
    private let trust: TrustResponder?

    init(
        address: SocketAddress, registry: FleetRegistry, configuration: FleetConfiguration, trust: TrustResponder? = nil
    )
        throws
    {
        self.trust = trust
        self.registry = registry
        self.configuration = configuration
        self.address = address
        do {
            socket = try UDPSocket()
            try socket.bind(address, shared: false)
        } catch {
            throw ControllerError(
                "cannot receive heartbeats on UDP \(address.text): \(error.message); stop what uses it or set fleet: heartbeats:"
            )
        }
        socket.setReceiveBuffer(bytes: 8 << 20)
    }

    /// Runs the thread until `stop()`.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "loa-heartbeats"
        thread.start()
    }

    func stop() { lock.withLock { stopping = true } }

    /// Queues a command for sending; its result appears in `result(of:)`.
    func submit(_ command: PendingCommand) {
        registry.expect(command.id, from: command.receiver)
        lock.withLock { pending.append(command) }
    }

    /// "acknowledged", "failed: …", or nil while still trying.
    func result(of id: UInt32) -> String? { lock.withLock { results[id] } }

    /// Commands that ended since the last call, for the database.
    func takeFinished() -> [(id: UInt32, result: String, attempts: Int)] {
        lock.withLock {
            defer { finished = [] }
            return finished
        }
    }

    /// Sends a welcome to a receiver just approved (it also gets one with its next enrolment heartbeat).
    func welcome(_ id: ReceiverID) { lock.withLock { welcomes.append(id) } }

    private func run() {
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes + 1, alignment: 8)
        let outgoing = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes + 128, alignment: 8)
        defer {
            datagram.deallocate()
            outgoing.deallocate()
        }
        var nextCheck = MonotonicClock.now()
        while !lock.withLock({ stopping }) {
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
                    if TrustMessage.isTrust(bytes) {
                        if let answer = trust?.answer(bytes) {
                            answer.withUnsafeBytes { _ = socket.send($0, to: sender) }
                        }
                        continue
                    }
                    if let reply = registry.handle(bytes, from: sender, now: MonotonicClock.now()) {
                        send(reply, to: sender, buffer: outgoing)
                    }
                }
            }
            let now = MonotonicClock.now()
            if now >= nextCheck {
                registry.checkOffline(now: now)
                nextCheck = now + 200_000_000
            }
            sendWelcomes(buffer: outgoing)
            sendCommands(now: now, buffer: outgoing)
        }
    }

    private func sendWelcomes(buffer: UnsafeMutableRawBufferPointer) {
        let ids = lock.withLock {
            defer { welcomes = [] }
            return welcomes
        }
        for id in ids {
            guard let record = registry.find(id.text), let address = record.address else { continue }
            send(.welcome(receiver: id, controllerKey: registry.controllerKeys.publicKey), to: address, buffer: buffer)
        }
    }

    private func sendCommands(now: UInt64, buffer: UnsafeMutableRawBufferPointer) {
        var due = lock.withLock { pending }
        guard !due.isEmpty else { return }
        var done: [UInt32: String] = [:]
        for index in due.indices {
            let command = due[index]
            if registry.takeAcknowledgement(command.id, giveUp: false) {
                done[command.id] = "acknowledged"
                continue
            }
            guard now >= command.nextAt else { continue }
            if command.attempts >= configuration.commandAttempts {
                _ = registry.takeAcknowledgement(command.id, giveUp: true)
                done[command.id] = "failed: no acknowledgement after \(command.attempts) attempts"
                continue
            }
            guard let record = registry.find(command.receiver.text), let address = record.address, record.key != nil
            else {
                done[command.id] = "failed: the receiver has never been heard from since it was approved"
                continue
            }
            send(
                .command(receiver: command.receiver, id: command.id, action: command.action), to: address,
                buffer: buffer, key: record.key)
            due[index].attempts += 1
            due[index].nextAt = now + UInt64(configuration.commandRetryMilliseconds) * 1_000_000
        }
        let attempts = Dictionary(uniqueKeysWithValues: due.map { ($0.id, $0.attempts) })
        lock.withLock {
            for index in pending.indices { pending[index] = due.first { $0.id == pending[index].id } ?? pending[index] }
            pending.removeAll { done[$0.id] != nil }
            for (id, result) in done {
                results[id] = result
                finished.append((id, result, attempts[id] ?? 0))
            }
        }
        for result in done.values { registry.metrics.command(result == "acknowledged" ? "acknowledged" : "failed") }
    }

    private func send(
        _ message: FleetMessage, to address: SocketAddress, buffer: UnsafeMutableRawBufferPointer,
        key: MessageKey? = nil
    ) {
        let length = FleetAuthentication.write(message, into: buffer, signer: registry.controllerKeys, key: key)
        guard length > 0 else { return }
        socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: address)
    }
}
