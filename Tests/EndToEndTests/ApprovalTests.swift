import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// `approval: on`: what a broadcaster queues waits for an approver — an item queued after it by an approver
    /// airs first, and it stays pending until `loa approve ID`; the broadcaster cannot release it; then it airs.
    /// A broadcaster's schedule waits the same way (`loa approve --schedule`); the dashboard releases an item.
    @Suite("Approval of broadcasters' items")
    struct ApprovalTests {
        @Test func aBroadcastersNoticeAirsOnlyOnceAnApproverReleasesIt() throws {
            let harness = try Harness(groupOctet: 172)
            try """
            loudness: off
            approval: on
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
            """.write(toFile: harness.path("approval.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("approval.yaml"))
            var tokens: [String: String] = [:]
            for (name, role) in [("phat-thanh", "broadcaster"), ("chu-tich", "approver")] {
                let password = "mat-khau-\(name)-2026"
                let added = try harness.loa(["accounts", "add", name, "--role", role], input: password + "\n")
                #expect(added.status == 0, "\(added.err)")
                tokens[name] = try harness.logIn(name, password: password)
            }
            func loa(_ arguments: [String], as name: String) throws -> (status: Int32, out: String, err: String) {
                try harness.loa(arguments, environment: ["LOA_TOKEN": tokens[name] ?? ""])
            }

            let queued = try loa(
                ["say", "Thông báo của thôn: ngày mai phun thuốc muỗi.", "--zones", "all"], as: "phat-thanh")
            #expect(queued.status == 0, "\(queued.err)")
            let held = try #require(Int(queued.out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(queued.out)")
            #expect((try harness.api("/items/\(held)") as? [String: Any])?["heldBy"] as? String == "phat-thanh")
            let listed = try loa(["approve"], as: "phat-thanh")
            #expect(listed.out.hasPrefix("#\(held) \"Thông báo của thôn"), "\(listed.out)")
            #expect(listed.out.contains("by phat-thanh"), "\(listed.out)")

            // The approver's own notice, queued after it, is not held: it airs while the held one waits.
            let own = try loa(["say", "Chủ tịch xã thông báo.", "--zones", "all"], as: "chu-tich")
            let ownID = try #require(Int(own.out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(own.err)")
            try waitCompleted(ownID, harness)
            let states = (try harness.api("/items/\(held)") as? [String: Any])?["states"] as? [String: String]
            #expect(states?["all"] == "pending", "the held item aired: \(String(describing: states))")

            // The broadcaster may not release it; the approver does, and it airs.
            let refused = try loa(["approve", String(held)], as: "phat-thanh")
            #expect(refused.status != 0 && refused.err.contains("approver"), "\(refused.err)")
            let released = try loa(["approve", String(held)], as: "chu-tich")
            #expect(released.status == 0 && released.out.hasPrefix("#\(held) \"Thông báo của thôn"), "\(released.err)")
            try waitCompleted(held, harness)
            #expect((try harness.api("/items/\(held)") as? [String: Any])?["heldBy"] == nil)
            #expect(try loa(["approve"], as: "chu-tich").out.contains("nothing waits for approval"))
            #expect(try loa(["approve", String(held)], as: "chu-tich").err.contains("is not waiting for approval"))
            let audit = try #require(try harness.api("/audit") as? [[String: Any]])
            #expect(
                audit.contains { $0["action"] as? String == "item released" && $0["actor"] as? String == "chu-tich" })

            // A broadcaster's schedule waits too: nothing in the timetable until the approver releases it.
            _ = try harness.speech("tin.wav", "Bản tin sáng.")
            try """
            slots:
              - name: Bản tin sáng
                at: "06:00"
                zones: all
                play: tin.wav
            """.write(toFile: harness.path("lich.yaml"), atomically: true, encoding: .utf8)
            let sent = try loa(["schedule", "apply", harness.path("lich.yaml")], as: "phat-thanh")
            #expect(
                sent.status == 0 && sent.out.contains("1 slots sent by phat-thanh, waiting for an approver"),
                "\(sent.err)")
            #expect(try timetable(harness).isEmpty)
            #expect(try loa(["approve"], as: "chu-tich").out.contains("schedule: 1 slots, by phat-thanh"))
            #expect(try loa(["approve", "--schedule"], as: "phat-thanh").status != 0)
            let applied = try loa(["approve", "--schedule"], as: "chu-tich")
            #expect(applied.status == 0 && applied.out.contains("schedule of 1 slots applied"), "\(applied.err)")
            #expect(try timetable(harness).count == 7)

            // On the dashboard: the approver sees the next held notice under "Chờ duyệt" and releases it there.
            let next = try loa(["say", "Thông báo thứ hai.", "--zones", "all"], as: "phat-thanh")
            let second = try #require(Int(next.out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(next.err)")
            let browser = try WebDriver(directory: harness.path("browser"))
            defer { browser.close() }
            try browser.open(harness.controllerURL + "/ui/login")
            try browser.type("#name", "chu-tich")
            try browser.type("#password", "mat-khau-chu-tich-2026")
            try browser.click("#submit")
            try browser.open(harness.controllerURL + "/ui/phat-thanh")
            #expect(try browser.text("#held-\(second)").contains("Thông báo thứ hai. · gửi bởi phat-thanh"))
            try browser.click("#release-\(second)")
            try waitCompleted(second, harness)
        }

        private func timetable(_ harness: Harness) throws -> [[String: Any]] {
            try #require(try harness.api("/schedule/timetable?days=7") as? [[String: Any]])
        }

        private func waitCompleted(_ item: Int, _ harness: Harness) throws {
            _ = try harness.waitFor("item \(item) to air", timeout: 120) { () -> Bool? in
                let view = try harness.api("/items/\(item)") as? [String: Any]
                return (view?["states"] as? [String: String])?["all"] == "completed" ? true : nil
            }
        }
    }
}
