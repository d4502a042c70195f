import Foundation
import Hummingbird
import LoaCrypto
import LoaSystem
import LoaWire
import Logging
import ServiceLifecycle
import Synchronization

/// The speaker boxes of a commune or province: registry (`STATE_DIR/fleet.sqlite`), heartbeat listener,
/// commands, alerts and metrics. `Controller` makes one, adds its routes and runs its service. Everything it
/// holds is made here; only where the heartbeat listener is bound is learnt later, when its service starts.
public final class Fleet: Sendable {
    let configuration: FleetConfiguration
    let store: FleetStore
    package let registry: FleetRegistry
    package let commands: CommandTracker
    let metrics: FleetMetrics
    let zones: [String]
    let logger: Logger
    /// Answers receivers' trust requests (time and key list) on the heartbeat socket.
    let trust: TrustResponder?
    private let flusher: FleetFlusher
    /// Alerts about the controller itself (`raise`), delivered with the next flush.
    /// Alerts about the controller itself raised since the last flush, with when (Unix ms).
    private let raised = Mutex<[(alert: Alert, at: Int64)]>([])
    /// Where the heartbeat listener is bound while it runs.
    private let listening = Mutex<SocketAddress?>(nil)
    /// The zones' unicast boxes (issue 14): kept by the listener, sent to by the pacer.
    package let unicast: UnicastDelivery
    /// The zones' playout delays as they adapt (issue 14): told by the listener, read by the pacer.
    package let delays: PlayoutDelays
    /// The clips offered to the boxes ahead of airtime (issue 15); nil: none are.
    package let offers: ClipOffers?

