import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 14, points 1–4, through a real NAT (`Carrier`): a controller namespace, a "carrier" namespace that masquerades
    /// (conntrack's UDP timeout 30 s, as 4G carriers do) and a box namespace behind it, with no route from the
    /// controller to the box. The box hears only what comes back through the mapping its heartbeats open.
    /// One controller and two boxes for every step (they take minutes to set up and the idle step must be long): one
    /// set to `unicast`, one on the default `auto`, which finds out for itself that no multicast reaches it.
    @Suite("Unicast delivery through a NAT")
    struct NATDeliveryTests {
        /// The attacker, in the carrier: from a socket bound at the victim's address it sends the controller, five
        /// times a second, a heartbeat in the box's name tagged with a key that is not the box's, an enrolment
        /// signed by nobody, and (once it has seen one pass on the box's side) a replay of the box's own latest
        /// heartbeat, each asking for unicast (`out`.captured appears once it has one); once it has seen a packet of
        /// the stream pass, also a NACK (RFC 4585) for the 17 packets before it, with the stream's real SSRC. It counts
        /// every datagram that reaches the victim's socket and on SIGTERM writes "received sent replayed nacks" to
        /// `out`.
        static let attacker = #"""
            import os, select, signal, socket, struct, sys, time
            box, victim, controller, port, side, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
            v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            v.bind((victim, 47123))
            v.setblocking(False)
            # Every protocol: a tap bound to IPv4 alone sees only what comes in, not the stream going out to the box.
            sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
            sniff.bind((side, 0))
            sniff.setblocking(False)
            running = [True]
            signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
            body = bytes.fromhex(box) + struct.pack("!IIII", 0xFFFFFFF0, 0xFFFFFFF0, 5000, 1)
            body += bytes([32, 100]) + struct.pack("!IIH", 0x80000000, 0, 0) + bytes(28) + bytes([0, 0]) + bytes(6)
            body += bytes([0x12])
            forged = b"LF\x01\x02" + body + os.urandom(16)
            key = os.urandom(32)
            enrolment = b"LF\x01\x01" + key[:8] + body[8:] + key + os.urandom(64)
            received, sent, captured, due, nack, nacks = 0, 0, None, time.monotonic(), None, 0
            while running[0]:
                try:
                    readable = select.select([v, sniff], [], [], 0.05)[0]
                except InterruptedError:
                    continue
                if v in readable:
                    while True:
                        try:
                            v.recvfrom(4096)
                            received += 1
                        except BlockingIOError:
                            break
                if sniff in readable:
                    while True:
                        try:
                            packet = sniff.recv(4096)
                        except BlockingIOError:
                            break
                        if len(packet) < 28 or packet[0] >> 4 != 4:
                            continue
                        ihl = (packet[0] & 15) * 4
                        if packet[9] == 17 and packet[ihl + 8:ihl + 12] == b"LF\x01\x02":
                            if captured is None:
                                open(out + ".captured", "w").close()
                            captured = packet[ihl + 8:]
                        rtp = packet[ihl + 8:]
                        if packet[9] == 17 and len(rtp) > 12 and rtp[0] >> 6 == 2 and 96 <= rtp[1] & 0x7F < 128:
                            sequence = struct.unpack("!H", rtp[2:4])[0]
                            nack = struct.pack("!BBHII", 0x81, 205, 3, 0x1234, struct.unpack("!I", rtp[8:12])[0])
                            nack += struct.pack("!HH", (sequence - 17) & 0xFFFF, 0xFFFF)
                if time.monotonic() >= due:
                    due += 0.2
                    for datagram in [forged, enrolment] + ([captured] if captured else []):
                        v.sendto(datagram, (controller, port))
                        sent += 1
                    if nack:
                        v.sendto(nack, (controller, port))
                        nacks += 1
            with open(out, "w") as f:
                f.write("%d %d %d %d" % (received, sent, 1 if captured else 0, nacks))
            """#

        /// The samples the box played from `offset` bytes on, from a little before the first loud one.
        static func played(_ output: String, after offset: Int) throws -> [Float] {
            let all = try AudioComparison.raw16(output)
            let tail = Array(all.dropFirst(offset / 2))
            guard let first = tail.firstIndex(where: { abs($0) > 300 }) else { return [] }
            return Array(tail[max(0, first - 2400)...])
        }

        /// The `name=number` fields of the last line of `log` that contains `marker`.
        static func fields(_ log: String, _ marker: String) -> [String: Int] {
            var fields: [String: Int] = [:]
            for field in log.split(separator: "\n").last(where: { $0.contains(marker) })?.split(separator: " ") ?? [] {
                let parts = field.split(separator: "=")
                if parts.count == 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
            }
            return fields
        }

        static func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }

        @Test(
            .enabled(
                if: SpoofedSourceFloodTests.namespacesAvailable
                    && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables"),
                "needs root, iproute2 and iptables to make namespaces and a NAT; CI runs it")
        )
        func aBoxBehindANATHearsEveryBulletinByUnicastAndNobodyElseDoes() throws {
            let net = Carrier()
            try net.make()
            defer { net.delete() }
            let harness = try Harness(groupOctet: 61)
            try harness.startController(inNamespace: net.controller, linkAddress: net.controllerAddress)
            let output = harness.path("played.raw")
            // Heartbeats only every minute, but every 10 s while asking for unicast: the keepalive holds the
            // 30 s mapping open.
            let receiver = try harness.startReceiver(
                output: output, interface: net.boxAddress, namespace: net.box,
                arguments: ["--delivery", "unicast", "--heartbeat-interval", "60", "--keepalive", "10"])
            let id = try harness.waitFor("the box to enrol", timeout: 30) { () -> String? in
                try RealProcesses.FleetTests.receivers(harness).first.flatMap { $0["id"] as? String }
            }
            #expect(try harness.loa(["receivers", "approve", id, "--zone", "all"]).status == 0)
            _ = try harness.waitFor("the box to ask for unicast", timeout: 30) { () -> Bool? in
                let box = try RealProcesses.FleetTests.receivers(harness).first
                return box?["unicast"] as? Bool == true && box?["delivery"] as? String == "unicast" ? true : nil
            }
            let table = try harness.loa(["receivers"])
            let row = try #require(FleetDetailTests.columns(table.out).first, "\(table.out)")
            #expect(row["DELIVERY"] == "unicast", "\(table.out)")
            // A second box behind the same NAT on the defaults (`auto`, heartbeats every 5 s): it waits for multicast
            // that never comes. It asks for redundancy: each unicast packet again 2 packets later.
            let autoOutput = harness.path("auto.raw")
            let autoBox = try harness.startReceiver(
                output: autoOutput, name: "auto", interface: net.boxAddress, namespace: net.box,
                arguments: ["--redundancy", "2"])
            let autoID = try harness.waitFor("the auto box to enrol", timeout: 30) { () -> String? in
                try RealProcesses.FleetTests.receivers(harness).first { $0["id"] as? String != id }
                    .flatMap { $0["id"] as? String }
            }
            #expect(try harness.loa(["receivers", "approve", autoID, "--zone", "all"]).status == 0)
            _ = try harness.waitFor("the box to learn the stream tag key", timeout: 30) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)) ?? ""
                return log.contains("stream tag key from the controller") ? true : nil
            }
            let clip = try harness.speech(
                "clip.wav", "Thông báo: chiều nay thôn Đông cắt điện từ hai giờ đến bốn giờ để sửa đường dây.")
            let source = try AudioComparison.reference(clip)
            func bulletin(_ what: String, auto: Bool = true) throws {
                let offsets = (Self.size(output), Self.size(autoOutput))
                try harness.queueAndWait([clip])
                for (name, file, offset) in [("receiver", output, offsets.0)]
                    + (auto ? [("auto", autoOutput, offsets.1)] : [])
                {
                    let played = try Self.played(file, after: offset)
                    let match = AudioComparison.compare(source: source, played: played)
                    let log = (try? String(contentsOfFile: harness.path(name + ".log"), encoding: .utf8)) ?? ""
                    #expect(
                        match.correlation >= 0.9,
                        "\(what), \(name): NCC \(match.correlation), \(played.count) samples; \(log)")
                }
            }

            // 1. Whole, by unicast alone, while an attacker at another address forges and replays requests.
            let counted = harness.path("attacker.count")
            let attacker = try harness.launch(
                "/usr/bin/python3",
                ["-c", Self.attacker, id, net.carrierOutside, net.controllerAddress, "8750", net.boxSide, counted],
                stderr: harness.path("attacker.log"), namespace: net.carrier)
            _ = try harness.waitFor("the attacker to capture one of the box's heartbeats", timeout: 40) { () -> Bool? in
                FileManager.default.fileExists(atPath: counted + ".captured") ? true : nil
            }
            // The auto box hears the first bulletin only once it has found no multicast while the zone is on the air
            // (its first seconds are lost): it then asks for unicast, and keeps asking while the zone is idle.
            try bulletin("the first bulletin behind the NAT", auto: false)
            let autoRow = try harness.waitFor("the auto box to ask for unicast", timeout: 30) {
                () -> [String: String]? in
                let rows = FleetDetailTests.columns(try harness.loa(["receivers"]).out)
                return rows.first {
                    $0["ID"].map { autoID.hasPrefix($0) || $0.hasPrefix(autoID) } == true
                        && $0["DELIVERY"] == "auto:unicast"
                }
            }
            #expect(autoRow["DELIVERY"] == "auto:unicast")
            let metrics = try harness.apiText("/metrics")
            #expect(metrics.contains("loa_unicast_boxes 2"), "both boxes: \(metrics)")
            harness.stop(attacker)
            let numbers = ((try? String(contentsOfFile: counted, encoding: .utf8)) ?? "").split(separator: " ")
                .compactMap { Int($0) }
            let attackerLog = (try? String(contentsOfFile: harness.path("attacker.log"), encoding: .utf8)) ?? ""
            try #require(numbers.count == 4, "the attacker did not report: \(attackerLog)")
            #expect(numbers[1] > 30 && numbers[2] == 1, "forgeries sent \(numbers[1]), replay captured \(numbers[2])")
            #expect(numbers[3] > 5, "forged NACKs sent: \(numbers[3])")
            #expect(numbers[0] == 0, "\(numbers[0]) datagrams reached the address the forged requests came from")

            // 2. After two quiet minutes (four times the carrier's mapping lifetime), the next bulletin still arrives.
            Thread.sleep(forTimeInterval: 125)
            try bulletin("a bulletin after two idle minutes")

            // 3. With 10 % of the carrier's packets lost at random, both ways: the box asks for what it lacks
            // (NACKs, through the same path) and the controller sends it again; most losses are repaired in time.
            #expect(net.lose(10))
            try bulletin("a bulletin through 10 % random loss")
            let repairs = try harness.apiText("/metrics").split(separator: "\n")
                .first { $0.hasPrefix("loa_unicast_repairs_sent ") }.flatMap { Double($0.split(separator: " ")[1]) }
            // The box's next heartbeat reports it (point 6): `loa receivers show` has the counts.
            let shown = try harness.waitFor("the box to report its repairs", timeout: 40) { () -> String? in
                let out = try harness.loa(["receivers", "show", id]).out
                return out.contains("loss repair: missed") && !out.contains("repaired 0,") ? out : nil
            }
            #expect(shown.contains("given up"), "\(shown)")
            let perBox = try harness.apiText("/metrics")
            for name in ["loa_receiver_packets_repaired", "loa_receiver_packets_late", "loa_receiver_jitter_frames"] {
                #expect(perBox.contains(name + "{receiver="), "\(name) in \(perBox)")
            }
            #expect(
                try harness.apiText("/metrics").split(separator: "\n")
                    .first { $0.hasPrefix("loa_unicast_copies_repeated ") }
                    .flatMap { Double($0.split(separator: " ")[1]) }.map { $0 > 100 } == true)
            harness.stop(receiver)
            harness.stop(autoBox)
            let log = (try? String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)) ?? ""
            let counts = Self.fields(log, "loss repair:")
            let missed = counts["missed"] ?? 0
            let repaired = counts["repaired"] ?? 0
            #expect(missed > 5 && repaired * 4 >= missed * 3, "\(counts): \(log)")
            #expect(
                (repairs ?? 0) >= Double(repaired), "controller's repairs: \(String(describing: repairs)); \(counts)")
            // The repeated copies reached the auto box: a copy of a packet it had is refused by the replay window
            // (never played twice: its bulletins above correlate with the source), a copy of one it lost fills the
            // gap, so through the same 10 % loss it misses far fewer than the box without redundancy.
            let autoLog = (try? String(contentsOfFile: harness.path("auto.log"), encoding: .utf8)) ?? ""
            let autoCounts = Self.fields(autoLog, "refused packets:").merging(Self.fields(autoLog, "loss repair:")) {
                $1
            }
            #expect((autoCounts["replayed"] ?? 0) > 100, "\(autoLog)")
            #expect((autoCounts["missed"] ?? 0) < missed, "auto box: \(autoCounts), the other box missed \(missed)")
        }
    }
}
