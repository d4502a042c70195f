import Foundation
import LoaTestSupport

extension RealProcesses {
    /// A 4G carrier's NAT on one machine (issue 14), made by the test that uses it: a controller namespace, a
    /// "carrier" namespace that forwards and masquerades (conntrack's UDP timeouts 30 s, as 4G carriers do) and a box
    /// namespace behind it, with no route from the controller to the box. The box hears only what comes back through
    /// the mapping its own packets open. Controller ↔ carrier on 10.254.`subnet`.0/24, carrier ↔ box on
    /// 10.254.`subnet + 1`.0/24 (`NATDeliveryTests` 61, `LossBenchmark` 64).
    struct Carrier {
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        let subnet: Int
        var controller: String { "loa-nat-c-" + suffix }
        var carrier: String { "loa-nat-n-" + suffix }
        var box: String { "loa-nat-b-" + suffix }
        var controllerAddress: String { "10.254.\(subnet).1" }
        var carrierOutside: String { "10.254.\(subnet).2" }
        var boxAddress: String { "10.254.\(subnet + 1).2" }
        /// The carrier's interface towards the box (where the box's own packets pass, before the NAT).
        var boxSide: String { "nm" + suffix }

        init(subnet: Int = 61) { self.subnet = subnet }

        func make() throws {
            let script = """
                set -e
                ip netns add \(controller)
                ip netns add \(carrier)
                ip netns add \(box)
                for n in \(controller) \(carrier) \(box); do ip -n $n link set lo up; done
                ip link add nc\(suffix) netns \(controller) type veth peer name nn\(suffix) netns \(carrier)
                ip link add nb\(suffix) netns \(box) type veth peer name nm\(suffix) netns \(carrier)
                ip -n \(controller) addr add \(controllerAddress)/24 dev nc\(suffix)
                ip -n \(carrier) addr add \(carrierOutside)/24 dev nn\(suffix)
                ip -n \(carrier) addr add 10.254.\(subnet + 1).1/24 dev nm\(suffix)
                ip -n \(box) addr add \(boxAddress)/24 dev nb\(suffix)
                ip -n \(controller) link set nc\(suffix) up
                ip -n \(carrier) link set nn\(suffix) up
                ip -n \(carrier) link set nm\(suffix) up
                ip -n \(box) link set nb\(suffix) up
                ip -n \(box) route add default via 10.254.\(subnet + 1).1
                ip netns exec \(carrier) sysctl -qw net.ipv4.ip_forward=1
                ip netns exec \(carrier) iptables -t nat -A POSTROUTING -o nn\(suffix) -j MASQUERADE
                ip netns exec \(carrier) sysctl -qw net.netfilter.nf_conntrack_udp_timeout=30
                ip netns exec \(carrier) sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=30
                """
            guard shell(script).status == 0 else {
                delete()
                throw HarnessError("cannot make the namespaces and the NAT with 'ip' and 'iptables'")
            }
        }

        /// Drops `percent` % of what the carrier forwards, both ways, at random (a rule appended to `chain`).
        func lose(_ percent: Int, chain: String = "FORWARD") -> Bool {
            shell(
                "ip netns exec \(carrier) iptables -A \(chain) -m statistic --mode random --probability "
                    + "0.\(String(format: "%02d", percent)) -j DROP"
            ).status == 0
        }

        /// Runs `iptables ARGUMENTS` in the carrier; its exit status and what it printed.
        @discardableResult
        func iptables(_ arguments: String) -> (status: Int32, out: String) {
            shell("ip netns exec \(carrier) iptables " + arguments)
        }

        func delete() {
            _ = shell("for n in \(controller) \(carrier) \(box); do ip netns delete $n 2>/dev/null; done; true")
        }

        /// Runs `script` with /bin/sh (no standard input); its exit status and standard output.
        func shell(_ script: String) -> (status: Int32, out: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.standardInput = FileHandle.nullDevice
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return (-1, "") }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}
