import Foundation
import LoaController
import LoaCrypto
import LoaSource
import LoaSystem
import LoaWire

/// Figure 13 (issue 14): how many unicast boxes one controller serves from its cores with pacing p99 ≤ 1 ms and
/// every box's copy sent. The real `Pacer` (one thread per core, sealing on) sends a clip on `zones` zones, each
/// packet to its group (TTL 0 on 127.0.0.1) and, through the real `UnicastDelivery` (`sendmmsg` from one socket,
/// as the heartbeat socket does), to each of the zone's boxes. The boxes are put on the rosters as the heartbeat
/// listener puts them (`UnicastDelivery.heard`, an approved box's request); their addresses, 10.213.0.0/16, are
/// routed through a veth pair into a network namespace this benchmark makes (root), where the first netfilter hook
/// drops them: the cost measured is the controller's to the wire (and the peer's drop, on the same cores), and the
/// interface's own counters say what left. The deviation of a packet is taken when its last box's copy has gone
/// (`Pacer.SendObserver`).
enum UnicastScale {
    static let namespace = "loabench12"
    static let interface = "loab12h"
    static let port: UInt16 = 5500

    struct Step {
        var boxes: Int
        var pacing: Pacing.Result
        /// Copies `UnicastDelivery` sent, copies the caps skipped, and copies it should have sent (every packet of a
        /// zone to each of its boxes).
        var sent: Int
        var capped: Int
        var expected: Int
        /// What the veth interface counted leaving.
        var wirePackets: Int
        var wireBytes: Int
        var seconds: Double

        var everyCopy: Bool { capped == 0 && sent == expected && wirePackets >= sent }
        /// Bits a second to one box, and to all of them, as the interface counts its frames (Ethernet, IP and UDP
        /// headers included).
        var perBoxKbps: Double { wirePackets > 0 ? Double(wireBytes) * 8 / seconds / Double(boxes) / 1000 : 0 }
        var totalMbps: Double { perBoxKbps * Double(boxes) / 1000 }
    }

    static func measure(clip: EncodedClip, counts: [Int], zones: Int, seconds: Double, report: Report) {
        guard makeInterface() else {
            report.note("figure 13: cannot make the namespace and its veth pair (needs root, 'ip' and 'iptables')")
            return
        }
        defer { _ = shell("ip netns delete " + namespace) }
        var best: Step?
        var firstMiss: Step?
        for boxes in counts {
            guard let step = run(clip: clip, boxes: boxes, zones: zones, seconds: seconds) else {
                report.note("figure 13: cannot open the streams for " + String(boxes) + " boxes")
                break
            }
            print(
                "    " + String(boxes) + " unicast boxes on " + String(zones) + " zones: "
                    + Pacing.describe(step.pacing)
                    + "; copies sent " + String(step.sent) + " of " + String(step.expected) + ", capped "
                    + String(step.capped) + ", on the wire " + String(step.wirePackets) + "; "
                    + fixed(step.perBoxKbps, 1) + " kbit/s a box, " + fixed(step.totalMbps, 1) + " Mbit/s in all")
            fflush(nil)
            if step.pacing.deviation.p99 <= 1_000_000 && step.everyCopy {
                best = step
            } else {
                firstMiss = step
                break
            }
        }
        var text =
            best.map { step in
                "**" + String(step.boxes) + "** boxes (p99 " + formatDuration(step.pacing.deviation.p99) + ", "
                    + step.pacing.threadLoad + "; every copy sent; " + fixed(step.perBoxKbps, 1) + " kbit/s a box, "
                    + fixed(step.totalMbps, 1) + " Mbit/s in all; " + fixed(step.pacing.allocationsPerPacket, 3)
                    + " alloc/packet)"
            } ?? "none"
        if let miss = firstMiss {
            text +=
                "; at " + String(miss.boxes) + ": p99 " + formatDuration(miss.pacing.deviation.p99) + ", "
                + miss.pacing.threadLoad + (miss.everyCopy ? "" : ", copies missing")
        } else {
            text += " (largest tried)"
        }
        report.add(
            "13",
            "unicast boxes one controller serves (issue 14): " + String(zones)
                + " zones each sending to its boxes, the real Pacer on one thread per core, sealed, `sendmmsg` "
                + "through a veth pair (" + fixed(seconds, 0) + " s per step)",
            text, goal: "≥ 1,000")
    }

