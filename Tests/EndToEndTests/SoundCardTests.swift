import Foundation
import LoaTestSupport
import Testing

/// A speaker box whose sound card is missing at start, comes later, and fails in the middle of a bulletin:
/// the box heartbeats throughout, the controller shows and alerts the failure, and the bulletin goes on once
/// the card is back. The "card" is an ALSA `file` PCM whose output is a pipe into `cat`, defined in a config
/// file of the test's own (`ALSA_CONFIG_PATH`, which libasound reads again when it changes); killing the `cat`
/// makes the device fail exactly as a pulled-out USB card does (every write fails).
extension RealProcesses {
    @Suite("Sound card")
    struct SoundCardTests {
        /// The sound card defined: each time it is opened its output goes to a new `card-<pid>.raw` (ALSA's `file`
        /// plugin would read `%` as its own placeholders, so the shell's PID names it).
        static func plugIn(_ harness: Harness, config: String) throws {
            // libasound notices a changed config by its modification time, in whole seconds.
            let written =
                (try? FileManager.default.attributesOfItem(atPath: config)[.modificationDate] as? Date) ?? .distantPast
            let wait = written.addingTimeInterval(1.1).timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            try """
            pcm.loatest {
                type file
                slave.pcm { type null }
                file "|cat > \(harness.path("card"))-$$.raw"
                format "raw"
            }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        /// The files the card wrote, the one written last at the end.
        static func cardFiles(_ harness: Harness) throws -> [String] {
            func modified(_ path: String) -> Date {
                ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
            }
            return try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
                .filter { $0.hasPrefix("card-") && $0.hasSuffix(".raw") }.map(harness.path)
                .sorted { modified($0) < modified($1) }
        }

        static func log(_ harness: Harness) -> String {
            (try? String(contentsOfFile: harness.path("box.log"), encoding: .utf8)) ?? ""
        }

        /// How well `played` matches the part of `source` that starts `offset` samples in (±0.3 s).
        static func match(_ source: [Float], from offset: Int, _ played: [Float]) -> Double {
            let part = Array(source[max(0, min(offset, source.count))...].prefix(played.count))
            return AudioComparison.compare(source: part, played: played, maximumLag: 14_400).correlation
        }

        /// Kills what the receiver's card pipe runs (a shell and its `cat`, or the `cat` alone).
        static func pullOut(_ harness: Harness, receiver: Process) throws {
            let children = try harness.run("/usr/bin/pgrep", ["-P", String(receiver.processIdentifier)]).out
                .split(separator: "\n").compactMap { Int32($0) }
            #expect(!children.isEmpty, "the card's pipe runs as a child of the receiver")
            for child in children {
                _ = try harness.run("/usr/bin/pkill", ["-KILL", "-P", String(child)])
                kill(child, SIGKILL)
            }
        }

        @Test func aBoxWaitsForItsCardHeartbeatingAndPlaysOnAfterTheCardFails() throws {
            let harness = try Harness(groupOctet: 50)
            try FleetTests.startController(harness)
            let home = harness.path("box")
            try FileManager.default.createDirectory(atPath: home + "/state", withIntermediateDirectories: true)
            try harness.installTrust(stateDirectory: home + "/state")
            let config = harness.path("asound.conf")
            try "pcm.other { type null }\n".write(toFile: config, atomically: true, encoding: .utf8)
            let port = harness.heartbeatAddress.split(separator: ":").last!
            let receiver = try harness.launch(
                "loa-receiver",
                [
                    "--group", "\(harness.group):\(harness.port)", "--interface", "127.0.0.1", "--device", "loatest",
                    "--stats-interval", "0", "--controller", "127.0.0.1:\(port)", "--state-dir", home + "/state",
                    "--heartbeat-interval", "1",
                ], stderr: harness.path("box.log"), environment: ["HOME": home, "ALSA_CONFIG_PATH": config])

            // No card: one line per attempt, and the box carries on: it enrols and, once approved, is online
            // with its sound card shown as failing, and an alert says so.
            _ = try harness.waitFor("the receiver to report the missing card", timeout: 30) {
                Self.log(harness).contains(
                    "error: cannot open ALSA device 'loatest': No such file or directory (Unknown PCM loatest); retrying in 1 s"
                )
                    ? true : nil
            }
            let id = try harness.waitFor("the box to appear", timeout: 30) { () -> String? in
                try FleetTests.receivers(harness).first { $0["state"] as? String == "pending" }?["id"] as? String
            }
            #expect(try harness.loa(["receivers", "approve", id, "--name", "nha-van-hoa"]).status == 0)
            try FleetTests.waitForState(harness, id, "online")
            _ = try harness.waitFor("the sound-card alert", timeout: 15) {
                FleetTests.alerts(harness).contains("\"kind\":\"sound-card\"") ? true : nil
            }
            #expect(
                try FleetTests.receivers(harness).first { $0["id"] as? String == id }?["soundCardFailing"] as? Bool
                    == true)
            #expect(try harness.loa(["receivers"]).out.contains("FAILING"))

            // The card comes: the box opens it by itself and the controller clears the alert.
            try Self.plugIn(harness, config: config)
            _ = try harness.waitFor("the receiver to open the card", timeout: 60) {
                Self.log(harness).contains("ALSA device 'loatest' works again") ? true : nil
            }
            _ = try harness.waitFor("the cleared alert", timeout: 15) {
                FleetTests.alerts(harness).contains("\"kind\":\"sound-card-cleared\"") ? true : nil
            }
            #expect(
                try FleetTests.receivers(harness).first { $0["id"] as? String == id }?["soundCardFailing"] as? Bool
                    == false)

            // A bulletin plays; two seconds in, the card fails. The box opens it again and the bulletin goes
            // on from where the stream is, into the card's next file.
            let clip = try harness.sweep("bulletin.wav", seconds: 10)
            let queued = try harness.loa(["queue", clip])
            #expect(queued.status == 0, "\(queued.err)")
            let first = try harness.waitFor("two seconds of sound", timeout: 60) { () -> String? in
                guard let file = try Self.cardFiles(harness).last,
                    let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int, size >= 192_000
                else { return nil }
                return file
            }
            try Self.pullOut(harness, receiver: receiver)
            _ = try harness.waitFor("the failure to be logged", timeout: 30) {
                Self.log(harness).contains(
                    "error: ALSA device 'loatest' failed while playing: Input/output error; retrying in 1 s")
                    ? true : nil
            }
            try harness.waitUntilIdle()
            #expect(Self.log(harness).components(separatedBy: "ALSA device 'loatest' works again").count == 3)
            let files = try Self.cardFiles(harness)
            #expect(files.count == 2 && files.first == first, "\(files)")
            let source = try AudioComparison.reference(clip)
            let before = try AudioComparison.raw16(first)
            let after = try AudioComparison.raw16(try #require(files.last))
            // Before: the bulletin from its start. After: at least three seconds more, matching the bulletin's
            // part that the stream had reached (it ends where the bulletin ends).
            #expect(Self.match(source, from: 0, before) > 0.9)
            #expect(after.count >= 3 * 48_000, "\(after.count) samples after the card came back")
            #expect(Self.match(source, from: source.count - after.count, after) > 0.9)
            harness.stop(receiver)
        }
    }
}
