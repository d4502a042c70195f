import ArgumentParser
import LoaSystem
import Foundation
import LoaController
import Logging

/// `loa-controller`: the service on the commune server (`serve`, the default), its accounts (`admin`) and its
/// audit log (`audit verify`).
@main
struct LoaControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loa-controller",
        abstract: "Keeps the broadcast programme and streams each zone's audio to its speaker boxes.",
        discussion:
            "With no configuration it has one zone, 'all', on this host only (TTL 0). See README, Configuration.",
        version: LoaRelease.version,
        subcommands: [Serve.self, AdminCommand.self, AuditCommand.self], defaultSubcommand: Serve.self
    )
}

/// Runs the controller.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the controller (the default).")

    @Option(name: .long, help: "Where the database, encoded clips and SDP files live.")
    var stateDir: String = Self.defaultStateDirectory

    @Option(name: .long, help: "A YAML file that defines the zones.")
    var config: String?

    @Option(
        name: .long,
        help:
            "The folder of the key ceremony ('loa keys init-root --out DIR'), read at first start: root.pub, stream.key, keylist.bin."
    )
    var keys: String?

    @Option(name: .long, help: "HOST:PORT of the HTTP control API.")
    var listen: String = "127.0.0.1:8750"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "UDP port for the boxes' heartbeats on the --listen host (default: fleet: heartbeat-port:, else 8750; "
                + "never taken from the API's port; 0 takes a free one). A whole 'fleet: heartbeats: HOST:PORT' wins."))
    var heartbeatPort: Int?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "loa-controller")
        umask(0o077)  // what the controller makes is its own: state 0700, databases and secrets 0600
        var configuration: ControllerConfiguration
        if let config {
            do { configuration = try ControllerConfiguration.load(path: config) } catch {
                fail("loa-controller: bad configuration: \(error.message)")
            }
        } else {
            configuration = ControllerConfiguration()
        }
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port), colon != listen.startIndex
        else {
            fail("loa-controller: --listen '\(listen)' must be HOST:PORT, such as 127.0.0.1:8750")
        }
        if let heartbeatPort {
            guard (0...65535).contains(heartbeatPort) else {
                fail("loa-controller: --heartbeat-port '\(heartbeatPort)' must be a UDP port from 0 to 65535")
            }
            configuration.fleet.heartbeatPort = heartbeatPort
        }
        let controller = Controller(
            stateDirectory: URL(fileURLWithPath: stateDir), configuration: configuration,
            host: String(listen[..<colon]), port: port, logger: logger,
            keyCeremony: keys.map { URL(fileURLWithPath: $0) })
        do { try await controller.run() } catch let error as ControllerError {
            fail("loa-controller: \(error.description)")
        } catch {
            fail("loa-controller: cannot run: \(error)")
        }
    }

    static var defaultStateDirectory: String {
        if getuid() == 0 { return "/var/lib/loa" }
        let environment = ProcessInfo.processInfo.environment
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/loa" }
        return NSHomeDirectory() + "/.local/state/loa"
    }
}

func fail(_ line: String) -> Never {
    FileHandle.standardError.write(Data((line + "\n").utf8))
    exit(1)
}