    /// One step: `boxes` boxes spread evenly over `zones` zones.
    static func run(clip: EncodedClip, boxes: Int, zones: Int, seconds: Double) -> Step? {
        let names = (0..<zones).map { "u" + String($0) }
        // Caps out of the way (the defaults, 100 Mbit/s and 2000 boxes, are a commune's; this finds the machine's).
        let delivery = UnicastDelivery(
            zones: names,
            limits: UnicastLimits(
                boxBytesPerSecond: 1_000_000, totalBytesPerSecond: 1 << 40, maximumBoxes: max(boxes, 1)))
        guard let socket = try? UDPSocket() else { return nil }
        delivery.attach(socket)
        defer { delivery.attach(nil) }
        let now = MonotonicClock.now()
        for index in 0..<boxes {
            var beat = Heartbeat(receiver: ReceiverID(UInt64(index + 1)), epoch: 1, sequence: 1, version: "bench")
            beat.intervalMilliseconds = 3_600_000
            beat.delivery = .unicast
            beat.wantsUnicast = true
            // 10.213.0.2 onwards.
            let address = IPv4Address(0x0AD5_0000 + UInt32(index + 2))
            delivery.heard(
                beat, zone: names[index % zones], from: SocketAddress(address: address, port: port), now: now)
        }
        guard delivery.counts.boxes == boxes else { return nil }
        let length = min(seconds, Double(clip.durationMilliseconds) / 1000 - 1.5)
        let from = MonotonicClock.now() + 500_000_000
        let threads = Pacing.threadCount(nil, zones: zones)
        let recorder = PacerRecorder(
            zones: zones, threads: threads, measureFrom: from, measureUntil: from + UInt64(length * 1e9))
        let zoneList = names.enumerated().map { index, name in
            Zone(
                name: name, group: BenchNetwork.group(200 + index, port: 5412), interface: BenchNetwork.interface,
                ttl: 0)
        }
        guard
            let pacer = try? Pacer(
                zones: zoneList, signingKey: SigningKeyPair.generate(), unicast: delivery, observer: recorder.observer)
        else { return nil }
        let (packetsBefore, bytesBefore) = wireCounters()
        let started = MonotonicClock.now()
        pacer.start()
        for (index, zone) in zoneList.enumerated() {
            pacer.play(ReadyItem(id: Int64(index + 1), clip: clip), zone: zone.name)
        }
        MonotonicClock.sleep(until: recorder.measureUntil + 20_000_000)
        let realTime = pacer.isRealTime
        pacer.shutdown()
        let elapsed = Double(MonotonicClock.now() - started) / 1e9
        let (packetsAfter, bytesAfter) = wireCounters()
        let counts = delivery.counts
        let perZone = (0..<zones).map { zone in (boxes / zones) + (zone < boxes % zones ? 1 : 0) }
        let expected = zoneList.enumerated().reduce(0) {
            $0 + pacer.packetsSent(zone: $1.element.name) * perZone[$1.offset]
        }
        return Step(
            boxes: boxes,
            pacing: Pacing.Result(recorder, realTime: realTime),
            sent: counts.sent, capped: counts.capped, expected: expected, wirePackets: packetsAfter - packetsBefore,
            wireBytes: bytesAfter - bytesBefore, seconds: elapsed)
    }

    /// Makes the namespace whose veth peer takes the boxes' copies (10.213.0.0/16, routed to it) and drops them,
    /// after removing one left behind.
    static func makeInterface() -> Bool {
        _ = shell("ip netns delete " + namespace + " 2>/dev/null")
        return shell(
            "set -e; ip netns add " + namespace + "; ip link add " + interface + " type veth peer name loab12n netns "
                + namespace + "; ip addr add 10.212.0.1/30 dev " + interface + "; ip link set " + interface
                + " up; ip -n " + namespace + " addr add 10.212.0.2/30 dev loab12n; ip -n " + namespace
                + " link set loab12n up; ip route add 10.213.0.0/16 via 10.212.0.2; ip netns exec " + namespace
                + " iptables -t raw -A PREROUTING -j DROP") == 0
    }

    /// Packets and bytes (whole frames) the veth interface sent.
    static func wireCounters() -> (Int, Int) {
        func read(_ name: String) -> Int {
            let path = "/sys/class/net/" + interface + "/statistics/" + name
            return (try? String(contentsOfFile: path, encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        }
        return (read("tx_packets"), read("tx_bytes"))
    }

    static func shell(_ command: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
