import Foundation
import Hummingbird
import LoaCrypto
import LoaSystem
import LoaWire
import Logging
import ServiceLifecycle

/// The speaker boxes of a commune or province: registry (`STATE_DIR/fleet.sqlite`), heartbeat listener,
/// commands, alerts and metrics. `Controller` makes one, adds its routes and runs its service.
public final class Fleet: Sendable {
    let configuration: FleetConfiguration
    let store: FleetStore
    package let registry: FleetRegistry
    let metrics: FleetMetrics
    let zones: [String]
    let logger: Logger
    private let listenerBox = LockedBox<HeartbeatListener?>(nil)
    private let port: (stream: AsyncStream<Int>, continuation: AsyncStream<Int>.Continuation)

    /// Opens the registry and the controller's own key pair (`controller.key`, 0600, made at first start;
    /// `controller.pub` beside it is what boxes may pin with `controller-key`).
    public init(stateDirectory: URL, configuration: FleetConfiguration, zones: [String], logger: Logger) throws {
        self.configuration = configuration
        self.zones = zones
        self.logger = logger
        let keys = try Self.controllerKeys(in: stateDirectory.path, logger: logger)
        do { store = try FleetStore(path: stateDirectory.appendingPathComponent("fleet.sqlite").path) } catch {
            throw ControllerError("cannot open the fleet registry in \(stateDirectory.path): \(error)")
        }
        try store.failUnfinishedCommands(at: wallMilliseconds())
        metrics = FleetMetrics()
        registry = FleetRegistry(
            controllerKeys: keys, configuration: configuration, metrics: metrics, rows: try store.receivers())
        port = AsyncStream.makeStream(of: Int.self)
    }

    private static func controllerKeys(in directory: String, logger: Logger) throws -> SigningKeyPair {
        let path = directory + "/controller.key"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let bytes = KeyText.bytes(base64: text), let keys = SigningKeyPair(secretKey: bytes) else {
                throw ControllerError(
                    "the controller key \(path) is damaged; restore it from a backup (boxes pinned to it refuse any other)"
                )
            }
            return keys
        }
        let keys = SigningKeyPair.generate()
        do {
            try FileSystem.replace(path, with: KeyText.base64(keys.secretKey) + "\n", permissions: 0o600)
            try FileSystem.replace(directory + "/controller.pub", with: KeyText.base64(keys.publicKey) + "\n")
        } catch {
            throw ControllerError("cannot write the controller key \(path): \(error.message)")
        }
        logger.info("made the controller's key pair: \(path) (public key in controller.pub)")
        return keys
    }

    /// Call when the HTTP server is listening: heartbeats then go to the same port (unless configured).
    public func serverStarted(port: Int?) {
        if let port { self.port.continuation.yield(port) }
    }

    /// Per-zone packet counts and played items for `/metrics`.
    public func setProgrammeMetrics(
        zonePackets: @escaping @Sendable () -> [String: Int], itemsPlayed: @escaping @Sendable () -> Int
    ) {
        metrics.zonePackets = zonePackets
        metrics.itemsPlayed = itemsPlayed
    }

    var listener: HeartbeatListener? { listenerBox.value }

    /// Answers receivers' trust requests (time and key list) on the heartbeat socket.
    let trustBox = LockedBox<TrustResponder?>(nil)
    public func setTrustResponder(_ responder: TrustResponder) { trustBox.value = responder }

    /// The service: binds the heartbeat socket on `host` (and the HTTP port, once known), runs the listener
    /// thread, and writes the registry and delivers alerts every second until shutdown.
    public func service(host: String) -> some Service { FleetService(fleet: self, host: host) }

    fileprivate func startListener(host: String) async throws -> HeartbeatListener {
        let address: SocketAddress
        if let configured = configuration.heartbeatAddress, let parsed = SocketAddress(configured) {
            address = parsed
        } else {
            var bound = 0
            for await port in port.stream {
                bound = port
                break
            }
            guard let resolved = SocketAddress.resolve("\(host):\(bound)") else {
                throw ControllerError("cannot receive heartbeats: '\(host)' is not an IPv4 address")
            }
            address = resolved
        }
        let listener = try HeartbeatListener(
            address: address, registry: registry, configuration: configuration, trust: trustBox.value)
        listenerBox.value = listener
        listener.start()
        logger.info("heartbeats on udp://\(address.text)")
        return listener
    }

    /// Writes what changed (with `heartbeats`, newer heartbeats too); returns the alerts raised since the last
    /// call, now recorded. The service calls it every half second.
    package func flush(heartbeats: Bool) -> [Alert] {
        let changes = registry.takeChanges(heartbeats: heartbeats)
        let now = wallMilliseconds()
        let alertRows = changes.alerts.map {
            FleetStore.Transition(receiver: $0.receiver, at: now, state: $0.kind.rawValue, detail: $0.detail)
        }
        do { try store.save(changes.rows, history: changes.history, alerts: alertRows) } catch {
            logger.error("cannot write the fleet registry: \(error)")
        }
        for command in listener?.takeFinished() ?? [] {
            try? store.finishCommand(
                id: command.id, state: command.result == "acknowledged" ? "acknowledged" : "failed",
                attempts: command.attempts, at: now)
        }
        return changes.alerts
    }
}

private struct FleetService: Service {
    let fleet: Fleet
    let host: String

    func run() async throws {
        let listener = try await fleet.startListener(host: host)
        let (alerts, delivery) = AsyncStream.makeStream(of: Alert.self)
        let dispatcher = AlertDispatcher(configuration: fleet.configuration, logger: fleet.logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                for await alert in alerts { await dispatcher.deliver(alert) }
            }
            var round = 0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                round += 1
                for alert in fleet.flush(heartbeats: round % 20 == 0) {
                    fleet.metrics.alert(alert.kind)
                    delivery.yield(alert)
                }
            }
            listener.stop()
            for alert in fleet.flush(heartbeats: true) { delivery.yield(alert) }
            delivery.finish()
        }
    }
}

/// A value behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
