import Foundation
import LoaTestSupport
import LoaWire
import Testing

/// The fleet with real processes: enrolment, heartbeats, offline and back, alerts, restarts, remote control,
/// and hostile datagrams at the heartbeat port.
extension RealProcesses {
    @Suite("Fleet")
    struct FleetTests {
        /// Starts the controller with zone `all` on the harness's group and the fleet settings for tests:
        /// alerts appended to a file, quick command retries.
        static func startController(_ harness: Harness) throws {
            // A webhook receiver of our own on this host: appends each POSTed body as one line.
            let webhookPort = harness.port + 1
            let server = """
                import http.server, signal, sys
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})  # the test's mask is inherited
                class Hook(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                        with open(sys.argv[2], 'ab') as f: f.write(self.path.encode() + b' ' + body.replace(b'\\n', b' ') + b'\\n')
                        self.send_response(200); self.end_headers()
                    def log_message(self, *args): pass
                http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Hook).serve_forever()
                """
            _ = try harness.launch(
                "/usr/bin/python3", ["-c", server, String(webhookPort), harness.path("webhook.jsonl")],
                stderr: harness.path("webhook.log"))
            try """
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
            fleet:
              alert-command: cat >> \(harness.path("alerts.jsonl")); echo >> \(harness.path("alerts.jsonl"))
              alert-webhook: http://127.0.0.1:\(harness.port + 1)/alerts
              command-attempts: 3
              command-retry-ms: 300
            """.write(toFile: harness.path("fleet.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("fleet.yaml"))
        }

        /// Starts a real receiver that heartbeats to the harness's controller every second; `arguments` are
        /// added to its command line (they may override the controller's address), `environment` to its
        /// environment (e.g. libfaketime's).
        @discardableResult
        static func startReceiver(
            _ harness: Harness, name: String, zone: String = "all", arguments: [String] = [],
            environment: [String: String] = [:]
        ) throws -> Process {
            let home = harness.path(name)
            try FileManager.default.createDirectory(atPath: home + "/state", withIntermediateDirectories: true)
            try """
            pcm.loatest { type file slave.pcm "null" file "\(harness.path(name + ".raw"))" format "raw" }
            """.write(toFile: home + "/.asoundrc", atomically: true, encoding: .utf8)
            let port = harness.heartbeatAddress.split(separator: ":").last!
            try harness.installTrust(stateDirectory: home + "/state")
            let log = harness.path(name + ".log")
            let process = try harness.launch(
                "loa-receiver",
                [
                    "--group", "\(harness.group):\(harness.port)", "--interface", "127.0.0.1", "--device", "loatest",
                    "--stats-interval", "0", "--zone", zone, "--controller", "127.0.0.1:\(port)", "--state-dir",
                    home + "/state", "--heartbeat-interval", "1",
                ] + arguments, stderr: log, environment: environment.merging(["HOME": home]) { $1 })
            _ = try harness.waitFor("\(name) to start heartbeats", timeout: 30) { () -> Bool? in
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return text.contains("heartbeats every") ? true : nil
            }
            return process
        }

        static func receivers(_ harness: Harness) throws -> [[String: Any]] {
            let result = try harness.loa(["receivers", "--json"])
            guard result.status == 0,
                let list = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]]
            else { throw HarnessError("loa receivers --json failed: \(result.err)") }
            return list
        }

        /// Waits until the receiver `id` is in `state`.
        static func waitForState(_ harness: Harness, _ id: String, _ state: String, timeout: Double = 30) throws {
            _ = try harness.waitFor("receiver \(id) to be \(state)", timeout: timeout) { () -> Bool? in
                try receivers(harness).contains { $0["id"] as? String == id && $0["state"] as? String == state }
                    ? true : nil
            }
        }

        static func alerts(_ harness: Harness) -> String {
            (try? String(contentsOfFile: harness.path("alerts.jsonl"), encoding: .utf8)) ?? ""
        }

