import Foundation
import LoaTestSupport
import LoaWire
import Testing

/// The fleet as an operator sees it, with real processes: heartbeats moved off the API's port by
/// `fleet: heartbeats:` and `--heartbeat-to`, a playing box's heartbeat in `loa receivers show --json`,
/// `/metrics` after an item played, and the `loa receivers` table for boxes whose counters are known.
extension RealProcesses {
    @Suite("Fleet detail")
    struct FleetDetailTests {
        @Test func aMovedHeartbeatAddressAndAPlayingBoxInDetailAndMetrics() throws {
            let harness = try Harness(groupOctet: 43)
            let heartbeats = "127.0.0.1:\(harness.port + 1)"
            try """
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
            fleet:
              heartbeats: \(heartbeats)
            """.write(toFile: harness.path("moved.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("moved.yaml"))
            #expect((try harness.api("/fleet") as? [String: String])?["heartbeats"] == "udp://" + heartbeats)

            // The box names the API's address as its controller and sends its heartbeats to the moved one:
            // nothing listens for UDP on the API's port, so it is seen only if both settings work.
            try FleetTests.startReceiver(harness, name: "box", arguments: ["--heartbeat-to", heartbeats])
            let id = try harness.waitFor("the box to appear", timeout: 30) { () -> String? in
                try FleetTests.receivers(harness).first?["id"] as? String
            }
            _ = try harness.waitFor("the pending alert in the controller's log", timeout: 10) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)) ?? ""
                return log.contains("alert: pending receiver \(id)") ? true : nil
            }
            #expect(try harness.loa(["receivers", "approve", id, "--name", "truong-hoc"]).status == 0)
            try FleetTests.waitForState(harness, id, "online")

            // Playing: the detail view has the heartbeat's counters, and the stream id is the stream's SSRC.
            let recorder = PacketRecorder(group: harness.group, port: harness.port)
            let queued = try harness.loa(["queue", try harness.sweep("sweep.wav", seconds: 6), "--zone", "all"])
            let item = try #require(Int(queued.out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(queued.err)")
            let beat = try harness.waitFor("a heartbeat while playing", timeout: 30) { () -> [String: Any]? in
                let shown = try harness.loa(["receivers", "show", id, "--json"])
                let detail = try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any]
                let beat = detail?["heartbeat"] as? [String: Any]
                return beat?["playing"] as? Bool == true && beat?["received"] as? Int ?? 0 > 0 ? beat : nil
            }
            try harness.waitUntilIdle()
            let packets = recorder.stop()
            let keys = [
                "epoch", "sequence", "uptimeSeconds", "muted", "volume", "jitterFrames", "lost", "late",
                "recoveredByFEC", "concealed", "rejected", "underruns",
            ]
            for key in keys { #expect(beat[key] is Int || beat[key] is Bool, "\(key) in \(beat)") }
            #expect(beat["intervalMs"] as? Int == 1000)
            #expect(beat["version"] as? String == "0.5.0")
            #expect(beat["zones"] as? [String] == ["all"])
            let ssrc = try #require(packets.first.map { $0[8..<12].reduce(0) { $0 << 8 | Int($1) } })
            #expect(beat["streamId"] as? Int == ssrc, "the stream id is the SSRC of what plays")
            if let text = try? String(contentsOfFile: "/sys/class/thermal/thermal_zone0/temp", encoding: .utf8),
                let milli = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                #expect(abs((beat["temperatureC"] as? Double ?? -999) - milli / 1000) < 5)
            } else {
                #expect(beat["temperatureC"] == nil, "this machine has no thermal zone: no temperature")
            }

            // After the item: items played, the zone's packets (one per 20 ms frame), receivers by state.
            let duration = try #require((try harness.api("/items/\(item)") as? [String: Any])?["durationMs"] as? Int)
            let metrics = try Self.metrics(harness)
            #expect(metrics["loa_items_played_total"] == 1)
            #expect(metrics["loa_zone_packets_sent_total{zone=\"all\"}"] == Double(duration / 20))
            #expect(metrics["loa_receivers{state=\"online\"}"] == 1)
            for state in ["pending", "offline", "muted"] { #expect(metrics["loa_receivers{state=\"\(state)\"}"] == 0) }
        }

