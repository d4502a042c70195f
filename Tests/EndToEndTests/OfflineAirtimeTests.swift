import Foundation
import LoaTestSupport
import LoaWire
import Testing

extension RealProcesses {
    /// Issue 15, point 4: a box holds its zone's signed timetable and the clips of its slots, planned and offered
    /// as soon as the schedule is applied. Its link is cut (every datagram dropped, both ways) 10 s before a slot:
    /// at the slot's time the box plays the bulletin on its own from its copy, the clip's own decoding; an item
    /// cancelled before the cut never plays; when the link returns the box reports the play, and the as-played log
    /// shows it per box as played offline. Counts and samples only.
    @Suite("Offline airtime, end to end")
    struct OfflineAirtimeEndToEndTests {
        /// Applies a schedule of one slot, `clip` in every zone at the next whole minute at least `seconds` away
        /// (commune time), with `loa schedule apply`; returns the item it plans and its airtime.
        static func schedule(_ clip: String, atNextMinuteAfter seconds: Double, _ harness: Harness) throws -> (
            item: Int, airtime: Date
        ) {
            let airtime = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + seconds) / 60).rounded(.up) * 60)
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
            formatter.dateFormat = "HH:mm"
            let file = harness.path("lich.yaml")
            try
                "slots:\n  - name: Bản tin\n    at: \"\(formatter.string(from: airtime))\"\n    zones: all\n    play: \((clip as NSString).lastPathComponent)\n"
                .write(toFile: file, atomically: true, encoding: .utf8)
            let applied = try harness.loa(["schedule", "apply", file])
            try #require(applied.status == 0, "\(applied.err)")
            let status = try harness.api("/status") as? [String: Any]
            let queued = (status?["zones"] as? [[String: Any]])?.first?["queued"] as? [[String: Any]] ?? []
            let planned = try #require(
                queued.first { ($0["source"] as? String) == "schedule: Bản tin" }, "nothing planned: \(queued)")
            let at = try #require(planned["plannedAt"] as? Int)
            #expect(Int64(at) == Int64(airtime.timeIntervalSince1970 * 1000), "planned at \(at)")
            return (try #require(planned["id"] as? Int), airtime)
        }

        @Test(.enabled(if: SpoofedSourceFloodTests.namespacesAvailable, "needs root for a network namespace"))
        func aBoxCutOffBeforeASlotPlaysItFromItsCopyAndNeverACancelledOne() throws {
            let harness = try Harness(groupOctet: 180)
            try harness.startController()
            let output = harness.path("far.raw")
            let box = try RelayedBox(
                harness, subnet: 67, name: "far", output: output, baseMilliseconds: 5, jitterMilliseconds: 0,
                lossPercent: 0,
                arguments: ["--heartbeat-interval", "1", "--fetch-kbps", "256", "--offline-after", "5"])
            defer { box.close() }

            // Two bulletins for the same minute: one will be cancelled before the cut, the other must play.
            let kept = harness.path("bulletin.wav")
            try ClipDeliveryTests.writeRisingTone(seconds: 6, to: kept)
            let withdrawn = harness.path("withdrawn.wav")
            try ClipDeliveryTests.writeRisingTone(seconds: 4, to: withdrawn)
            // The one that plays is a schedule slot's: applied, its occurrence is planned at once and offered.
            let (item, airtime) = try Self.schedule(kept, atNextMinuteAfter: 55, harness)
            let cancelled = try ClipDeliveryTests.queue(withdrawn, at: airtime, harness)
            _ = try harness.waitFor("the box to hold both clips", timeout: 100) { () -> Bool? in
                try ClipDeliveryTests.percent(harness, box.id, item) == 100
                    && ClipDeliveryTests.percent(harness, box.id, cancelled) == 100 ? true : nil
            }
            #expect(try harness.loa(["cancel", String(cancelled)]).status == 0)
            // The cancellation reaches the box as a signed timetable entry.
            _ = try harness.waitFor("the box to hold the timetable with the cancellation", timeout: 30) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
                return log.contains("1 items ahead, 1 cancelled") ? true : nil
            }
            let cut = airtime.addingTimeInterval(-10)
            try #require(Date() < cut, "the box was not ready 10 s before the slot: nothing to show")
            Thread.sleep(until: cut)
            box.relay.lossPercent = 100

            // At its time the box plays the slot from its copy: wait until it has played it all and gone quiet.
            let image = try ClipImage(ClipDeliveryTests.bytes(harness.path("far/state/clips/\(item).clip")))
            let reference = try HeldClipPlaybackTests.decode(image)
            var last = -1
            _ = try harness.waitFor("the box to play the bulletin on its own", timeout: 120) { () -> Bool? in
                let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
                defer { last = size }
                return size >= reference.count * 2 && size == last ? true : nil
            }
            let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
            #expect(log.contains("playing item \(item) of the zone's timetable from the box's copy"), "\(log)")
            #expect(!log.contains("playing item \(cancelled) "), "\(log)")
            // What reached the sound card is the clip's own decoding, every frame, and nothing of the cancelled one.
            let played = try AudioComparison.raw16(output).map { Int16($0) }
            #expect(HeldClipPlaybackTests.framesFound(reference, frame: 960, in: played) == image.frameCount)
            let silent = played.prefix { $0 == 0 }.count
            #expect(played.count - silent <= reference.count, "\(played.count - silent) samples for \(reference.count)")

            // The link returns: the box reports the play, and the log shows it per box, played offline.
            box.relay.lossPercent = 0
            let line = try harness.waitFor("the box's offline play in the log", timeout: 60) { () -> String? in
                try harness.loa(["log", "--per-box"]).out.split(separator: "\n")
                    .first { $0.contains("\(image.frameCount) frames:") && $0.contains("offline") }.map(String.init)
            }
            #expect(line.contains("\(image.frameCount) from its copy, 0 from the stream"), "\(line)")
            let csv = try harness.loa(["log", "--per-box", "--csv"]).out
            #expect(!csv.contains("\n\(cancelled),"), "\(csv)")
        }
    }
}