        @Test func enrolmentOfflineAlertsAndRestartsKeepTheRegistry() throws {
            let harness = try Harness(groupOctet: 40)
            try Self.startController(harness)
            let receiver = try Self.startReceiver(harness, name: "box")

            // An unknown box appears as pending, and nothing it says is acted on yet.
            let id = try harness.waitFor("the box to appear", timeout: 30) { () -> String? in
                try Self.receivers(harness).first { $0["state"] as? String == "pending" }?["id"] as? String
            }
            _ = try harness.waitFor("the pending alert", timeout: 10) {
                Self.alerts(harness).contains("\"kind\":\"pending\"") && Self.alerts(harness).contains(id) ? true : nil
            }
            let listed = try Self.receivers(harness)[0]
            for key in ["id", "name", "state", "lastSeen"] { #expect(listed[key] != nil, "\(key) in \(listed)") }
            let keyFile = harness.path("box/state/identity.key")
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let refused = try harness.loa(["volume", "50", id])
            #expect(refused.status != 0)
            #expect(refused.err.contains("pending"))

            let approved = try harness.loa(["receivers", "approve", id, "--name", "truong-hoc", "--zone", "all"])
            #expect(approved.status == 0, "\(approved.err)")
            #expect(approved.out.contains("approved truong-hoc"))
            try Self.waitForState(harness, id, "online")
            let table = try harness.loa(["receivers"])
            #expect(table.out.contains("truong-hoc") && table.out.contains("online") && table.out.contains("0.5.0"))
            // The box reports how well it follows the controller's clock (issue 13), from its first heartbeat after
            // its first trust answer: a SYNC column, in the API and in /metrics.
            let sync = try harness.waitFor("the box's sync report", timeout: 20) { () -> Double? in
                try Self.receivers(harness).first?["syncMs"] as? Double
            }
            #expect(sync >= 0 && sync < 1000)
            let synced = try harness.loa(["receivers"])
            #expect(synced.out.contains("SYNC") && synced.out.contains("ms"), "\(synced.out)")
            let metrics = try harness.apiText("/metrics")
            #expect(metrics.contains("loa_receiver_sync_seconds{receiver=\"truong-hoc\"}"))
            // Its last heartbeat's late packets and jitter-buffer depth (issue 14, point 6).
            #expect(metrics.contains("loa_receiver_packets_late{receiver=\"truong-hoc\"} 0"), "\(metrics)")
            #expect(metrics.contains("loa_receiver_jitter_frames{receiver=\"truong-hoc\"}"), "\(metrics)")

            // Silent: offline after three missed heartbeats, with an alert; back with the same identity.
            harness.stop(receiver)
            try Self.waitForState(harness, id, "offline")
            _ = try harness.waitFor("the offline alert", timeout: 10) {
                Self.alerts(harness).contains("\"offline\"") ? true : nil
            }
            let again = try Self.startReceiver(harness, name: "box")
            try Self.waitForState(harness, id, "online")
            _ = try harness.waitFor("the online alert", timeout: 10) {
                Self.alerts(harness).contains("\"online\"") ? true : nil
            }
            let alertLines = Self.alerts(harness).split(separator: "\n")
            #expect(alertLines.contains { $0.contains("\"kind\":\"offline\"") && $0.contains(id) })
            #expect(alertLines.contains { $0.contains("\"kind\":\"online\"") && $0.contains("truong-hoc") })
            // The same alerts were POSTed to the webhook as JSON.
            _ = try harness.waitFor("the webhook's alerts", timeout: 10) { () -> Bool? in
                let posted = (try? String(contentsOfFile: harness.path("webhook.jsonl"), encoding: .utf8)) ?? ""
                return posted.contains("\"kind\":\"offline\"") && posted.contains("\"kind\":\"online\"") ? true : nil
            }
            let posted = try String(contentsOfFile: harness.path("webhook.jsonl"), encoding: .utf8)
            #expect(posted.split(separator: "\n").allSatisfy { $0.hasPrefix("/alerts {") && $0.contains(id) })
            // The broadcaster sees them too (issue 17): `loa alerts` lists them by the box's name, newest last, and
            // `loa status` ends with a line about the last day's; both in Vietnamese with a Vietnamese locale.
            let listedAlerts = try harness.loa(["alerts"])
            let rows = listedAlerts.out.split(separator: "\n")
            #expect(listedAlerts.status == 0 && rows.first?.contains("ALERT") == true, "\(listedAlerts.out)")
            #expect(rows.contains { $0.contains("truong-hoc") && $0.contains("offline") }, "\(listedAlerts.out)")
            #expect(rows.last?.contains("online") == true, "\(listedAlerts.out)")
            #expect(try harness.loa(["alerts", "--last", "1"]).out.split(separator: "\n").count == 2)
            let status = try harness.loa(["status"]).out
            #expect(status.contains("alerts: ") && status.contains("truong-hoc"), "\(status)")
            let vietnamese = try harness.loa(["alerts"], environment: ["LOA_LANG": "vi"]).out
            #expect(vietnamese.contains("CẢNH BÁO") && vietnamese.contains("mất liên lạc"), "\(vietnamese)")
            harness.stop(again)

            // A restarted controller still knows the box, its name, zone and history.
            harness.controller.map { harness.stop($0) }
            try Self.startController(harness)
            let after = try Self.receivers(harness)
            #expect(after.count == 1)
            #expect(after.first?["name"] as? String == "truong-hoc")
            #expect(after.first?["zone"] as? String == "all")
            let show = try harness.loa(["receivers", "show", "truong-hoc"])
            #expect(show.status == 0)
            for state in ["pending", "online", "offline"] {
                #expect(show.out.contains("  \(state)  "), "\(state) in \(show.out)")
            }
        }

        @Test func volumeMuteTestToneAndRefreshAreAcknowledged() throws {
            let harness = try Harness(groupOctet: 41)
            try Self.startController(harness)
            let receiver = try Self.startReceiver(harness, name: "box")
            let id = try harness.waitFor("the box to appear", timeout: 30) { () -> String? in
                try Self.receivers(harness).first?["id"] as? String
            }
            #expect(try harness.loa(["receivers", "approve", String(id.prefix(6))]).status == 0)
            try Self.waitForState(harness, id, "online")

            let volume = try harness.loa(["volume", "30", id])
            #expect(volume.status == 0, "\(volume.err)")
            #expect(volume.out.contains("volume acknowledged"))
            _ = try harness.waitFor("volume 30 in a heartbeat", timeout: 10) { () -> Bool? in
                try Self.receivers(harness).first?["volume"] as? Int == 30 ? true : nil
            }
            #expect(try harness.loa(["mute", "--zone", "all"]).status == 0)
            try Self.waitForState(harness, id, "muted")
            // A tone on a muted box is silent: the technician is told, not left wondering.
            let silent = try harness.loa(["test-tone", id])
            #expect(silent.status == 0, "\(silent.err)")
            #expect(silent.out.contains("is muted: the tone played silently; 'loa unmute box-"), "\(silent.out)")
            #expect(try harness.loa(["unmute", id]).status == 0)
            try Self.waitForState(harness, id, "online")

            // The tone reaches the sound card: 1 s of a 1 kHz tone at 30 % of half scale.
            let raw = harness.path("box.raw")
            #expect(try harness.loa(["test-tone", id]).status == 0)
            let samples = try harness.waitFor("the tone", timeout: 15) { () -> [Int16]? in
                let data = (try? Data(contentsOf: URL(fileURLWithPath: raw))) ?? Data()
                let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
                return samples.count >= 48_000 && samples.contains { $0 > 4000 } ? samples : nil
            }
            let peak = samples.map { abs(Int($0)) }.max() ?? 0
            #expect(peak < 6000, "peak \(peak): the tone (half scale) at 30 % volume is about 4915")

            #expect(try harness.loa(["refresh", id]).status == 0)
            _ = try harness.waitFor("the refresh", timeout: 15) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("box.log"), encoding: .utf8)) ?? ""
                return log.components(separatedBy: "info: playing zone").count >= 3 ? true : nil
            }
            try Self.waitForState(harness, id, "online")

