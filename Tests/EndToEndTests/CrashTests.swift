import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The controller killed with SIGKILL in the middle of an item loses nothing queued, replays nothing that
    /// completed, logs the interruption, and resumes the cut item where it was. On the way, `loa queue --list`
    /// shows the pending queue in play order (a priority item before earlier normal ones).
    @Suite("Crash")
    struct CrashTests {
        func log(_ harness: Harness) throws -> [[String: Any]] {
            try harness.api("/log?since=0") as? [[String: Any]] ?? []
        }

        @Test func sigkillMidItemThenRestart() throws {
            let harness = try Harness(groupOctet: 9)
            try harness.startController()
            let short = try harness.speech("short.wav", "Tin ngắn.")
            let long = try harness.sweep("long.wav", seconds: 10)
            let last = try harness.speech("last.wav", "Tin cuối cùng.")
            let after = try harness.speech("after.wav", "Tin sau.")
            let urgent = try harness.speech("urgent.wav", "Tin khẩn.")
            func queue(_ file: String, _ options: [String] = []) throws -> Int {
                let result = try harness.loa(["queue", file] + options)
                #expect(result.status == 0, "\(result.err)")
                return Int(result.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            }
            var ids = try [short, long, last, after].map { try queue($0) }
            // Wait until the long item has played a few seconds (positions are saved once a second).
            _ = try harness.waitFor("the long item to be well under way", timeout: 60) { () -> Bool? in
                let status = try harness.api("/status") as? [String: Any]
                let zone = (status?["zones"] as? [[String: Any]])?.first
                let playing = zone?["playing"] as? [String: Any]
                return (playing?["id"] as? Int) == ids[1] && ((playing?["positionMs"] as? Int) ?? 0) >= 3000
                    ? true : nil
            }
            // A priority item queued now goes before the two pending normal items: `--list` shows play order.
            ids.append(try queue(urgent, ["--priority", "priority"]))
            let order = try harness.loa(["queue", "--list"])
            #expect(order.status == 0)
            let listed = order.out.split(separator: "\n").compactMap { line -> Int? in
                guard let mark = line.firstIndex(of: "#") else { return nil }
                return Int(line[line.index(after: mark)...].prefix { $0.isNumber })
            }
            #expect(listed == [ids[1], ids[4], ids[2], ids[3]], "got \(order.out)")
            Thread.sleep(forTimeInterval: 1.2)
            harness.stop(try #require(harness.controller), signal: SIGKILL)

            try harness.startController()
            let relisted = try harness.loa(["queue", "--list"])
            #expect(relisted.status == 0)
            #expect(relisted.out.contains("#\(ids[1])"))  // the cut item is back on the air or in line
            #expect(relisted.out.contains("#\(ids[2])"))  // the items queued after it are not lost
            #expect(relisted.out.contains("#\(ids[3])"))
            #expect(relisted.out.contains("#\(ids[4])"))
            #expect(!relisted.out.contains("#\(ids[0])"))  // the completed one does not come back
            try harness.waitUntilIdle()

            let entries = try log(harness)
            let shortRows = entries.filter { $0["itemId"] as? Int == ids[0] }
            #expect(shortRows.map { $0["outcome"] as? String } == ["completed"])
            let longRows = entries.filter { $0["itemId"] as? Int == ids[1] }
            #expect(longRows.map { $0["outcome"] as? String } == ["interrupted", "completed"])
            #expect((longRows.first?["reason"] as? String)?.contains("controller stopped") == true)
            let cutAt = longRows.first?["toFrame"] as? Int ?? 0
            #expect(cutAt >= 100)  // ≥ 2 s of 20 ms frames had aired and were saved
            #expect(longRows.last?["fromFrame"] as? Int == cutAt)  // resumed where it was cut
            for id in ids[2...] {
                #expect(entries.filter { $0["itemId"] as? Int == id }.map { $0["outcome"] as? String } == ["completed"])
            }
        }
    }
}