    /// Opens the registry and the controller's own key pair (`controller.key`, 0600, made at first start;
    /// `controller.pub` beside it is what boxes may pin with `controller-key`). `zonePackets` and `itemsPlayed`
    /// are the programme's counts for `/metrics`; `clock` gives the wall time of what is recorded and shown.
    public init(
        stateDirectory: URL, configuration: FleetConfiguration, zones: [Zone], logger: Logger,
        clock: any ControllerClock = SystemClock(), trust: TrustResponder? = nil,
        limits: RequestLimits = RequestLimits(), unicast: UnicastDelivery? = nil, delays: PlayoutDelays? = nil,
        offers: ClipOffers? = nil,
        zonePackets: @escaping @Sendable () -> [String: Int] = { [:] },
        itemsPlayed: @escaping @Sendable () -> Int = { 0 }
    ) throws {
        self.configuration = configuration
        self.zones = zones.map(\.name)
        self.logger = logger
        self.trust = trust
        self.unicast = unicast ?? UnicastDelivery(zones: zones.map(\.name), limits: configuration.unicast)
        self.delays = delays ?? PlayoutDelays(zones: zones.map { ($0.name, $0.playoutDelayRule) })
        self.offers = offers
        let keys = try Self.controllerKeys(in: stateDirectory.path, logger: logger)
        do { store = try FleetStore(path: stateDirectory.appendingPathComponent("fleet.sqlite").path) } catch {
            throw ControllerError("cannot open the fleet registry in \(stateDirectory.path): \(error)")
        }
        try store.failUnfinishedCommands(at: clock.now())
        metrics = FleetMetrics(zonePackets: zonePackets, itemsPlayed: itemsPlayed)
        registry = FleetRegistry(
            controllerKeys: keys, configuration: configuration, metrics: metrics,
            groups: Dictionary(zones.map { ($0.name, $0.streamGroup) }, uniquingKeysWith: { first, _ in first }),
            rows: try store.receivers(), clock: clock, limits: limits)
        commands = CommandTracker(
            attempts: configuration.commandAttempts, retryMilliseconds: configuration.commandRetryMilliseconds,
            metrics: metrics)
        flusher = FleetFlusher(store: store, registry: registry, commands: commands, logger: logger)
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

    /// Where heartbeats go (`udp://HOST:PORT`), while the listener runs.
    var heartbeatAddress: SocketAddress? { listening.withLock { $0 } }

    /// The service: binds the heartbeat socket (`fleet: heartbeats:`, else `host` and the heartbeat port, never
    /// the API's), runs the listener thread, and writes the registry and delivers alerts every second until
    /// shutdown.
    public func service(host: String) -> some Service { FleetService(fleet: self, host: host) }

    fileprivate func startListener(host: String) async throws -> HeartbeatListener {
        let address: SocketAddress
        if let configured = configuration.heartbeatAddress, let parsed = SocketAddress(configured) {
            address = parsed
        } else {
            guard var resolved = SocketAddress.resolve("\(host):1") else {
                throw ControllerError("cannot receive heartbeats: '\(host)' is not an IPv4 address")
            }
            resolved.port = UInt16(configuration.heartbeatPort)
            address = resolved
        }
        let listener = try HeartbeatListener(
            address: address, registry: registry, commands: commands, trust: trust, unicast: unicast,
            delays: delays, offers: offers)
        listener.start()
        listening.withLock { $0 = listener.address }
        logger.info("heartbeats on udp://\(listener.address.text)")
        return listener
    }

    /// Writes what changed (with `heartbeats`, newer heartbeats too); returns the alerts raised since the last
    /// call, now recorded. The service calls it every half second.
    package func flush(heartbeats: Bool) -> [Alert] {
        let own = raised.withLock { alerts in
            defer { alerts = [] }
            return alerts
        }
        if !own.isEmpty {
            do {
                try store.save(
                    [], history: [],
                    alerts: own.map {
                        FleetStore.Transition(
                            receiver: "controller", at: $0.at, state: $0.alert.kind.rawValue, detail: $0.alert.detail)
                    })
            } catch {
                logger.error("cannot record \(own.count) alert(s) about the controller: \(error)")
            }
        }
        return flusher.flush(heartbeats: heartbeats) + own.map(\.alert)
    }

    /// Raises an alert about the controller itself (`audit-failed`, the key list's expiry, a relay's switch):
    /// recorded (so `GET /alerts` lists it, receiver `controller`) and delivered with the next flush. Cheap: it may
    /// be called from a thread that must not wait for the database (a relay's).
    package func raise(_ kind: Alert.Kind, detail: String) {
        let now = registry.clock.now()
        let alert = Alert(kind: kind, receiver: "controller", name: "loa-controller", at: isoTime(now), detail: detail)
        raised.withLock { $0.append((alert, now)) }
    }

    fileprivate func stopListener(_ listener: HeartbeatListener) {
        listening.withLock { $0 = nil }
        listener.stop()
    }
}

private struct FleetService: Service {
    let fleet: Fleet
    let host: String

    func run() async throws {
        let listener = try await fleet.startListener(host: host)
        // Alerts wait in a backlog that coalesces a flood of one kind into one alert with a count, so that an
        // `offline` alert never waits behind more than one delivery per kind.
        let backlog = AlertBacklog.Shared()
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let dispatcher = AlertDispatcher(configuration: fleet.configuration, logger: fleet.logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                for await _ in wakes {
                    while let alert = backlog.withLock({ $0.next() }) { await dispatcher.deliver(alert) }
                }
            }
            var round = 0
            var expiryAlerted: UInt64?
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                round += 1
                let now = UInt64(fleet.registry.clock.now())
                if round % 120 == 1, let list = fleet.trust?.keys.current,
                    let (kind, detail) = KeyListExpiry.alert(for: list, now: now),
                    KeyListExpiry.due(now: now, last: expiryAlerted)
                {
                    expiryAlerted = now
                    fleet.raise(kind, detail: detail)
                }
                let alerts = fleet.flush(heartbeats: round % 20 == 0)
                for alert in alerts { fleet.metrics.alert(alert.kind) }
                if !alerts.isEmpty {
                    backlog.withLock { $0.add(alerts) }
                    wake.yield()
                }
            }
            fleet.stopListener(listener)
            backlog.withLock { $0.add(fleet.flush(heartbeats: true)) }
            wake.yield()
            wake.finish()
        }
    }
}