            // The volume survives the receiver's restart (kept in its state folder).
            harness.stop(receiver)
            let restarted = try Self.startReceiver(harness, name: "box")
            _ = try harness.waitFor("volume 30 after restart", timeout: 15) { () -> Bool? in
                let list = try Self.receivers(harness)
                return list.first?["state"] as? String == "online" && list.first?["uptimeSeconds"] as? Int ?? 99 < 5
                    && list.first?["volume"] as? Int == 30 ? true : nil
            }

            // A box that does not answer: retried, then reported as failed.
            harness.stop(restarted)
            let failed = try harness.loa(["volume", "80", id])
            #expect(failed.status != 0)
            #expect(failed.out.contains("failed: no acknowledgement after 3 attempts"))
            #expect(failed.err.contains("1 of 1 receivers did not acknowledge"))
        }

        @Test func hostileDatagramsAreDroppedCountedAndDoNotDelayRealHeartbeats() throws {
            let harness = try Harness(groupOctet: 42)
            try Self.startController(harness)
            let port = Int(harness.heartbeatAddress.split(separator: ":").last!)!
            try Self.startReceiver(harness, name: "box")
            let id = try harness.waitFor("the box to appear", timeout: 30) { () -> String? in
                try Self.receivers(harness).first?["id"] as? String
            }
            #expect(try harness.loa(["receivers", "approve", id]).status == 0)
            try Self.waitForState(harness, id, "online")

            // A simulated box, enrolled, whose heartbeats we can replay and forge.
            let simulated = try SimulatedReceiver(controllerPort: port)
            simulated.send(simulated.bytes(.enrolment(simulated.heartbeat(), publicKey: simulated.keys.publicKey)))
            _ = try harness.waitFor("the simulated box", timeout: 10) { () -> Bool? in
                try Self.receivers(harness).count == 2 ? true : nil
            }
            #expect(try harness.loa(["receivers", "approve", simulated.id.text, "--name", "sim"]).status == 0)
            _ = try harness.waitFor("the welcome", timeout: 10) { () -> Bool? in
                simulated.poll()
                return simulated.key != nil ? true : nil
            }
            let recorded = simulated.bytes(.heartbeat(simulated.heartbeat()))
            simulated.send(recorded)
            let stranger = SimulatedReceiver.self
            let outsider = try stranger.init(controllerPort: port)
            var forged = recorded
            forged[forged.count - 1] ^= 0x01

            let before = try metrics(harness)
            simulated.send(recorded)  // replayed
            simulated.send(forged)  // wrongly authenticated
            outsider.send(outsider.bytes(.heartbeat(outsider.heartbeat()), key: simulated.key))  // unknown receiver
            simulated.send([0x4C, 0x46, 0x01, 0x02, 0xFF])  // malformed
            var junk = outsider.bytes(.enrolment(outsider.heartbeat(), publicKey: outsider.keys.publicKey))
            junk[junk.count - 1] ^= 0x01
            simulated.send(junk)  // enrolment with a bad signature
            _ = try harness.waitFor("each kind to be counted", timeout: 10) { () -> Bool? in
                let now = try metrics(harness)
                let kinds = ["replayed", "unauthenticated", "unknown", "malformed"]
                return kinds.allSatisfy { now["rejected_\($0)", default: 0] > before["rejected_\($0)", default: 0] }
                    ? true : nil
            }
            #expect(try Self.receivers(harness).contains { $0["name"] as? String == "sim" })

            // A flood of junk while the real box heartbeats, with the simulated box's heartbeats sent in the
            // middle of it: every junk datagram is counted as rejected (none was dropped, by the controller or by
            // the kernel before the listener read it), and every heartbeat of either box is accepted.
            let kinds = (JunkSender.junk(count: 60) + [recorded, forged, junk]).filter {
                !$0.withUnsafeBytes(TrustMessage.isTrust)  // a trust request is answered, not counted
            }
            let flooder = try SimulatedReceiver(controllerPort: port)
            var junkCount = 0
            var heartbeatsSent = 0
            let start = try snapshot(harness, box: id)
            // At least 20,000 junk datagrams, and on until the real box has had 3 heartbeats taken meanwhile.
            let deadline = Date().addingTimeInterval(60)
            while junkCount < 20_000 || sequence(harness, box: id) < start.sequence + 3 {
                guard Date() < deadline else { throw HarnessError("the real box's heartbeats stopped in the flood") }
                for _ in 0..<500 {
                    flooder.send(kinds[junkCount % kinds.count])
                    junkCount += 1
                }
                flooder.send(simulated.bytes(.heartbeat(simulated.heartbeat())))
                heartbeatsSent += 1
            }
            // The last datagram of the flood: once it is accepted, the listener has read everything before it.
            let last = simulated.heartbeat()
            flooder.send(simulated.bytes(.heartbeat(last)))
            heartbeatsSent += 1
            _ = try harness.waitFor("the flood's last heartbeat", timeout: 60) { () -> Bool? in
                let detail = try harness.api("/receivers/" + simulated.id.text) as? [String: Any]
                return (detail?["heartbeat"] as? [String: Any])?["sequence"] as? Int == Int(last.sequence) ? true : nil
            }
            let end = try snapshot(harness, box: id)
            let rejected = end.rejected - start.rejected
            #expect(rejected == Double(junkCount), "every junk datagram read and counted")
            let boxHeartbeats = end.sequence - start.sequence
            #expect(boxHeartbeats >= 3)
            #expect(end.accepted - start.accepted == Double(heartbeatsSent + boxHeartbeats), "none dropped")
            let list = try Self.receivers(harness)
            #expect(list.first { $0["id"] as? String == id }?["state"] as? String == "online")
            #expect(
                !Self.alerts(harness).split(separator: "\n").contains { $0.contains("\"offline\"") && $0.contains(id) })
        }

        /// Heartbeats accepted and datagrams rejected (all reasons) so far, with the sequence of the last
        /// heartbeat accepted from `box`: read until no datagram was counted between the two reads of the
        /// metrics, so that the three agree.
        func snapshot(_ harness: Harness, box: String) throws -> (accepted: Double, rejected: Double, sequence: Int) {
            try harness.waitFor("a quiet moment to read the counters", timeout: 60) {
                let before = try metrics(harness)
                let detail = try harness.api("/receivers/" + box) as? [String: Any]
                let after = try metrics(harness)
                guard before == after,
                    let sequence = (detail?["heartbeat"] as? [String: Any])?["sequence"] as? Int
                else { return nil }
                let rejected = after.filter { $0.key.hasPrefix("rejected_") }.values.reduce(0, +)
                return (after["accepted", default: 0], rejected, sequence)
            }
        }

        /// The sequence of the last heartbeat accepted from `box` (-1 if none or unreadable).
        func sequence(_ harness: Harness, box: String) -> Int {
            guard let detail = try? harness.api("/receivers/" + box) as? [String: Any] else { return -1 }
            return (detail["heartbeat"] as? [String: Any])?["sequence"] as? Int ?? -1
        }

        /// `loa_heartbeats_accepted_total` as "accepted" and each `…rejected_total{reason}` as "rejected_REASON".
        func metrics(_ harness: Harness) throws -> [String: Double] {
            var result: [String: Double] = [:]
            for line in try harness.apiText("/metrics").split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { continue }
                if parts[0] == "loa_heartbeats_accepted_total" { result["accepted"] = value }
                if parts[0].hasPrefix("loa_heartbeats_rejected_total{reason=\"") {
                    let reason = parts[0].split(separator: "\"")[1]
                    result["rejected_" + reason] = value
                }
            }
            return result
        }
    }
}
