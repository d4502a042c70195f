import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 12, point 13: the forgery flood of `ForgeryFloodTests`, but from a forger who also spoofs the
    /// controller's own source address and port (a raw socket), so that its forgeries come from where the genuine
    /// packets come from. The controller and the forger run in one network namespace, the box in another, joined
    /// by a veth pair (`Link`): namespaces the test makes, so the spoofed packets never leave them.
    @Suite("Spoofed-source forgery flood")
    struct SpoofedSourceFloodTests {
        /// The forger: learns the live stream from the group (SSRC, key id, epoch, index, and the controller's
        /// address and port), and sends `rate` forgeries a second of the packets that come next, each a copy of the
        /// newest genuine packet with the next sequence number, timestamp and index (1 to 5 ahead), a fresh send
        /// time, and random bytes in place of everything after the seal's metadata (signature and tag), from the
        /// controller's address and port through a raw socket on the controller's interface `interface` (TTL 1,
        /// not looped back to itself). On SIGTERM it writes how many it sent to `out`.
        static let forger = #"""
            import os, select, signal, socket, struct, sys, time
            group, port, rate, out, interface = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
            listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((group, port))
            listener.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                socket.inet_aton(group) + socket.inet_aton(interface))
            listener.setblocking(False)
            raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            raw.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
            raw.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
            running = [True]
            signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])  # the test runner starts it blocked
            sent, copy, latest, due = 0, 0, None, time.monotonic()
            while running[0]:
                try:
                    wait = 0.05 if latest is None else max(0.0, min(0.05, due - time.monotonic()))
                    readable = select.select([listener], [], [], wait)[0]
                except InterruptedError:
                    continue
                while readable:
                    try:
                        data, source = listener.recvfrom(2048)
                    except BlockingIOError:
                        break
                    if len(data) > 20 and data[0] & 0x10 and data[12:14] == b"\x10\x00" and data[16] == 1:
                        latest = (data, source)
                now = time.monotonic()
                if latest is None:
                    due = now
                    continue
                data, (address, source_port) = latest
                end = 16 + 4 * struct.unpack_from("!H", data, 14)[0] - 1
                sequence, timestamp = struct.unpack_from("!HI", data, 2)
                index = struct.unpack_from("!Q", data, 26)[0]
                if now - due > 0.1:
                    due = now
                while due <= now:
                    ahead = 1 + copy % 5
                    copy += 1
                    forged = bytearray(data)
                    struct.pack_into("!HI", forged, 2, (sequence + ahead) & 0xFFFF, (timestamp + 960 * ahead) & 0xFFFFFFFF)
                    struct.pack_into("!QQ", forged, 26, index + ahead, int(time.time() * 1000))
                    forged[43:end] = os.urandom(end - 43)
                    udp = struct.pack("!HHHH", source_port, port, 8 + len(forged), 0) + forged
                    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 1, 17, 0,
                                     socket.inet_aton(address), socket.inet_aton(group))
                    raw.sendto(ip + udp, (group, 0))
                    sent += 1
                    due += 1.0 / rate
            with open(out, "w") as f:
                f.write(str(sent))
            """#

        /// True if this test can make network namespaces: root and iproute2's `ip`. Without them (a developer's
        /// machine, not CI, which runs as root) the test is skipped, and says why.
        static let namespacesAvailable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")

        /// Two network namespaces, the controller's and the box's, each with its loopback up, joined by a veth pair:
        /// `controllerAddress` on one end, `boxAddress` on the other. Deleting the namespaces deletes the pair.
        struct Link {
            let suffix = String(UUID().uuidString.prefix(8)).lowercased()
            var controller: String { "loa-spoof-c-" + suffix }
            var box: String { "loa-spoof-b-" + suffix }
            let controllerAddress = "10.253.53.1"
            let boxAddress = "10.253.53.2"

            /// Makes the namespaces and the pair; throws if `ip` fails.
            func make() throws {
                let script = """
                    set -e
                    ip netns add \(controller)
                    ip netns add \(box)
                    ip -n \(controller) link set lo up
                    ip -n \(box) link set lo up
                    ip link add lc\(suffix) netns \(controller) type veth peer name lb\(suffix) netns \(box)
                    ip -n \(controller) addr add \(controllerAddress)/24 dev lc\(suffix)
                    ip -n \(box) addr add \(boxAddress)/24 dev lb\(suffix)
                    ip -n \(controller) link set lc\(suffix) up
                    ip -n \(box) link set lb\(suffix) up
                    """
                let made = Process()
                made.executableURL = URL(fileURLWithPath: "/bin/sh")
                made.arguments = ["-c", script]
                try made.run()
                made.waitUntilExit()
                guard made.terminationStatus == 0 else {
                    delete()
                    throw HarnessError("cannot make the network namespaces \(controller) and \(box) with 'ip'")
                }
            }

            func delete() {
                for namespace in [controller, box] {
                    let deleted = Process()
                    deleted.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
                    deleted.arguments = ["netns", "delete", namespace]
                    deleted.standardError = FileHandle.nullDevice
                    try? deleted.run()
                    deleted.waitUntilExit()
                }
            }
        }

        @Test(
            .enabled(
                if: namespacesAvailable, "needs root and iproute2 to make a network namespace ('ip netns'); CI runs it")
        )
        func aBulletinPlaysWholeThroughForgeriesFromTheControllersOwnAddress() throws {
            let link = Link()
            try link.make()
            defer { link.delete() }
            let harness = try Harness(groupOctet: 53)
            try harness.startController(inNamespace: link.controller, linkAddress: link.controllerAddress)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output, interface: link.boxAddress, namespace: link.box)
            // The box must be welcomed: the controller hands its stream tag key only to boxes it knows.
            let id = try harness.waitFor("the box to enrol", timeout: 30) { () -> String? in
                try RealProcesses.FleetTests.receivers(harness).first.flatMap { $0["id"] as? String }
            }
            #expect(try harness.loa(["receivers", "approve", id, "--zone", "all"]).status == 0)
            _ = try harness.waitFor("the box to learn the stream tag key", timeout: 30) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)) ?? ""
                return log.contains("stream tag key from the controller") ? true : nil
            }
            let counted = harness.path("forged.count")
            let forger = try harness.launch(
                "/usr/bin/python3",
                ["-c", Self.forger, harness.group, String(harness.port), "2000", counted, link.controllerAddress],
                stderr: harness.path("forger.log"))
            let clip = try harness.speech(
                "clip.wav", "Thông báo khẩn: nước sông đang lên nhanh, bà con vùng trũng di chuyển ngay đến nơi cao.")
            try harness.queueAndWait([clip])
            harness.stop(forger)
            harness.stop(receiver)
            let forgeries = Int((try? String(contentsOfFile: counted, encoding: .utf8)) ?? "") ?? 0
            let forgerLog = (try? String(contentsOfFile: harness.path("forger.log"), encoding: .utf8)) ?? ""
            #expect(forgeries > 5_000, "\(forgeries) forgeries sent: \(forgerLog)")
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(output)
            let match = AudioComparison.compare(source: source, played: played)
            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            let refusals = log.split(separator: "\n").last { $0.contains("refused packets:") }.map(String.init) ?? ""
            #expect(
                match.correlation >= 0.9, "the bulletin under the spoofed flood: NCC \(match.correlation); \(refusals)")
            #expect(abs(played.count - source.count) < 4_800, "\(played.count) samples played for \(source.count)")
            func count(_ reason: String) -> Int {
                guard let range = refusals.range(of: reason + "=") else { return -1 }
                return Int(refusals[range.upperBound...].prefix { $0.isNumber }) ?? -1
            }
            // The forgeries reached the box, from the controller's address, and were refused.
            #expect(count("forged") + count("rate-limited") > forgeries / 2, "\(refusals)")
        }
    }
}
