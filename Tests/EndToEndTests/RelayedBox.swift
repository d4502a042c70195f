import Foundation
import LoaSystem
import LoaTestSupport
import Testing

/// A box in its own network namespace (a veth pair to this host, `10.254.SUBNET.1` here and `.2` there, so that no
/// multicast of the test's zone reaches it) that hears its zone by unicast through a `DelayRelay` at
/// `10.254.SUBNET.1:8751`, approved into zone `all`: what issue 13's skew benchmark and issue 14's adaptive delay
/// test put behind a 4G-like path. `close()` stops the box and the relay and deletes the namespace.
final class RelayedBox {
    let id: String
    private(set) var process: Process
    let relay: DelayRelay
    private let namespace: String
    private let link: String
    private let harness: Harness
    private let subnet: Int
    private let name: String
    private let output: String
    private let arguments: [String]

    /// Makes the namespace and the relay, starts the box (`name`, writing to `output`; `arguments` added to the
    /// unicast ones), and waits until it is approved, hears by unicast and has estimated the controller's clock.
    /// The relay drops `lossPercent` only from then on: a technician approves a box on the day it is installed, and
    /// the approval's acknowledgement through 30 % loss each way would fail now and then (5 tries, 3.5 %).
    init(
        _ harness: Harness, subnet: Int, name: String, output: String, baseMilliseconds: Int, jitterMilliseconds: Int,
        lossPercent: Int = 0, arguments: [String] = []
    ) throws {
        self.subnet = subnet
        self.name = name
        self.output = output
        self.arguments = arguments
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        namespace = "loa-relayed-" + suffix
        link = "kr" + suffix
        self.harness = harness
        let script = """
            set -e
            ip netns add \(namespace)
            ip -n \(namespace) link set lo up
            ip link add \(link) type veth peer name kn\(suffix) netns \(namespace)
            ip addr add 10.254.\(subnet).1/24 dev \(link)
            ip link set \(link) up
            ip -n \(namespace) addr add 10.254.\(subnet).2/24 dev kn\(suffix)
            ip -n \(namespace) link set kn\(suffix) up
            """
        guard try harness.run("/bin/sh", ["-c", script]).status == 0 else {
            throw HarnessError("cannot make the namespace \(namespace) with 'ip'")
        }
        do {
            (id, process, relay) = try Self.start(
                harness, subnet: subnet, name: name, output: output, namespace: namespace,
                base: baseMilliseconds, jitter: jitterMilliseconds, arguments: arguments)
            relay.lossPercent = lossPercent
        } catch {
            _ = try? harness.run("/bin/sh", ["-c", "ip netns delete \(namespace); ip link delete \(link)"])
            throw error
        }
    }

    private static func start(
        _ harness: Harness, subnet: Int, name: String, output: String, namespace: String, base: Int, jitter: Int,
        arguments: [String]
    ) throws -> (String, Process, DelayRelay) {
        let relay = try DelayRelay(
            listen: try #require(SocketAddress("10.254.\(subnet).1:8751")),
            target: try #require(SocketAddress(harness.heartbeatAddress)), baseMilliseconds: base,
            jitterMilliseconds: jitter)
        let process: Process
        do {
            process = try launch(harness, subnet: subnet, name: name, output: output, namespace: namespace, arguments)
        } catch {
            relay.stop()
            throw error
        }
        do {
            return (try approve(harness, name: name), process, relay)
        } catch {
            harness.stop(process)
            relay.stop()
            throw error
        }
    }

    /// Waits for the box `name` to enrol, approves it into zone `all` (it must be, to hear it by unicast) and waits
    /// until it hears by unicast and has estimated the controller's clock; returns its id (from its log).
    private static func approve(_ harness: Harness, name: String) throws -> String {
        let log = harness.path(name + ".log")
        let id = try harness.waitFor("the \(name) box to make its identity", timeout: 30) { () -> String? in
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").first { $0.contains("new identity: receiver ") }
                .flatMap { $0.split(separator: " ").last.map(String.init) }
        }
        _ = try harness.waitFor("the \(name) box to enrol", timeout: 60) { () -> Bool? in
            try RealProcesses.FleetTests.receivers(harness).contains { $0["id"] as? String == id } ? true : nil
        }
        guard try harness.loa(["receivers", "approve", id, "--zone", "all"]).status == 0 else {
            throw HarnessError("cannot approve the \(name) box")
        }
        _ = try harness.waitFor("the \(name) box to hear by unicast and estimate the clock", timeout: 60) {
            () -> Bool? in
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let unicast = try RealProcesses.FleetTests.receivers(harness).contains {
                $0["id"] as? String == id && $0["unicast"] as? Bool == true
            }
            return unicast && text.contains("clock is estimated") ? true : nil
        }
        return id
    }

    private static func launch(
        _ harness: Harness, subnet: Int, name: String, output: String, namespace: String, _ arguments: [String]
    ) throws -> Process {
        try harness.startReceiver(
            output: output, name: name, interface: "10.254.\(subnet).2", namespace: namespace,
            arguments: ["--delivery", "unicast", "--controller", "10.254.\(subnet).1:8751"] + arguments)
    }

    /// Stops the box with `signal` (SIGKILL: a power cut) and starts it again with the same state and settings.
    func restart(after signal: Int32) throws {
        harness.stop(process, signal: signal)
        process = try Self.launch(
            harness, subnet: subnet, name: name, output: output, namespace: namespace, arguments)
    }

    func close() {
        harness.stop(process)
        relay.stop()
        _ = try? harness.run("/bin/sh", ["-c", "ip netns delete \(namespace); ip link delete \(link)"])
    }
}
