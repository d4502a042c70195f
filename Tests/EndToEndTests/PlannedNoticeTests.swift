import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// A one-off notice at a time, repeated (issue 17 point 5): `loa queue FILE --at TIME --repeat N --every D` stores
    /// the clip once and queues it at each time, in commune time; each airs at or after its time, not before.
    @Suite("Planned notices")
    struct PlannedNoticeTests {
        @Test func aNoticeQueuedAtATimeAirsThenAndAgain() throws {
            let harness = try Harness(groupOctet: 155)
            try harness.startController()
            let receiver = try harness.startReceiver(output: harness.path("played.raw"))
            let notice = try harness.speech("hop.wav", "Mời bà con dự họp thôn.")

            // A wrong time is one line, and stores and queues nothing.
            let wrong = try harness.loa(["queue", notice, "--at", "25:00"])
            #expect(wrong.status == 1 && wrong.err.contains("--at '25:00' is not a time"), "\(wrong.err)")
            let noEvery = try harness.loa(["queue", notice, "--repeat", "2"])
            #expect(noEvery.status == 1 && noEvery.err.contains("--repeat needs --every"), "\(noEvery.err)")
            #expect(try harness.loa(["queue", "--list"]).out.contains("(nothing queued)"))

            // Four seconds from now, commune time (the controller's default zone), then ten seconds later.
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
            formatter.dateFormat = "HH:mm:ss"
            let at = formatter.string(from: Date().addingTimeInterval(4))
            let queued = try harness.loa(["queue", notice, "--at", at, "--repeat", "2", "--every", "10s"])
            #expect(queued.status == 0, "\(queued.err)")
            let lines = queued.out.split(separator: "\n")
            #expect(lines.count == 2 && lines.allSatisfy { $0.contains("airs at") }, "\(queued.out)")
            #expect(lines.first?.contains(at) == true, "\(queued.out)")
            // The box plays, but it is not approved: nobody the controller knows of may hear it.
            #expect(queued.err.contains("warning: no box is online in all (0 of 0 approved)"), "\(queued.err)")
            let pending = try harness.loa(["queue", "--list"])
            #expect(pending.out.components(separatedBy: "hop.wav").count == 3, "both wait: \(pending.out)")
            #expect(pending.out.contains("→ ") && pending.out.contains(at), "the list says when: \(pending.out)")

            try harness.waitUntilIdle(timeout: 120)
            harness.stop(receiver)
            let items = try [1, 2].map { try #require(try harness.api("/items/\($0)") as? [String: Any]) }
            let planned = try items.map { try #require($0["plannedAt"] as? Int) }
            #expect(planned[1] - planned[0] == 10_000, "planned \(planned)")
            let log = try #require(try harness.api("/log?since=0") as? [[String: Any]])
            for (id, plannedAt) in zip([1, 2], planned) {
                let row = try #require(log.first { $0["itemId"] as? Int == id }, "item \(id) is not in the log")
                #expect(row["outcome"] as? String == "completed", "\(row)")
                let started = try #require(row["startedAt"] as? Int)
                #expect(started >= plannedAt, "item \(id) started at \(started), before its time \(plannedAt)")
            }
        }
    }
}