        @Test func theReceiversTableShowsEachColumnOfAKnownBox() throws {
            let harness = try Harness(groupOctet: 44)
            try harness.startController()
            let port = Int(harness.heartbeatAddress.split(separator: ":").last!)!

            // Two boxes of the fleet protocol: one approved whose counters we choose, one left pending.
            let known = try SimulatedReceiver(controllerPort: port)
            let pending = try SimulatedReceiver(controllerPort: port)
            known.send(known.bytes(.enrolment(known.heartbeat(), publicKey: known.keys.publicKey)))
            pending.send(pending.bytes(.enrolment(pending.heartbeat(), publicKey: pending.keys.publicKey)))
            _ = try harness.waitFor("both boxes", timeout: 10) {
                try FleetTests.receivers(harness).count == 2 ? true : nil
            }
            #expect(
                try harness.loa(["receivers", "approve", known.id.text, "--name", "cho-xa", "--zone", "all"]).status
                    == 0)
            _ = try harness.waitFor("the welcome", timeout: 10) { () -> Bool? in
                known.poll()
                return known.key != nil ? true : nil
            }
            var beat = known.heartbeat()
            beat.received = 900
            beat.lost = 100
            beat.underruns = 7
            known.send(known.bytes(.heartbeat(beat)))
            _ = try harness.waitFor("its heartbeat", timeout: 10) { () -> Bool? in
                try FleetTests.receivers(harness).contains { $0["underruns"] as? Int == 7 } ? true : nil
            }

            let table = try harness.loa(["receivers"])
            #expect(table.status == 0, "\(table.err)")
            let rows = Self.columns(table.out)
            #expect(rows.count == 2, "\(table.out)")
            let row = try #require(rows.first { $0["ID"] == known.id.text }, "\(table.out)")
            #expect(row["NAME"] == "cho-xa")
            #expect(row["ZONE"] == "all")
            #expect(row["STATE"] == "online")
            #expect(row["SOUND"] == "ok")
            #expect(row["SYNC"] == "-", "a box that sends no sync report: \(row)")
            #expect(row["DELIVERY"] == "-", "a box that does not say its delivery: \(row)")
            #expect(row["LAST SEEN"]?.wholeMatch(of: /[0-9]+ s ago/) != nil, "\(row)")
            #expect(row["LOSS"] == "10.0%")
            #expect(row["UNDERRUNS"] == "7")
            #expect(row["VERSION"] == "sim")
            let other = try #require(rows.first { $0["ID"] == pending.id.text }, "\(table.out)")
            #expect(other["NAME"] == "box-" + pending.id.text.prefix(6))
            #expect(other["ZONE"] == "-")
            #expect(other["STATE"] == "pending")
            #expect(other["LOSS"] == "0.0%")
            #expect(other["UNDERRUNS"] == "0")
        }

        /// The rows of `loa receivers`, each as header → value (columns found where the header's titles begin).
        static func columns(_ text: String) -> [[String: String]] {
            let lines = text.split(separator: "\n").map(String.init)
            guard let header = lines.first else { return [] }
            let titles = [
                "NAME", "ID", "ZONE", "STATE", "SOUND", "SYNC", "DELIVERY", "LAST SEEN", "LOSS", "UNDERRUNS", "VERSION",
            ]
            var starts: [Int] = []
            var from = header.startIndex
            for title in titles {
                guard let range = header.range(of: title, range: from..<header.endIndex) else { return [] }
                starts.append(header.distance(from: header.startIndex, to: range.lowerBound))
                from = range.upperBound
            }
            return lines.dropFirst().map { line in
                let characters = Array(line)
                var row: [String: String] = [:]
                for (index, title) in titles.enumerated() {
                    let start = min(starts[index], characters.count)
                    let end = index + 1 < starts.count ? min(starts[index + 1], characters.count) : characters.count
                    row[title] = String(characters[start..<end]).trimmingCharacters(in: .whitespaces)
                }
                return row
            }
        }

        /// Every sample line of `/metrics` as "name{labels}" → value.
        static func metrics(_ harness: Harness) throws -> [String: Double] {
            var result: [String: Double] = [:]
            for line in try harness.apiText("/metrics").split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                if parts.count == 2, let value = Double(parts[1]) { result[String(parts[0])] = value }
            }
            return result
        }
    }
}
