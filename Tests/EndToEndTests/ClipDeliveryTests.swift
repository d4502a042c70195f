import Foundation
import LoaCrypto
import LoaTestSupport
import LoaWire
import Testing

extension RealProcesses {
    /// Issue 15, points 1, 2 and 6: a bulletin queued for later is delivered ahead to a box behind a lossy, jittery
    /// path (a relay adding 40 ± 20 ms and dropping 30 % of the datagrams each way), over the box's own outward path.
    /// The box's cache ends up with the very bytes of the controller's stored clip; a power cut (SIGKILL) in the
    /// middle of the download leaves a cache the box resumes from where it stopped; a cached clip altered by one
    /// byte is refused at the next start and fetched again. Counts and files only: nothing here is timed.
    @Suite("Clips delivered ahead")
    struct ClipDeliveryTests {
        @Test(.enabled(if: SpoofedSourceFloodTests.namespacesAvailable, "needs root for a network namespace"))
        func aQueuedBulletinReachesTheBoxWholeThroughLossAndAPowerCut() throws {
            let harness = try Harness(groupOctet: 174)
            try harness.startController()
            // 16 kbit/s: a 20 s clip (about 90 kB) takes about 45 s, long enough to cut the power in between.
            let box = try RelayedBox(
                harness, subnet: 65, name: "far", output: harness.path("far.raw"), baseMilliseconds: 40,
                jitterMilliseconds: 20, lossPercent: 30,
                arguments: ["--heartbeat-interval", "1", "--fetch-kbps", "16"])
            defer { box.close() }

            // A 20 s bulletin planned for ten minutes from now.
            let clip = harness.path("bulletin.wav")
            try Self.writeRisingTone(seconds: 20, to: clip)
            let (item, _) = try Self.queue(clip, atNextMinuteAfter: 600, harness)

            // Part of it arrives: then the power is cut, and the box starts again.
            let part = try harness.waitFor("the box to fetch part of the clip", timeout: 120) { () -> Int? in
                guard let percent = try Self.percent(harness, box.id, item), percent >= 10 else { return nil }
                return percent
            }
            #expect(part < 100, "the download was not cut: \(part) %")
            try box.restart(after: SIGKILL)
            _ = try harness.waitFor("the box to resume", timeout: 60) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
                return log.contains("clip of item \(item) offered ahead") ? true : nil
            }
            let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
            #expect(log.contains("resuming at byte "), "the box starts over instead of resuming: \(log)")
            _ = try harness.waitFor("the box to hold the clip whole", timeout: 240) { () -> Bool? in
                try Self.percent(harness, box.id, item) == 100 ? true : nil
            }
            // /metrics counts the chunks sent: at least the clip's size in chunks.
            let metrics = try harness.apiText("/metrics").split(separator: "\n")
            let sent = metrics.first { $0.hasPrefix("loa_clip_chunks_sent ") }.flatMap {
                Double($0.split(separator: " ")[1])
            }
            let size = try Self.bytes(harness.path("far/state/clips/\(item).clip")).count
            #expect(
                (sent ?? 0) >= Double(size / FleetMessage.clipChunkBytes), "\(metrics.filter { $0.contains("clip") })")
            let held = harness.path("far/state/clips/\(item).clip")
            #expect(try Self.controllerClips(harness).contains(SHA256.hash(try Self.bytes(held))))
            let shown = try harness.loa(["receivers", "show", box.id]).out
            #expect(shown.contains("bulletins held ahead: #\(item) ready"), "\(shown)")

            // One byte changed on the box's storage: refused at the next start, and fetched again.
            var bytes = try Self.bytes(held)
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: held))
            try box.restart(after: SIGTERM)
            _ = try harness.waitFor("the box to refuse the altered clip", timeout: 60) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
                return log.contains("clip of item \(item) held ahead fails its check") ? true : nil
            }
            _ = try harness.waitFor("the box to fetch it again", timeout: 300) { () -> Bool? in
                guard FileManager.default.fileExists(atPath: held) else { return nil }
                return try Self.percent(harness, box.id, item) == 100 ? true : nil
            }
            #expect(try Self.controllerClips(harness).contains(SHA256.hash(try Self.bytes(held))))
            #expect(try harness.loa(["cancel", String(item)]).status == 0)
        }

        /// A tone that rises a little every 0.1 s, `seconds` long, as a WAV file: no two parts of it encode alike.
        static func writeRisingTone(seconds: Int, to file: String) throws {
            let samples = (0..<(seconds * 48_000)).map { (index: Int) -> Float in
                let frequency = 300 + Double(index / 4800)
                return Float(0.3 * sin(Double(index) * 2 * Double.pi * frequency / 48_000))
            }
            try FFmpegLoudness.writeWAV(samples, to: file)
        }

        /// Queues `clip` with `loa queue --at` for the first whole minute (commune time) at least `seconds` from now;
        /// returns the item and its airtime.
        static func queue(_ clip: String, atNextMinuteAfter seconds: Double, _ harness: Harness) throws -> (
            item: Int, airtime: Date
        ) {
            let airtime = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + seconds) / 60).rounded(.up) * 60)
            return (try queue(clip, at: airtime, harness), airtime)
        }

        /// Queues `clip` with `loa queue --at` for `airtime` (a whole minute, commune time); returns the item.
        static func queue(_ clip: String, at airtime: Date, _ harness: Harness) throws -> Int {
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
            formatter.dateFormat = "HH:mm"
            let queued = try harness.loa(["queue", clip, "--at", formatter.string(from: airtime)])
            try #require(queued.status == 0, "\(queued.err)")
            return try #require(
                queued.out.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) }, "\(queued.out)")
        }

        /// How much of `item` the box's last heartbeat says it holds (percent), nil if it does not report it.
        static func percent(_ harness: Harness, _ box: String, _ item: Int) throws -> Int? {
            let detail = try harness.api("/receivers/" + box) as? [String: Any]
            let clips = (detail?["heartbeat"] as? [String: Any])?["clips"] as? [[String: Any]] ?? []
            return clips.first { $0["item"] as? Int == item }?["percent"] as? Int
        }

        /// The SHA-256 of every clip the controller stores.
        static func controllerClips(_ harness: Harness) throws -> [[UInt8]] {
            let folder = harness.path("state/clips")
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".loaclip") }
                .map { SHA256.hash(try bytes(folder + "/" + $0)) }
        }

        static func bytes(_ path: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }
}
