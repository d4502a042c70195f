import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 14's speech quality against loss (a benchmark: it asserts nothing about quality and runs only when asked,
    /// `LOA_BENCH_LOSS=N swift test --filter LossBenchmark` as root, N runs of every condition; with
    /// `LOA_BINARIES=$PWD/.build/release` it runs the release build; the README's Performance section gives the
    /// figures, `docs/performance.md` how they are made).
    ///
    /// Through a real NAT (`Carrier`), four listeners hear every bulletin at once, side by side, in the box namespace:
    /// - three `loa-receiver` boxes set to `--delivery unicast`: one with loss repair as shipped (NACK), one with repair
    ///   off (the carrier drops that box's NACKs, RTCP PT 205, by an `iptables -m u32` rule on its port: the box
    ///   itself is unchanged), and one with repair and `--redundancy 2`;
    /// - `ffmpeg` receiving the same stream from the zone's SDP: a relay in the controller's namespace copies the
    ///   zone's multicast packets to whoever punched a hole to it, and a forwarder in the box namespace punches that
    ///   hole (twice a second) and hands what comes back to `ffmpeg` on the namespace's loopback. Those packets cross
    ///   the same carrier, the same NAT and the same loss as the boxes'.
    ///
    /// Conditions, one after another, each for one whole bulletin (espeak-ng's Vietnamese, 27 s): 0, 5, 10, 20 and 30 %
    /// random loss both ways (`iptables -m statistic --mode random`, every packet the carrier forwards) and 5 % loss
    /// in bursts of 5 packets: every 2 s, at a random instant within it, the carrier drops everything to or from the
    /// box address for 100 ms (5 frames of 20 ms), both ways and every listener alike (an `iptables -m recent` list
    /// that a script in the carrier fills and empties through `/proc/net/xt_recent`); then 10, 20 and 30 % random loss
    /// with the bulletin held ahead (issue 15): queued for the next minute, fetched by every box on the clean link,
    /// the loss switched on before it airs, each box playing its own copy. What each listener wrote is
    /// scored against the source by `scripts/speech-quality` (PESQ-WB and STOI, after alignment by
    /// cross-correlation, at 16 kHz). The carrier counts, per listener, the audio packets and bytes sent towards it
    /// before the loss and delivered after it, and the NACKs each box sent: the repair's overhead is what the box
    /// with repair was sent beyond what the box without was, its NACKs included, over the latter.
    @Suite("Loss benchmark")
    struct LossBenchmark {
        static let runs = ProcessInfo.processInfo.environment["LOA_BENCH_LOSS"].flatMap { Int($0) }
        /// `LOA_BENCH_LOSS_CONDITIONS="30 %,held"`: only the conditions whose names contain one of these parts.
        static let chosen: [(name: String, loss: Loss, ahead: Bool)] = {
            guard let parts = ProcessInfo.processInfo.environment["LOA_BENCH_LOSS_CONDITIONS"]?.split(separator: ",")
            else { return conditions }
            return conditions.filter { condition in parts.contains { condition.name.contains($0) } }
        }()
        static let scorer = repositoryRoot.appendingPathComponent("scripts/speech-quality").path
        /// Whether the scorer's Python has its packages (asked only when the benchmark is asked for).
        static let scorerReady: Bool = {
            guard runs != nil else { return false }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", "import numpy, scipy, pesq, pystoi"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }()

        /// In the controller's namespace: joins the zone's group on the controller's link and sends every packet
        /// heard there to the address and port of the last datagram that came to `listen`.
        static let relay = #"""
            import select, signal, socket, sys
            group, port, interface, listen = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
            m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            m.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            m.bind((group, port))
            m.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(interface))
            p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            p.bind((interface, listen))
            target = None
            while True:
                readable = select.select([m, p], [], [])[0]
                if p in readable:
                    target = p.recvfrom(64)[1]
                if m in readable:
                    data = m.recv(4096)
                    if target:
                        p.sendto(data, target)
            """#

        /// In the box's namespace: punches a hole to the relay twice a second from port `local` and hands what comes
        /// back to port `ffmpeg` on loopback.
        static let forwarder = #"""
            import select, signal, socket, sys, time
            relay, port, local, ffmpeg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", local))
            out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            due = 0
            while True:
                if time.monotonic() >= due:
                    s.sendto(b"punch", (relay, port))
                    due = time.monotonic() + 0.5
                if select.select([s], [], [], 0.1)[0]:
                    out.sendto(s.recv(4096), ("127.0.0.1", ffmpeg))
            """#

        /// In the carrier: every `period` seconds, at a random instant within it, puts `address` on the `iptables -m
        /// recent` list `loa-burst` for `length` seconds (the carrier drops everything to or from it meanwhile); on
        /// SIGTERM takes it off and writes how many bursts it made to `out`.
        static let bursts = #"""
            import random, signal, sys, time
            address, out, period, length = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
            running = [True]
            signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
            def write(line):  # the list takes one line per open file (no seeking on)
                with open("/proc/net/xt_recent/loa-burst", "w") as table:
                    table.write(line)
            def until(t):
                while running[0]:
                    left = t - time.monotonic()
                    if left <= 0:
                        return True
                    time.sleep(min(left, 0.05))
                return False
            start, count = time.monotonic(), 0
            while running[0]:
                at = start + random.uniform(0, period - length)
                if not until(at):
                    break
                write("+%s\n" % address)
                until(at + length)
                write("-%s\n" % address)
                count += 1
                start += period
            with open(out, "w") as f:
                f.write(str(count))
            """#

        /// Runs the program `argv[1]` with SIGINT and SIGTERM unblocked (the test process blocks them, and a
        /// child inherits its mask: ffmpeg would never see them).
        static let unblocked = #"""
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT, signal.SIGTERM])
            os.execv(sys.argv[1], sys.argv[1:])
            """#

        enum Loss {
            case random(Int)
            /// 5 % in bursts of 5 packets: 100 ms of every 2 s.
            case bursts
        }

        /// What the carrier counted for one listener in one bulletin.
        struct Traffic {
            var packetsIn = 0
            var bytesIn = 0
            var packetsOut = 0
            var nackBytes = 0
        }

        /// `ahead`: the bulletin is queued for the next minute, every box fetches it ahead (before the loss is
        /// switched on) and plays it from its copy (issue 15); ffmpeg hears the stream as ever.
        static let conditions: [(name: String, loss: Loss, ahead: Bool)] = [
            ("0 %", .random(0), false), ("5 % random", .random(5), false), ("10 % random", .random(10), false),
            ("20 % random", .random(20), false), ("30 % random", .random(30), false),
            ("5 % in bursts of 5", .bursts, false), ("10 % random, held ahead", .random(10), true),
            ("20 % random, held ahead", .random(20), true), ("30 % random, held ahead", .random(30), true),
        ]
        static let listeners = ["Loa, repair on", "Loa, repair off", "Loa, repair + redundancy 2", "ffmpeg"]
        /// The forwarder's port in the box namespace, ffmpeg's there, and the relay's in the controller's.
        static let forwarderPort = 47_000
        static let ffmpegPort = 47_002
        static let relayPort = 47_100
        /// RTCP payload type 205 (generic NACK) at byte 1 of a UDP payload; an RTP version 2 packet.
        static let nackMatch = "-m u32 --u32 '0>>22&0x3C@8>>16&0xFF=205'"
        static let rtpMatch = "-m u32 --u32 '0>>22&0x3C@8>>30=2'"

        @Test(
            .enabled(
                if: runs != nil && SpoofedSourceFloodTests.namespacesAvailable
                    && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables"),
                "a benchmark: LOA_BENCH_LOSS=N (as root) runs it"),
            .enabled(
                if: runs == nil || scorerReady,
                "LossBenchmark scores with python3's numpy, scipy, pesq and pystoi: pip install pesq pystoi"))
        func speechQualityAgainstLoss() throws {
            let count = max(Self.runs ?? 1, 1)
            let net = Carrier(subnet: 64)
            try net.make()
            defer { net.delete() }
            let harness = try Harness(groupOctet: 64)
            try harness.startController(inNamespace: net.controller, linkAddress: net.controllerAddress)

            // The three boxes, each approved into the zone and asking for unicast.
            let names = ["on", "off", "red"]
            var boxes: [String: Process] = [:]
            var ids: [String: String] = [:]
            for name in names {
                boxes[name] = try harness.startReceiver(
                    output: harness.path(name + ".raw"), name: name, interface: net.boxAddress, namespace: net.box,
                    arguments: ["--delivery", "unicast", "--heartbeat-interval", "2", "--keepalive", "2"]
                        + (name == "red" ? ["--redundancy", "2"] : []))
                ids[name] = try harness.waitFor("the \(name) box's identity", timeout: 30) { () -> String? in
                    let log = (try? String(contentsOfFile: harness.path(name + ".log"), encoding: .utf8)) ?? ""
                    return log.split(separator: "\n").first { $0.contains("new identity: receiver ") }
                        .flatMap { $0.split(separator: " ").last.map(String.init) }
                }
            }
            defer { for box in boxes.values { harness.stop(box) } }
            for name in names {
                let id = ids[name]!
                _ = try harness.waitFor("the \(name) box to enrol", timeout: 60) { () -> Bool? in
                    try RealProcesses.FleetTests.receivers(harness).contains { $0["id"] as? String == id } ? true : nil
                }
                #expect(try harness.loa(["receivers", "approve", id, "--zone", "all"]).status == 0)
            }
            _ = try harness.waitFor("the boxes to ask for unicast", timeout: 60) { () -> Bool? in
                let rows = try RealProcesses.FleetTests.receivers(harness)
                return rows.filter { $0["unicast"] as? Bool == true }.count == names.count ? true : nil
            }
            for name in names {
                _ = try harness.waitFor("the \(name) box to learn the stream tag key", timeout: 60) { () -> Bool? in
                    let log = (try? String(contentsOfFile: harness.path(name + ".log"), encoding: .utf8)) ?? ""
                    return log.contains("stream tag key from the controller") ? true : nil
                }
            }

            // Each box's heartbeat socket (where its unicast packets arrive): its UDP port other than the group's.
            let sockets = net.shell("ip netns exec \(net.box) ss -uanpH").out
            var ports: [String: Int] = [:]
            for name in names {
                let pid = boxes[name]!.processIdentifier
                var own: [Int] = []
                for line in sockets.split(separator: "\n") where line.contains("pid=\(pid),") {
                    // State, Recv-Q, Send-Q, then the local ADDRESS:PORT.
                    let local = line.split(separator: " ").dropFirst(3).first ?? ""
                    if let port = local.split(separator: ":").last.flatMap({ Int($0) }), port != harness.port {
                        own.append(port)
                    }
                }
                try #require(own.count == 1, "the \(name) box's sockets: \(sockets)")
                ports[name] = own[0]
            }
            let flows = ["on": ports["on"]!, "off": ports["off"]!, "red": ports["red"]!, "ffmpeg": Self.forwarderPort]

            // The carrier's rules: count audio towards each listener before the loss (loa-in) and after (loa-out),
            // and each box's NACKs (loa-up); drop the NACKs of the box without repair; the loss itself in loa-loss.
            var rules = [
                "-N loa-in", "-N loa-out", "-N loa-up", "-N loa-loss",
                "-A FORWARD -o \(net.boxSide) -j loa-in", "-A FORWARD -i \(net.boxSide) -j loa-up",
                "-A FORWARD -i \(net.boxSide) -p udp --sport \(ports["off"]!) \(Self.nackMatch) -j DROP",
                "-A FORWARD -j loa-loss", "-A FORWARD -o \(net.boxSide) -j loa-out",
            ]
            for (_, port) in flows.sorted(by: { $0.key < $1.key }) {
                rules.append("-A loa-in -p udp --dport \(port) \(Self.rtpMatch)")
                rules.append("-A loa-out -p udp --dport \(port) \(Self.rtpMatch)")
                rules.append("-A loa-up -p udp --sport \(port) \(Self.nackMatch)")
            }
            for rule in rules {
                let result = net.iptables(rule)
                try #require(result.status == 0, "iptables \(rule) failed")
            }

            // ffmpeg's path: the relay, the forwarder, and an SDP for the forwarded stream on loopback.
            let relay = try harness.launch(
                "/usr/bin/env",
                [
                    "python3", "-c", Self.relay, harness.group, String(harness.port), net.controllerAddress,
                    String(Self.relayPort),
                ], stderr: harness.path("relay.log"))
            let forwarder = try harness.launch(
                "/usr/bin/env",
                [
                    "python3", "-c", Self.forwarder, net.controllerAddress, String(Self.relayPort),
                    String(Self.forwarderPort), String(Self.ffmpegPort),
                ], stderr: harness.path("forwarder.log"), namespace: net.box)
            defer {
                harness.stop(relay)
                harness.stop(forwarder)
            }
            let zoneSDP = try String(contentsOfFile: harness.path("state/sdp/all.sdp"), encoding: .utf8)
            let sdp =
                zoneSDP.split(separator: "\r\n").map { line -> String in
                    if line.hasPrefix("c=") { return "c=IN IP4 127.0.0.1" }
                    if line.hasPrefix("m=audio ") {
                        return "m=audio \(Self.ffmpegPort) "
                            + line.split(separator: " ").dropFirst(2).joined(separator: " ")
                    }
                    return String(line)
                }.joined(separator: "\r\n") + "\r\n"
            try sdp.write(toFile: harness.path("forwarded.sdp"), atomically: true, encoding: .utf8)

            let clip = try harness.speech(
                "bulletin.wav",
                "Thông báo của ủy ban nhân dân xã. Để bảo đảm an toàn cho bà con trong mùa mưa bão, từ sáng mai, thứ "
                    + "bảy, các hộ gia đình ở thôn Đông và thôn Tây cần gia cố nhà cửa, chặt tỉa cành cây gần đường "
                    + "dây điện, và chuẩn bị lương thực, nước uống, đèn pin cho ít nhất ba ngày. Trạm y tế xã tiêm "
                    + "chủng mở rộng cho trẻ em dưới năm tuổi từ bảy giờ sáng đến mười một giờ trưa. Bà con có việc "
                    + "cần hỗ trợ xin liên hệ trưởng thôn hoặc gọi số điện thoại của ủy ban. Xin cảm ơn bà con đã "
                    + "lắng nghe.")
            _ = try AudioComparison.reference(clip)
            let source = clip + ".ref.raw"

            /// The carrier's counters of `chain` by port (packets, bytes), then zeroed.
            func counters(_ chain: String) -> [Int: (packets: Int, bytes: Int)] {
                var found: [Int: (packets: Int, bytes: Int)] = [:]
                for line in net.iptables("-nvxL \(chain) -Z").out.split(separator: "\n") {
                    let fields = line.split(separator: " ")
                    guard fields.count > 2, let packets = Int(fields[0]), let bytes = Int(fields[1]),
                        let port = fields.first(where: { $0.hasPrefix("dpt:") || $0.hasPrefix("spt:") })
                            .flatMap({ Int($0.dropFirst(4)) })
                    else { continue }
                    found[port] = (packets, bytes)
                }
                return found
            }
            /// A box's loss-repair counts, as its last heartbeat reported them.
            func repairCounts(_ name: String) -> [String: Int] {
                guard let object = try? harness.api("/receivers/\(ids[name]!)") else { return [:] }
                var counts: [String: Int] = [:]
                func visit(_ value: Any) {
                    if let dictionary = value as? [String: Any] {
                        for (key, inner) in dictionary {
                            if key.hasPrefix("repair"), let number = inner as? Int { counts[key] = number }
                            visit(inner)
                        }
                    } else if let array = value as? [Any] {
                        for inner in array { visit(inner) }
                    }
                }
                visit(object)
                return counts
            }

            // Every condition in turn, `count` times over (interleaved, so that the host's load falls on all alike).
            var scores: [String: [String: [(pesq: Double, stoi: Double)]]] = [:]
            var traffic: [String: [String: [Traffic]]] = [:]
            var repairs: [String: [String: [String: Int]]] = [:]
            var lines: [String] = []
            for run in 1...count {
                for (number, condition) in Self.chosen.enumerated() {
                    _ = counters("loa-in")
                    _ = counters("loa-out")
                    _ = counters("loa-up")
                    let before = Dictionary(uniqueKeysWithValues: names.map { ($0, repairCounts($0)) })
                    if condition.ahead {
                        // Queued for the next minute at least 40 s away: every box fetches it on a clean link.
                        let (item, _) = try ClipDeliveryTests.queue(clip, atNextMinuteAfter: 40, harness)
                        for name in names {
                            _ = try harness.waitFor("the \(name) box to hold the bulletin", timeout: 100) {
                                () -> Bool? in
                                try ClipDeliveryTests.percent(harness, ids[name]!, item) == 100 ? true : nil
                            }
                        }
                    }
                    var toggler: Process?
                    switch condition.loss {
                    case .random(let percent):
                        if percent > 0 { try #require(net.lose(percent, chain: "loa-loss")) }
                    case .bursts:
                        for side in ["--rdest", "--rsource"] {
                            try #require(
                                net.iptables("-A loa-loss -m recent --name loa-burst \(side) --rcheck -j DROP").status
                                    == 0)
                        }
                        toggler = try harness.launch(
                            "/usr/bin/env",
                            [
                                "python3", "-c", Self.bursts, net.boxAddress, harness.path("bursts.count"), "2.0",
                                "0.1",
                            ], stderr: harness.path("bursts.log"), namespace: net.carrier)
                    }
                    let heard = harness.path("ffmpeg-\(run)-\(number).raw")
                    // Through `unblocked`, so that it sees SIGINT and ends its output.
                    let ffmpeg = try harness.launch(
                        "/usr/bin/env",
                        [
                            "python3", "-c", Self.unblocked, "/usr/bin/ffmpeg", "-nostdin", "-loglevel", "error", "-y",
                            "-protocol_whitelist", "file,udp,rtp", "-i",
                            harness.path("forwarded.sdp"), "-ac", "1", "-ar", "48000", "-f", "s16le",
                            "-flush_packets", "1", heard,
                        ], stderr: harness.path("ffmpeg.log"), namespace: net.box)
                    Thread.sleep(forTimeInterval: 1.5)  // ffmpeg opens its ports before the stream starts
                    let offsets = Dictionary(
                        uniqueKeysWithValues: names.map { ($0, NATDeliveryTests.size(harness.path($0 + ".raw"))) })
                    if condition.ahead { try harness.waitUntilIdle() } else { try harness.queueAndWait([clip]) }
                    Thread.sleep(forTimeInterval: 1)  // ffmpeg's reordering queue lets go of the last packets
                    harness.stop(ffmpeg, signal: SIGINT)
                    if let toggler { harness.stop(toggler) }
                    let into = counters("loa-in")
                    let out = counters("loa-out")
                    let up = counters("loa-up")
                    _ = net.iptables("-F loa-loss")
                    // The boxes' next heartbeats (every 2 s) bring their counts.
                    Thread.sleep(forTimeInterval: 2.5)
                    var files: [String] = []
                    for name in names {
                        let all = try Data(contentsOf: URL(fileURLWithPath: harness.path(name + ".raw")))
                        let file = harness.path("\(name)-\(run)-\(number).raw")
                        try all.subdata(in: min(offsets[name]!, all.count)..<all.count).write(
                            to: URL(fileURLWithPath: file))
                        files.append(file)
                    }
                    files.append(heard)
                    let scored = try harness.run("/usr/bin/env", ["python3", Self.scorer, source] + files)
                    let results = scored.out.split(separator: "\n").map { $0.split(separator: " ") }
                    try #require(results.count == files.count, "the scorer: \(scored.err)")
                    var row = "run \(run), \(condition.name):"
                    if toggler != nil {
                        let made = (try? String(contentsOfFile: harness.path("bursts.count"), encoding: .utf8)) ?? "?"
                        row += " \(made) bursts;"
                    }
                    for (index, listener) in Self.listeners.enumerated() {
                        let pesq = Double(results[index][0]) ?? .nan
                        let stoi = Double(results[index][1]) ?? .nan
                        scores[condition.name, default: [:]][listener, default: []].append((pesq, stoi))
                        let flow = flows[["on", "off", "red", "ffmpeg"][index]]!
                        let counted = Traffic(
                            packetsIn: into[flow]?.packets ?? 0, bytesIn: into[flow]?.bytes ?? 0,
                            packetsOut: out[flow]?.packets ?? 0, nackBytes: up[flow]?.bytes ?? 0)
                        traffic[condition.name, default: [:]][listener, default: []].append(counted)
                        row += String(
                            format: " %@ PESQ-WB %.2f STOI %.3f (in %d, out %d);", listener, pesq, stoi,
                            counted.packetsIn, counted.packetsOut)
                        if index < names.count {
                            let after = repairCounts(names[index])
                            var delta: [String: Int] = [:]
                            for (key, value) in after { delta[key] = value - (before[names[index]]?[key] ?? 0) }
                            for (key, value) in delta {
                                repairs[condition.name, default: [:]][listener, default: [:]][key, default: 0] += value
                            }
                        }
                    }
                    print("loss benchmark: " + row)
                    lines.append(row)
                    #expect(results.allSatisfy { $0.count == 4 }, "\(scored.out)")
                }
            }

            // The table: medians over the runs.
            func median(_ values: [Double]) -> Double {
                let sorted = values.filter { !$0.isNaN }.sorted()
                return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
            }
            var table = [
                "| condition (carrier) | audio lost on the link | " + Self.listeners.joined(separator: " | ")
                    + " | repair overhead (repair on; + redundancy 2) | repair on: missed / repaired / given up |",
                "|---|---|" + String(repeating: "---|", count: Self.listeners.count) + "---|---|",
            ]
            for condition in Self.chosen {
                let name = condition.name
                var cells = ["\(name)"]
                let plain = traffic[name]?["Loa, repair off"] ?? []
                let lost = median(
                    plain.map { $0.packetsIn > 0 ? Double($0.packetsIn - $0.packetsOut) / Double($0.packetsIn) : .nan })
                cells.append(String(format: "%.1f %%", 100 * lost))
                for listener in Self.listeners {
                    let runs = scores[name]?[listener] ?? []
                    cells.append(String(format: "%.2f / %.3f", median(runs.map(\.pesq)), median(runs.map(\.stoi))))
                }
                func overhead(_ listener: String) -> Double {
                    let with = traffic[name]?[listener] ?? []
                    return median(
                        zip(with, plain).map { with, without in
                            without.bytesIn > 0
                                ? Double(with.bytesIn + with.nackBytes - without.bytesIn) / Double(without.bytesIn)
                                : .nan
                        })
                }
                cells.append(
                    String(
                        format: "%.1f %%; %.1f %%", 100 * overhead("Loa, repair on"),
                        100 * overhead("Loa, repair + redundancy 2")))
                let counts = repairs[name]?["Loa, repair on"] ?? [:]
                cells.append(
                    "\(counts["repairMissed"] ?? 0) / \(counts["repairRepaired"] ?? 0) / "
                        + "\(counts["repairAbandoned"] ?? 0)")
                table.append("| " + cells.joined(separator: " | ") + " |")
            }
            let report =
                "PESQ-WB / STOI, medians of \(count) run(s); repair counts summed over the runs\n"
                + table.joined(separator: "\n") + "\n\n" + lines.joined(separator: "\n")
            print("loss benchmark:\n" + report)
            try report.write(toFile: harness.path("loss.txt"), atomically: true, encoding: .utf8)
            try? FileManager.default.createDirectory(atPath: ".build/bench", withIntermediateDirectories: true)
            try? report.write(toFile: ".build/bench/loss.txt", atomically: true, encoding: .utf8)
        }
    }
}
