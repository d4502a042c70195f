import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The fleet model with real processes: a box's zone is the controller's (moved, it hears the next bulletin
    /// in its new zone and not in the old one, and stays there after a restart; a zone taken out of the
    /// configuration is alerted), names are unique, boxes are removed and rejected, and `loa zones` counts them.
    @Suite("Fleet model with real processes")
    struct FleetModelEndToEndTests {
        /// The second zone's group (the first is the harness's own).
        static func otherGroup(_ harness: Harness) -> String {
            harness.group.replacingOccurrences(of: ".78.", with: ".79.")
        }

        /// Starts the controller with zones `thon-a` (the harness's group) and, unless `onlyA`, `thon-b`; alerts
        /// are appended to `alerts.jsonl`.
        static func startController(_ harness: Harness, onlyA: Bool = false) throws {
            let zoneB = """

                  - name: thon-b
                    group: \(otherGroup(harness)):\(harness.port + 1)
                    interface: 127.0.0.1
                    ttl: 0
                """
            try """
            zones:
              - name: thon-a
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0\(onlyA ? "" : zoneB)
            fleet:
              alert-command: cat >> \(harness.path("alerts.jsonl")); echo >> \(harness.path("alerts.jsonl"))
              command-attempts: 5
              command-retry-ms: 300
            """.write(toFile: harness.path("zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("zones.yaml"))
        }

        /// The receiver `id` as `loa receivers --json` lists it.
        static func receiver(_ harness: Harness, _ id: String) throws -> [String: Any]? {
            try RealProcesses.FleetTests.receivers(harness).first { $0["id"] as? String == id }
        }

        /// Waits for a new pending box and returns its id.
        static func pending(_ harness: Harness, besides known: Set<String> = []) throws -> String {
            try harness.waitFor("a new box to appear", timeout: 30) { () -> String? in
                try RealProcesses.FleetTests.receivers(harness).first {
                    $0["state"] as? String == "pending" && !known.contains($0["id"] as? String ?? "")
                }?["id"] as? String
            }
        }

        /// Samples louder than a quiet hiss in the box's output after `offset` bytes.
        static func loudSamples(_ harness: Harness, _ name: String, after offset: Int) -> Int {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: harness.path(name + ".raw")))) ?? Data()
            guard data.count > offset else { return 0 }
            return data[offset...].withUnsafeBytes { raw in
                raw.bindMemory(to: Int16.self).reduce(0) { $0 + (abs(Int($1)) > 2000 ? 1 : 0) }
            }
        }

        static func outputBytes(_ harness: Harness, _ name: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: harness.path(name + ".raw")))?[.size] as? Int) ?? 0
        }

        @Test func aMovedBoxHearsTheNextBulletinInItsNewZoneAndStaysThere() throws {
            let harness = try Harness(groupOctet: 90)
            try Self.startController(harness)
            let arguments = ["--group", "\(harness.group):\(harness.port)"]
            let box = try RealProcesses.FleetTests.startReceiver(
                harness, name: "box", zone: "thon-a", arguments: arguments)
            let id = try Self.pending(harness)

            let approved = try harness.loa(["receivers", "approve", id, "--name", "cho", "--zone", "thon-a"])
            #expect(approved.status == 0, "\(approved.err)")
            #expect(approved.out.contains("cho (\(id)): zone thon-a acknowledged"), "\(approved.out)")

            let moved = try harness.loa(["receivers", "move", "cho", "--zone", "thon-b"])
            #expect(moved.status == 0, "\(moved.err)")
            #expect(moved.out.contains("cho (\(id)): zone thon-b acknowledged"), "\(moved.out)")
            let groupB = "\(Self.otherGroup(harness)):\(harness.port + 1)"
            _ = try harness.waitFor("the box to report thon-b's group", timeout: 20) { () -> Bool? in
                try Self.receiver(harness, id)?["group"] as? String == groupB ? true : nil
            }

            // A bulletin to the old zone is not heard; the next one to the new zone is.
            let before = Self.outputBytes(harness, "box")
            let old = try harness.speech("old.wav", "Thông báo cho thôn A: họp tổ dân phố lúc bảy giờ tối.")
            try harness.queueAndWait([old], zone: "thon-a")
            #expect(Self.loudSamples(harness, "box", after: before) == 0, "the box still hears its old zone")
            let during = Self.outputBytes(harness, "box")
            let new = try harness.speech("new.wav", "Thông báo cho thôn B: tiêm phòng cho trẻ em sáng mai.")
            try harness.queueAndWait([new], zone: "thon-b")
            #expect(Self.loudSamples(harness, "box", after: during) > 4800, "the box did not hear its new zone")
            #expect(try Self.receiver(harness, id)?["zoneProblem"] == nil)

            // Restarted with its old flags, the box plays the zone the controller gave it.
            harness.stop(box)
            let restarted = try RealProcesses.FleetTests.startReceiver(
                harness, name: "box", zone: "thon-a", arguments: arguments)
            _ = try harness.waitFor("the restarted box on thon-b", timeout: 20) { () -> Bool? in
                let listed = try Self.receiver(harness, id)
                return listed?["state"] as? String == "online" && listed?["group"] as? String == groupB
                    && (listed?["uptimeSeconds"] as? Int ?? 99) < 10 ? true : nil
            }
            let log = try String(contentsOfFile: harness.path("box.log"), encoding: .utf8)
            #expect(log.contains("playing zone 'thon-b' from \(groupB)"))
            let zones = try harness.loa(["zones"])
            #expect(zones.status == 0, "\(zones.err)")
            let lines = zones.out.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true)
            }
            #expect(
                lines.contains { $0 == ["thon-a", "\(harness.group):\(harness.port)", "0", "of", "0"] }, "\(zones.out)")
            #expect(lines.contains { $0 == ["thon-b", Substring(groupB), "1", "of", "1"] }, "\(zones.out)")
            // Queueing to a zone where no box is online warns (and queues); to one where a box is, it does not.
            let toA = try harness.loa(["queue", old, "--zones", "thon-a"])
            #expect(toA.status == 0, "\(toA.err)")
            #expect(toA.err.contains("warning: no box is online in thon-a (0 of 0 approved)"), "\(toA.err)")
            let toB = try harness.loa(["queue", new, "--zones", "thon-b"])
            #expect(toB.status == 0 && !toB.err.contains("warning"), "\(toB.err)")
            for queued in [toA, toB] {
                #expect(
                    try harness.loa(["cancel", queued.out.trimmingCharacters(in: .whitespacesAndNewlines)]).status == 0)
            }

            // Its zone taken out of the configuration: a zone-gone alert, shown in the table and in 'loa zones'.
            harness.controller.map { harness.stop($0) }
            try Self.startController(harness, onlyA: true)
            harness.stop(restarted)  // a new controller listens on a new port: the box is pointed at it
            let again = try RealProcesses.FleetTests.startReceiver(
                harness, name: "box", zone: "thon-a", arguments: arguments)
            _ = try harness.waitFor("the zone-gone alert", timeout: 20) { () -> Bool? in
                let alerts = (try? String(contentsOfFile: harness.path("alerts.jsonl"), encoding: .utf8)) ?? ""
                return alerts.contains("\"kind\":\"zone-gone\"") && alerts.contains(id) ? true : nil
            }
            let table = try harness.loa(["receivers"])
            #expect(table.out.contains("thon-b ZONE-GONE"), "\(table.out)")
            #expect(try harness.loa(["zones"]).out.contains("NOT CONFIGURED"))
            harness.stop(again)
        }

        @Test func namesAreUniqueAndBoxesAreRemovedAndRejected() throws {
            let harness = try Harness(groupOctet: 91)
            try Self.startController(harness)
            let arguments = ["--group", "\(harness.group):\(harness.port)"]
            try RealProcesses.FleetTests.startReceiver(harness, name: "one", zone: "thon-a", arguments: arguments)
            let first = try Self.pending(harness)
            try RealProcesses.FleetTests.startReceiver(harness, name: "two", zone: "thon-a", arguments: arguments)
            let second = try Self.pending(harness, besides: [first])

            #expect(try harness.loa(["receivers", "approve", first, "--name", "nha-van-hoa"]).status == 0)
            let taken = try harness.loa(["receivers", "approve", second, "--name", "nha-van-hoa"])
            #expect(taken.status != 0)
            #expect(taken.err.split(separator: "\n").count == 1 && taken.err.contains("'nha-van-hoa' is taken"))
            #expect(try Self.receiver(harness, second)?["state"] as? String == "pending", "refused: nothing changed")
            #expect(try harness.loa(["receivers", "approve", second, "--name", "cho"]).status == 0)
            let renamed = try harness.loa(["receivers", "rename", "cho", "nha-van-hoa"])
            #expect(renamed.status != 0 && renamed.err.contains("'nha-van-hoa' is taken"))
            let mute = try harness.loa(["mute", "nha-van-hoa"])
            #expect(mute.status == 0 && mute.out.contains("(\(first))"), "the name means one box: \(mute.out)")
            #expect(
                try harness.loa(["receivers", "rename", "cho", "cho-moi"]).out.contains("renamed \(second) to cho-moi"))

            // Removed: forgotten, and its heartbeats do not bring it back.
            let removed = try harness.loa(["receivers", "remove", "cho-moi"])
            #expect(removed.status == 0 && removed.out.contains("removed cho-moi"), "\(removed.err)")
            Thread.sleep(forTimeInterval: 3)  // three of its heartbeats
            #expect(try Self.receiver(harness, second) == nil)
            #expect(try harness.loa(["receivers", "show", second]).status != 0)

            // Rejected: listed as such, never welcomed, and no further pending alert.
            try RealProcesses.FleetTests.startReceiver(harness, name: "three", zone: "thon-a", arguments: arguments)
            let third = try Self.pending(harness, besides: [first, second])
            let rejected = try harness.loa(["receivers", "reject", third])
            #expect(rejected.status == 0 && rejected.out.contains("rejected"), "\(rejected.err)")
            #expect(try harness.loa(["receivers", "reject", "nha-van-hoa"]).status != 0, "only a pending box")
            Thread.sleep(forTimeInterval: 3)
            #expect(try Self.receiver(harness, third)?["state"] as? String == "rejected")
            let alerts = try String(contentsOfFile: harness.path("alerts.jsonl"), encoding: .utf8)
            #expect(
                alerts.split(separator: "\n").filter { $0.contains("\"kind\":\"pending\"") && $0.contains(third) }.count
                    == 1)
            let log = try String(contentsOfFile: harness.path("three.log"), encoding: .utf8)
            #expect(!log.contains("enrolled"), "a rejected box is never welcomed")

            // Provisioning in bulk into a zone: the pending box (not the rejected one) is sent the zone's group.
            try RealProcesses.FleetTests.startReceiver(harness, name: "four", zone: "thon-a", arguments: arguments)
            let fourth = try Self.pending(harness, besides: [first, second, third])
            let bulk = try harness.run(
                "/usr/bin/curl",
                ["-sf", "-X", "POST", harness.controllerURL + "/receivers/approve-pending?zone=thon-b"])
            #expect(bulk.out.contains("\"approved\":1") && bulk.out.contains("\"joined\":1"), "\(bulk.out)")
            #expect(try Self.receiver(harness, third)?["state"] as? String == "rejected")
            _ = try harness.waitFor("the fourth box on thon-b's group", timeout: 20) { () -> Bool? in
                try Self.receiver(harness, fourth)?["group"] as? String
                    == "\(Self.otherGroup(harness)):\(harness.port + 1)" ? true : nil
            }
        }
    }
}
