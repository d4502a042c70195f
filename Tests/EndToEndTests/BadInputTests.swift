import Foundation
import LoaSystem
import LoaTestSupport
import Testing

/// Bad input gets one clear line on stderr, a non-zero exit, and changes nothing; hostile datagrams at a
/// receiver are dropped and counted, never played.
extension RealProcesses {
    @Suite("Bad input")
    struct BadInputTests {
        /// Asserts `loa queue FILE` fails with exactly one stderr line containing `expected`.
        func expectRefused(_ harness: Harness, _ arguments: [String], _ expected: String, asUser: String? = nil) throws
        {
            let result = try harness.loa(arguments, asUser: asUser)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.out.isEmpty)
            let lines = result.err.split(separator: "\n")
            #expect(lines.count == 1, "one line, got: \(result.err)")
            #expect(result.err.contains(expected), "\(result.err) should say \(expected)")
        }

        @Test func badClipsAndZonesAreRefusedAndChangeNothing() throws {
            let harness = try Harness(groupOctet: 5)
            try harness.startController()
            let good = try harness.speech("good.wav", "Thử nghiệm.")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: harness.path("truncated.wav")))
            try Data("Đây không phải là âm thanh.\n".utf8).write(to: URL(fileURLWithPath: harness.path("notes.wav")))
            try Data().write(to: URL(fileURLWithPath: harness.path("empty.wav")))
            try bytes.prefix(44).write(to: URL(fileURLWithPath: harness.path("header-only.wav")))
            let locked = harness.path("locked.wav")
            try bytes.write(to: URL(fileURLWithPath: locked))
            chmod(locked, 0o600)

            try expectRefused(harness, ["queue", harness.path("missing.wav")], "no file")
            try expectRefused(harness, ["queue", locked], "cannot read", asUser: "nobody")
            try expectRefused(harness, ["queue", harness.path("empty.wav")], "empty")
            try expectRefused(harness, ["queue", harness.path("truncated.wav")], "truncated")
            try expectRefused(harness, ["queue", harness.path("notes.wav")], "not an audio file")
            try expectRefused(harness, ["queue", harness.path("header-only.wav")], "empty")
            try expectRefused(harness, ["queue", good, "--zone", "thon-khong-co"], "unknown zone 'thon-khong-co'")

            let status = try harness.loa(["status", "--json"])
            #expect(status.status == 0)
            #expect(!status.out.contains("\"playing\""))
            #expect(!status.out.contains("\"id\""))
            let clips = try FileManager.default.contentsOfDirectory(atPath: harness.path("state/clips"))
            #expect(clips.isEmpty)
            let uploads = try FileManager.default.contentsOfDirectory(atPath: harness.path("state/uploads"))
            #expect(uploads.isEmpty)
        }

        @Test func cancellingTwiceAndAVolumeWithoutATargetSayWhatIsTrue() throws {
            let harness = try Harness(groupOctet: 141)
            try harness.startController()
            let clip = try harness.speech(
                "notice.wav", "Thông báo của Ủy ban nhân dân xã về lịch tiêm phòng cho đàn gia súc trong tháng này.")
            let queued = try harness.loa(["queue", clip])
            #expect(queued.status == 0)
            let id = queued.out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try harness.loa(["cancel", id]).status == 0)
            // Not "already aired": it never aired.
            try expectRefused(harness, ["cancel", id], "item \(id) was already cancelled")
            // Not "not both": neither was given.
            try expectRefused(harness, ["volume", "70"], "name the receiver (its name or id), or a zone with --zone")
            try expectRefused(harness, ["volume", "70", "loa-1", "--zone", "all"], "not both")
        }

        @Test func nowWithoutPriorityIsRefusedAndTheReportDefaultsToThisMonth() throws {
            let harness = try Harness(groupOctet: 143)
            try harness.startController()
            let clip = try harness.speech("clip.wav", "Thử.")
            // --now only ever applied to priority items: a normal one asking for it is told, not ignored.
            try expectRefused(harness, ["queue", clip, "--now"], "--now is for a priority item")
            let status = try harness.loa(["status", "--json"])
            #expect(!status.out.contains("\"id\""), "nothing was queued: \(status.out)")
            let report = try harness.loa(["report"])
            #expect(report.status == 0, "\(report.err)")
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
            let now = calendar.dateComponents([.year, .month], from: Date())
            let month = String(format: "%04d-%02d", now.year!, now.month!)
            #expect(report.out.hasPrefix("Báo cáo phát thanh \(month)"), "\(report.out)")
        }

        @Test func everyProgramSaysItsVersionAndTheReceiversHelpGoesToStandardOutput() throws {
            let harness = try Harness(groupOctet: 142)
            for program in ["loa", "loa-controller", "loa-receiver"] {
                let result = try harness.run(Harness.binaries.appendingPathComponent(program).path, ["--version"])
                #expect(result.status == 0, "\(program) --version: \(result.err)")
                #expect(result.out.contains(LoaRelease.version), "\(program) --version said: \(result.out)")
                #expect(result.err.isEmpty)
            }
            let help = try harness.run(Harness.binaries.appendingPathComponent("loa-receiver").path, ["--help"])
            #expect(help.status == 0)
            #expect(help.out.contains("usage: loa-receiver [--version]"))
            #expect(help.err.isEmpty)
        }

        @Test func aControllerThatIsNotRunningIsNamedWithHowToStartIt() throws {
            let harness = try Harness(groupOctet: 6)
            let clip = try harness.speech("clip.wav", "Thử.")
            let result = try harness.run(
                Harness.binaries.appendingPathComponent("loa").path,
                ["queue", clip, "--controller", "http://127.0.0.1:9"])
            #expect(result.status != 0)
            #expect(result.err.split(separator: "\n").count == 1)
            #expect(result.err.contains("no controller answers at http://127.0.0.1:9 (connection refused)"))
            #expect(!result.err.contains("errno"), "the library's words stay out: \(result.err)")
            #expect(result.err.contains("loa-controller"))
        }

        @Test func aBadControllerConfigurationStopsItWithOneLine() throws {
            let harness = try Harness(groupOctet: 7)
            let config = harness.path("bad.yaml")
            try "zones:\n  - name: thon-a\n    group: 10.1.2.3:5004\n".write(
                toFile: config, atomically: true, encoding: .utf8)
            let result = try harness.run(
                Harness.binaries.appendingPathComponent("loa-controller").path,
                ["--state-dir", harness.path("state"), "--config", config, "--listen", "127.0.0.1:0"])
            #expect(result.status != 0)
            #expect(result.err.contains("bad.yaml:3"))
            #expect(result.err.contains("not a multicast"))
            #expect(result.err.split(separator: "\n").count == 1)
        }

        @Test func hostileDatagramsAreDroppedCountedAndNeverPlayed() throws {
            let harness = try Harness(groupOctet: 8)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let clip = try harness.speech(
                "speech.wav", "Cảnh báo: nước sông đang lên nhanh. Bà con vùng trũng chuẩn bị di dời người và tài sản.")
            let queued = try harness.loa(["queue", clip])
            #expect(queued.status == 0)
            // Once the receiver is locked onto the stream, flood it with junk while it plays.
            _ = try harness.waitFor("playback to start", timeout: 30) { () -> Bool? in
                let status = try harness.loa(["status", "--json"])
                return status.out.contains("\"positionMs\":") && !status.out.contains("\"positionMs\":0,") ? true : nil
            }
            let sender = JunkSender(group: harness.group, port: harness.port)
            let junk = JunkSender.junk(count: 3000)
            for (index, packet) in junk.enumerated() {
                sender.send(packet)
                if index % 100 == 99 { Thread.sleep(forTimeInterval: 0.02) }
            }
            sender.close()
            try harness.waitUntilIdle()
            harness.stop(receiver)
            #expect(!receiver.isRunning && receiver.terminationStatus == 0)

            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            let rejected =
                log.components(separatedBy: "rejected=").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? -1
            #expect(rejected >= junk.count - 10, "rejected=\(rejected) of \(junk.count) junk datagrams; log: \(log)")
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(output)
            let (_, correlation) = AudioComparison.compare(source: source, played: played)
            #expect(correlation >= 0.9)
            #expect(abs(played.count - source.count) <= RealProcesses.EndToEndTests.lengthTolerance)
        }
    }
}
