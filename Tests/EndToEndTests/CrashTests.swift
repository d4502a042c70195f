import Foundation
import Testing

extension RealProcesses {
    /// The controller killed with SIGKILL in the middle of an item loses nothing queued, replays nothing that
    /// completed, logs the interruption, and resumes the cut item where it was.
    @Suite("Crash")
    struct CrashTests {
        func log(_ harness: Harness) throws -> [[String: Any]] {
            try harness.api("/log?since=0") as? [[String: Any]] ?? []
        }

        @Test func sigkillMidItemThenRestart() throws {
            let harness = try Harness(groupOctet: 9)
            try harness.startController()
            let short = try harness.speech("short.wav", "Tin ngắn.")
            let long = try harness.sweep("long.wav", seconds: 8)
            let last = try harness.speech("last.wav", "Tin cuối cùng.")
            var ids: [Int] = []
            for file in [short, long, last] {
                let result = try harness.loa(["queue", file])
                #expect(result.status == 0)
                ids.append(Int(result.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
            }
            // Wait until the long item has played a few seconds (positions are saved once a second).
            _ = try harness.waitFor("the long item to be well under way", timeout: 60) { () -> Bool? in
                let status = try harness.api("/status") as? [String: Any]
                let zone = (status?["zones"] as? [[String: Any]])?.first
                let playing = zone?["playing"] as? [String: Any]
                return (playing?["id"] as? Int) == ids[1] && ((playing?["positionMs"] as? Int) ?? 0) >= 3000 ? true : nil
            }
            Thread.sleep(forTimeInterval: 1.2)
            harness.stop(try #require(harness.controller), signal: SIGKILL)

            try harness.startController()
            let listed = try harness.loa(["queue", "--list"])
            #expect(listed.status == 0)
            #expect(listed.out.contains("#\(ids[1])"))  // the cut item is back on the air or first in line
            #expect(listed.out.contains("#\(ids[2])"))  // the item queued after it is not lost
            #expect(!listed.out.contains("#\(ids[0])"))  // the completed one does not come back
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
            let lastRows = entries.filter { $0["itemId"] as? Int == ids[2] }
            #expect(lastRows.map { $0["outcome"] as? String } == ["completed"])
        }
    }
}
