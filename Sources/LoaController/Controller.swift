import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LoaSystem
import LoaWire
import Logging
import NIOCore
import ServiceLifecycle

/// The commune server's service: state directory, database, programme, pacer and control API, run until
/// SIGTERM or SIGINT.
public struct Controller: Sendable {
    public var stateDirectory: URL
    public var configuration: ControllerConfiguration
    public var host: String
    public var port: Int
    public var logger: Logger
    /// A key ceremony's folder (`loa keys init-root --out DIR`), read at first start only: see `KeyStore`.
    public var keyCeremony: URL?

    public init(
        stateDirectory: URL, configuration: ControllerConfiguration, host: String, port: Int, logger: Logger,
        keyCeremony: URL? = nil
    ) {
        self.keyCeremony = keyCeremony
        self.stateDirectory = stateDirectory
        self.configuration = configuration
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// What the controller runs, built and not started: the control API and the parts its services drive.
    public struct Parts: Sendable {
        public let api: ControlAPI
        let pacer: Pacer
        let programme: Programme
        let fleet: Fleet
        /// Held for as long as the parts live: one controller per state directory.
        let lock: StateDirectoryLock
        /// The clips offered to the boxes ahead of airtime, and the library they are read from.
        let offers: ClipOffers
        let clips: ClipLibrary
        let delays: PlayoutDelays
    }

    /// Prepares the state directory and builds every part (database, keys, programme, pacer, fleet, control
    /// API) without starting any. Throws `ControllerError` with one line for the operator.
    public func assemble() throws -> Parts {
        let files = FileManager.default
        let sdpDirectory = stateDirectory.appendingPathComponent("sdp")
        let uploads = stateDirectory.appendingPathComponent("uploads")
        do {
            for directory in [stateDirectory, sdpDirectory, uploads] {
                try files.createDirectory(at: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw ControllerError(
                "cannot create the state directory \(stateDirectory.path): \(error.localizedDescription)")
        }
        let lock = try StateDirectoryLock.acquire(stateDirectory)
        let store: Store
        do { store = try Store(path: stateDirectory.appendingPathComponent("loa.sqlite").path) } catch {
            throw ControllerError("cannot open the database in \(stateDirectory.path): \(error)")
        }
        let clock = SystemClock()
        let clips = try ClipLibrary(
            directory: stateDirectory.appendingPathComponent("clips"), zones: configuration.zones,
            loudness: configuration.loudness)
        let keys: KeyStore
        do {
            keys = try KeyStore(
                directory: stateDirectory.appendingPathComponent("keys"), ceremony: keyCeremony, logger: logger)
        } catch {
            throw ControllerError("cannot load the keys: \((error as? SecurityError)?.message ?? "\(error)")")
        }
        let pacer: Pacer
        let unicast = UnicastDelivery(zones: configuration.zones.map(\.name), limits: configuration.fleet.unicast)
        let delays = PlayoutDelays(zones: configuration.zones.map { ($0.name, $0.playoutDelayRule) })
        let commune = KeyList.keyID(keys.rootPublicKey)
        let offers = ClipOffers(
            audiences: Dictionary(
                configuration.zones.map {
                    ($0.name, PacketAudience(group: $0.group.address.value, port: $0.group.port, commune: commune))
                }, uniquingKeysWith: { first, _ in first }),
            streamKey: keys.streamKey)
        do {
            pacer = try Pacer(
                zones: configuration.zones, signingKey: keys.streamKey, tagKey: keys.streamTagKey,
                commune: KeyList.keyID(keys.rootPublicKey), unicast: unicast, delays: delays,
                clock: clock)
        } catch {
            throw ControllerError(error.message)
        }
        var descriptions: [String: String] = [:]
        for zone in configuration.zones {
            let origin = NetworkInterface(zone.interface)?.address.text ?? "127.0.0.1"
            let text = SessionDescription(zone: zone, origin: origin).text
            descriptions[zone.name] = text
            try FileSystem.replace(sdpDirectory.appendingPathComponent("\(zone.name).sdp").path, with: text)
        }
        let chimes = try LiveChimes.encode(
            configuration.chimes, settings: configuration.zones[0].encoder, loudness: configuration.loudness)
        let programme = Programme(
            zones: configuration.zones, localTime: LocalTime(timeZone: configuration.timeZone), store: store,
            clips: clips, air: pacer, clock: clock,
            speech: configuration.speech.textToSpeech(workDirectory: uploads), inputs: configuration.inputs,
            chimes: chimes, logger: logger)
        let fleet = try Fleet(
            stateDirectory: stateDirectory, configuration: configuration.fleet, zones: configuration.zones,
            logger: logger, clock: clock,
            trust: TrustResponder(keys: keys, perSource: configuration.limits.trustPerSecond),
            limits: configuration.limits, unicast: unicast, delays: delays, offers: offers,
            zonePackets: { [pacer, zones = configuration.zones] in
                Dictionary(uniqueKeysWithValues: zones.map { ($0.name, pacer.packetsSent(zone: $0.name)) })
            },
            itemsPlayed: { [programme] in (try? programme.completedCount()) ?? 0 })
        programme.alerts.connect { [fleet] in fleet.raise($0, detail: $1) }
        let auditLog = AuditLog(
            store: store, clock: clock, reservePath: stateDirectory.appendingPathComponent("audit.reserve").path,
            onFailure: { [fleet, logger] reason in
                logger.error("\(reason)")
                fleet.raise(.auditFailed, detail: reason)
            })
        let desk = EmergencyDesk(
            programme: programme, keys: keys, store: store, clock: clock,
            requiredSignatures: configuration.emergencySignatures, auditLog: auditLog, logger: logger)
        let accounts: AccountStore
        do { accounts = try AccountStore(stateDirectory: stateDirectory) } catch {
            throw ControllerError("cannot open the accounts in \(stateDirectory.path): \(error)")
        }
        let api = ControlAPI(
            programme: programme, pacer: pacer, sessionDescriptions: descriptions, uploadDirectory: uploads,
            keys: keys, desk: desk, fleet: fleet, accounts: accounts, limits: configuration.limits,
            secure: configuration.tls != nil, emergencyPresets: configuration.emergencyPresets,
            requireApproval: configuration.requireApproval)
        try StateDirectoryModes.apply(stateDirectory)
        return Parts(
            api: api, pacer: pacer, programme: programme, fleet: fleet, lock: lock, offers: offers, clips: clips,
            delays: delays)
    }

    /// Prepares the state directory and runs until a stop signal. Throws `ControllerError` with one line for
    /// the operator if the controller cannot start.
    public func run() async throws {
        if let refusal = ListenRule.refusal(host: host, tls: configuration.tls) { throw ControllerError(refusal) }
        let parts = try assemble()
        let logger = self.logger
        let (pacer, programme, fleet) = (parts.pacer, parts.programme, parts.fleet)
        var server = HTTPServerBuilder.http1()
        if let tls = configuration.tls {
            let served = try ServedCertificate.load(tls, stateDirectory: stateDirectory, hosts: [host])
            server = try .tls(.http1(), tlsConfiguration: served.configuration)
            logger.info("TLS certificate SHA-256 fingerprint \(served.fingerprint) (loa shows it on first contact)")
        }
        let scheme = configuration.tls == nil ? "http" : "https"
        let app = parts.api.application(
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "loa-controller"),
            services: [
                PacerService(
                    pacer: pacer, programme: programme, logger: logger, offers: parts.offers, clips: parts.clips,
                    delays: parts.delays),
                fleet.service(host: host),
            ],
            onServerRunning: { channel in
                logger.info("control API on \(scheme)://\(channel.localAddress?.description ?? "?")")
                ServiceManager.ready()
            },
            logger: logger
        )
        for zone in configuration.zones {
            logger.info(
                "zone \(zone.name): \(zone.group.text) via \(zone.interface), TTL \(zone.ttl)\(zone.ttl == 0 ? " (this host only)" : ""), \(zone.encoder.bitrate / 1000) kbit/s"
            )
        }
        do {
            try await app.runService()
            withExtendedLifetime(parts) {}
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ControllerError(
                "cannot listen on \(host):\(port): the address is in use (is another loa-controller running?); "
                    + "stop it or choose another with --listen")
        }
    }
}

/// Why the controller could not start: one line for the operator.
public struct ControllerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs the pacer thread for the life of the application and applies its events to the programme.
struct PacerService: Service {
    let pacer: Pacer
    let programme: Programme
    let logger: Logger
    /// The clips offered to the boxes ahead of airtime, brought up to date with the programme every 2 s.
    var offers: ClipOffers? = nil
    var clips: ClipLibrary? = nil
    /// Each zone's playout delay in force, which its timetable carries.
    var delays: PlayoutDelays? = nil

    func run() async throws {
        pacer.start()
        try await programme.start()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in pacer.events {
                        do { try await programme.handle(event) } catch {
                            logger.error("cannot record \(event): \(error)")
                        }
                    }
                }
                group.addTask {
                    // The programme's clock: slots, saved positions, and what should play, once a second.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        do { try await programme.tick() } catch { logger.error("programme tick failed: \(error)") }
                        // The systemd watchdog (WatchdogSec=) is fed only while the programme keeps ticking.
                        ServiceManager.keepAlive()
                    }
                }
                if let offers, let clips, let delays {
                    group.addTask {
                        while !Task.isCancelled {
                            if let upcoming = try? await programme.upcomingClips() {
                                var files: [String: [(item: Int64, file: URL)]] = [:]
                                for (zone, items) in upcoming {
                                    files[zone] = items.map { ($0.item, clips.file(clip: $0.clip, for: zone)) }
                                }
                                offers.refresh(files)
                            }
                            if let entries = try? await programme.boxTimetables() {
                                offers.timetables.refresh(
                                    entries,
                                    delays: Dictionary(delays.current.map { ($0.zone, $0.milliseconds) }) { a, _ in a },
                                    now: programme.clock.now())
                            }
                            try? await Task.sleep(for: .seconds(2))
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            ServiceManager.stopping()
            pacer.shutdown()
        }
    }
}
