import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Text read aloud and the programme loudness, with real processes: `loa say` heard at a box, a schedule's
    /// `say:` slot applied and aired, and clips at −35 and −8 LUFS measured at the box's ALSA file output by
    /// ffmpeg's `ebur128` filter.
    @Suite("Text read aloud and equal loudness")
    struct SayTests {
        let notice = "UBND xã thông báo: chiều nay lúc 17h30, thôn Đông cắt điện để sửa đường dây. Bà con chú ý."

        /// Starts the controller with one zone on the harness's group and the programme loudness on (the default).
        func startController(_ harness: Harness) throws {
            let config = harness.path("loud.yaml")
            try
                "zones:\n  - name: all\n    group: \(harness.group):\(harness.port)\n    interface: 127.0.0.1\n    ttl: 0\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            try harness.startController(config: config)
        }

        /// The id `loa` printed, or a failure with its words.
        func id(_ result: (status: Int32, out: String, err: String)) throws -> Int {
            guard result.status == 0, let id = Int(result.out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw HarnessError("loa failed (\(result.status)): \(result.err)")
            }
            return id
        }

        /// The playing time of item `id` in milliseconds, as the controller reports it.
        func duration(_ harness: Harness, item id: Int) throws -> Int {
            let item = try #require(try harness.api("/items/\(id)") as? [String: Any])
            return try #require(item["durationMs"] as? Int)
        }

        /// The root mean square of `samples` (16-bit values), relative to full scale.
        func level(_ samples: ArraySlice<Float>) -> Double {
            let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
            return (sum / Double(max(1, samples.count))).squareRoot() / 32768
        }

        @Test func aNoticeSaidWithLoaIsHeardAtTheBoxAndLoggedWithItsText() throws {
            let harness = try Harness(groupOctet: 93)
            try startController(harness)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)

            let preview = try harness.loa(["say", "--dry-run", notice])
            #expect(preview.status == 0, "\(preview.err)")
            #expect(preview.out.contains("Ủy ban nhân dân xã thông báo: chiều nay lúc mười bảy giờ ba mươi phút"))

            let item = try id(try harness.loa(["say", notice, "--zones", "all"]))
            try harness.waitUntilIdle()
            harness.stop(receiver)
            let milliseconds = try duration(harness, item: item)
            #expect(milliseconds > 3000, "the speech lasts \(milliseconds) ms")
            let played = try AudioComparison.raw16(output)
            #expect(abs(played.count - milliseconds * 48) <= 2 * 960, "played \(played.count), item \(milliseconds) ms")
            #expect(level(played[...]) > 0.02, "the box played silence")
            let loudness = try FFmpegLoudness.measure(output, raw: true)
            #expect(abs(loudness.integrated + 16) <= 1, "the speech airs at \(loudness.integrated) LUFS")

            let log = try harness.loa(["log", "--csv"])
            #expect(log.status == 0)
            #expect(log.out.contains(",completed,,\"\(notice)\""), "\(log.out)")
            let table = try harness.loa(["log"])
            #expect(table.out.contains("→ completed"))
            #expect(table.out.contains("    said: \(notice)"))
        }

        @Test func aNoticeThatCannotBeSaidIsRefusedInOneLine() throws {
            let harness = try Harness(groupOctet: 94)
            try startController(harness)
            let emergency = try harness.loa(["say", notice, "--priority", "emergency"])
            #expect(emergency.status == 1)
            #expect(emergency.err.contains("an emergency airs only by a signed command"))
            let empty = try harness.loa(["say", "  "])
            #expect(
                empty.status == 1 && empty.err == "loa: the text to read aloud is empty; give the words of the notice\n"
            )
            let noWords = try harness.loa(["say", "…"])
            #expect(noWords.status == 1 && noWords.err.contains("the text to read aloud is empty"))
            let zone = try harness.loa(["say", notice, "--zones", "thon-xa"])
            #expect(zone.status == 1 && zone.err.contains("unknown zone 'thon-xa'"))
            let queue = try harness.loa(["queue", "--list"])
            #expect(queue.out.contains("(nothing queued)"))
            let audit = try harness.loa(["audit"])
            #expect(audit.out.contains("read aloud an emergency notice"))
        }

        @Test func aSaySlotIsAppliedAndAiredAtItsTime() throws {
            let harness = try Harness(groupOctet: 95)
            try startController(harness)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            // The next whole minute in the controller's time zone that is at least 10 s away.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
            let soon = Date().addingTimeInterval(70)
            let parts = calendar.dateComponents([.hour, .minute], from: soon)
            let at = String(format: "%02d:%02d", parts.hour!, parts.minute!)
            let text = "Thông báo lúc \(at): mời bà con thôn Đông họp tại nhà văn hóa."
            let file = harness.path("lich.yaml")
            try "slots:\n  - name: Họp thôn\n    at: \"\(at)\"\n    zones: all\n    say: \"\(text)\"\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            let check = try harness.loa(["schedule", "check", file])
            #expect(check.status == 0, "\(check.err)")
            let apply = try harness.loa(["schedule", "apply", file])
            #expect(apply.status == 0, "\(apply.err)")
            let shown = try harness.loa(["schedule", "show"])
            #expect(shown.out.contains("\(at)  Họp thôn: Thông báo lúc"), "\(shown.out)")

            let entry = try harness.waitFor("the slot to air", timeout: 180) { () -> [String: Any]? in
                let log = try? harness.api("/log?since=0") as? [[String: Any]]
                return log?.first { $0["outcome"] as? String == "completed" }
            }
            #expect(entry["text"] as? String == text)
            #expect((entry["title"] as? String)?.hasPrefix("Thông báo lúc \(at)") == true)
            let frames = try #require(entry["toFrame"] as? Int)
            try harness.waitUntilIdle()
            harness.stop(receiver)
            let played = try AudioComparison.raw16(output)
            #expect(abs(played.count - frames * 960) <= 2 * 960, "played \(played.count) samples of \(frames) frames")
            #expect(level(played[...]) > 0.02, "the box played silence")

            // A slot whose text is empty is refused at its place, and nothing is applied.
            try "slots:\n  - name: Trống\n    at: \"05:00\"\n    zones: all\n    say: \"\"\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            let bad = try harness.loa(["schedule", "apply", file])
            #expect(bad.status == 1)
            #expect(bad.err.contains("lich.yaml:5:10: slot 'Trống': 'say' needs the words of the notice"), "\(bad.err)")
        }

        @Test func aQuietRecordingAndALoudJingleAirEquallyLoud() throws {
            let harness = try Harness(groupOctet: 96)
            try startController(harness)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let speech = try harness.speech(
                "speech.wav", "Thông báo của Ủy ban nhân dân xã về lịch tiêm chủng cho trẻ em.")
            let quiet = harness.path("quiet.wav")
            try FFmpegLoudness.scaled(speech, to: -35, path: quiet)
            try FFmpegLoudness.sox([
                "-n", "-r", "44100", "-c", "1", "-b", "16", harness.path("tone.wav"), "synth", "4", "sine", "300/1500",
            ])
            let loud = harness.path("loud.wav")
            try FFmpegLoudness.scaled(harness.path("tone.wav"), to: -8, path: loud)
            #expect(abs(try FFmpegLoudness.measure(quiet).integrated + 35) < 0.5)
            #expect(abs(try FFmpegLoudness.measure(loud).integrated + 8) < 0.5)

            let ids = try harness.queueAndWait([quiet, loud])
            harness.stop(receiver)
            let first = try duration(harness, item: ids[0]) * 48
            let played = try AudioComparison.raw16(output)
            #expect(played.count > first)
            var measured: [Double] = []
            for (index, part) in [played.prefix(first), played.dropFirst(first)].enumerated() {
                let path = harness.path("part\(index).raw")
                var data = Data()
                for sample in part { withUnsafeBytes(of: Int16(sample).littleEndian) { data.append(contentsOf: $0) } }
                try data.write(to: URL(fileURLWithPath: path))
                measured.append(try FFmpegLoudness.measure(path, raw: true).integrated)
            }
            #expect(abs(measured[0] + 16) <= 1, "the quiet recording airs at \(measured[0]) LUFS")
            #expect(abs(measured[1] + 16) <= 1, "the loud jingle airs at \(measured[1]) LUFS")
            #expect(abs(measured[0] - measured[1]) <= 1)
            let log = try String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)
            #expect(log.contains("LUFS as stored"), "the controller logs each clip's level")
        }
    }
}
