import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// `loa clips`: a recording stored once under a name and queued again by that name, heard at a real box; wrong
    /// and unknown names get one line and change nothing; a name taken out leaves the clip playable.
    @Suite("Clip library")
    struct ClipLibraryTests {
        @Test func aNamedClipIsQueuedByNameAndHeard() throws {
            let harness = try Harness(groupOctet: 171)
            try harness.startController()
            _ = try RealProcesses.FleetTests.startReceiver(harness, name: "box")
            let id = try RealProcesses.FleetModelEndToEndTests.pending(harness)
            #expect(try harness.loa(["receivers", "approve", id]).status == 0)
            let file = try harness.speech("hop.wav", "Mời bà con đến họp dân lúc bảy giờ tối nay.")

            #expect(try harness.loa(["clips"]).out.contains("the library is empty"))
            let added = try harness.loa(["clips", "add", "hop-dan", file, "--title", "Họp dân"])
            #expect(added.status == 0, "\(added.err)")
            #expect(added.out.hasPrefix("'hop-dan' is in the library: Họp dân (0:0"), "\(added.out)")
            let listed = try harness.loa(["clips"])
            #expect(listed.out.hasPrefix("hop-dan  Họp dân (0:0"), "\(listed.out)")
            let library = try #require(try harness.api("/library") as? [[String: Any]])
            #expect(library.map { $0["name"] as? String } == ["hop-dan"])

            // Queued by name, twice, without the file: both air and the box hears them.
            let before = RealProcesses.FleetModelEndToEndTests.outputBytes(harness, "box")
            try FileManager.default.removeItem(atPath: file)
            var items: [Int] = []
            for _ in 0..<2 {
                let queued = try harness.loa(["queue", "--clip", "hop-dan", "--zones", "all"])
                #expect(queued.status == 0, "\(queued.err)")
                // Not on a terminal, `loa queue` prints the bare id.
                let printed = queued.out.trimmingCharacters(in: .whitespacesAndNewlines)
                let item = try #require(Int(printed), "\(queued.out)")
                items.append(item)
            }
            for item in items {
                _ = try harness.waitFor("item \(item) to air", timeout: 120) { () -> Bool? in
                    let view = try harness.api("/items/\(item)") as? [String: Any]
                    return (view?["states"] as? [String: String])?["all"] == "completed" ? true : nil
                }
                #expect((try harness.api("/items/\(item)") as? [String: Any])?["title"] as? String == "Họp dân")
            }
            #expect(
                RealProcesses.FleetModelEndToEndTests.loudSamples(harness, "box", after: before) > 4800,
                "the box did not play the named clip")

            // A name that cannot be one, and one not in the library: one line each, nothing changes.
            let bad = try harness.loa(["clips", "add", "bão lũ!", "/dev/null"])
            #expect(bad.status != 0 && bad.err.split(separator: "\n").count == 1, "\(bad.err)")
            #expect(bad.err.contains("cannot name a clip"), "\(bad.err)")
            let unknown = try harness.loa(["queue", "--clip", "khong-co"])
            #expect(unknown.status != 0 && unknown.err.contains("no clip named 'khong-co' in the library"))
            let both = try harness.loa(["queue", "tin.wav", "--clip", "hop-dan"])
            #expect(both.status != 0 && both.err.contains("not both"), "\(both.err)")
            let forged = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                    harness.controllerURL + "/library/x?clip=999",
                ])
            #expect(forged.out == "404", "naming a clip that is not stored: \(forged.out)")

            // Taken out of the library: gone from the list; the clip itself still plays (item 1 replays it).
            let removed = try harness.loa(["clips", "remove", "hop-dan"])
            #expect(removed.status == 0 && removed.out.contains("'hop-dan' is out of the library"), "\(removed.err)")
            #expect(try harness.loa(["clips"]).out.contains("the library is empty"))
            #expect(try harness.loa(["clips", "remove", "hop-dan"]).status != 0)
        }
    }
}
