import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// `loa schedule check/apply/show` against a real controller with the example commune's zones.
    @Suite("Schedules")
    struct ScheduleTests {
        let schedules = repositoryRoot.appendingPathComponent("Schedules")

        func setUp() throws -> Harness {
            let harness = try Harness(groupOctet: 10)
            let made = try harness.run(schedules.appendingPathComponent("make-clips").path, [])
            #expect(made.status == 0, "make-clips: \(made.err)")
            try harness.startController(config: schedules.appendingPathComponent("xa-hoa-binh-controller.yaml").path)
            return harness
        }

        /// Writes a schedule next to the example clips' folder and returns its path.
        func schedule(_ harness: Harness, _ name: String, _ text: String) throws -> String {
            let path = schedules.appendingPathComponent(".test-\(name).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test func theExampleScheduleChecksAppliesAndShows() throws {
            let harness = try setUp()
            let file = schedules.appendingPathComponent("xa-hoa-binh.yaml").path
            let check = try harness.loa(["schedule", "check", file])
            #expect(check.status == 0, "\(check.err)")
            #expect(check.out.contains("6 slots, no errors"))
            let apply = try harness.loa(["schedule", "apply", file])
            #expect(apply.status == 0, "\(apply.err)")
            // Tuesday 1 December 2026: weekday bulletins everywhere, the campaign in two hamlets, Thôn Tây's notice.
            let day = try harness.loa(["schedule", "show", "--day", "2026-12-01"])
            #expect(day.status == 0)
            #expect(day.out.contains("thon-nam\n"))
            #expect(day.out.contains("2026-12-01 Tue 05:30  Bản tin sáng: nhac-hieu.wav, ban-tin-sang.wav"))
            #expect(day.out.contains("2026-12-01 Tue 07:00  Thông báo tiêm chủng: tiem-chung.wav"))
            #expect(day.out.contains("2026-12-01 Tue 17:15  Thông báo thôn Tây"))
            #expect(!day.out.contains("Thông báo thôn Đông"))  // Mon, Wed, Fri only
            #expect(!day.out.contains("cuối tuần"))
            let week = try harness.loa(["schedule", "show", "--day", "2026-12-05", "--week"])
            #expect(week.out.contains("2026-12-05 Sat 06:30  Chương trình cuối tuần"))
            #expect(!week.out.contains("2026-12-06 Sun 07:00  Thông báo tiêm chủng"))  // the campaign ended on the 5th
        }

        @Test func eachMistakeGetsItsPlaceAndANameAndNothingIsApplied() throws {
            let harness = try setUp()
            let good = schedules.appendingPathComponent("xa-hoa-binh.yaml").path
            #expect(try harness.loa(["schedule", "apply", good]).status == 0)
            let before = try harness.loa(["schedule", "show", "--day", "2026-12-01", "--week"]).out

            let cases: [(name: String, text: String, expected: String)] = [
                (
                    "zone",
                    "slots:\n  - at: \"05:30\"\n    zones: [thon-dong, thon-xa]\n    play: clips/nhac-hieu.wav\n",
                    ":3:24: slot 'slot at line 2': unknown zone 'thon-xa'; zones are: thon-dong, thon-tay, thon-nam, thon-bac"
                ),
                (
                    "clip", "slots:\n  - name: Tin\n    at: \"06:00\"\n    zones: all\n    play: clips/khong-co.wav\n",
                    ":5:11: slot 'Tin': clip 'clips/khong-co.wav' is missing"
                ),
                (
                    // A text file renamed .mp3: the controller reads it as it would to air it, and says why not.
                    "not-audio",
                    "slots:\n  - name: Tin\n    at: \"06:00\"\n    zones: all\n    play: clips/.test-thu.mp3\n",
                    ":5:11: slot 'Tin': clip 'clips/.test-thu.mp3' cannot be played: not an audio file Loa can read"
                ),
                (
                    "time", "slots:\n  - name: Tin\n    at: \"25:00\"\n    zones: all\n    play: clips/nhac-hieu.wav\n",
                    ":3:9: bad time '25:00': write 24-hour HH:MM"
                ),
                (
                    "overlap",
                    "slots:\n  - name: A\n    at: \"06:00\"\n    zones: thon-dong\n    play: clips/cuoi-tuan.wav\n"
                        + "  - name: B\n    at: \"06:00\"\n    days: [mon]\n    zones: [thon-tay, thon-dong]\n    play: clips/nhac-hieu.wav\n",
                    ":6:5: slot 'B' at 06:00 overlaps slot 'A'"
                ),
                (
                    "range",
                    "slots:\n  - name: Chiến dịch\n    at: \"07:00\"\n    from: 2026-12-05\n    until: 2026-12-01\n    zones: all\n    play: clips/tiem-chung.wav\n",
                    ":5:12: slot 'Chiến dịch' ends (2026-12-01) before it starts (2026-12-05)"
                ),
            ]
            let notAudio = schedules.appendingPathComponent("clips/.test-thu.mp3").path
            try "Kính thưa bà con\n".write(toFile: notAudio, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: notAudio) }
            for (name, text, expected) in cases {
                let file = try schedule(harness, name, text)
                defer { try? FileManager.default.removeItem(atPath: file) }
                for command in ["check", "apply"] {
                    let result = try harness.loa(["schedule", command, file])
                    #expect(result.status != 0, "\(name): \(command) should fail")
                    #expect(result.err.contains(file + expected), "\(name): got \(result.err)")
                    #expect(result.err.contains("nothing applied"))
                    // One line, no decoder or library noise around it.
                    #expect(result.err.split(separator: "\n").count == 1, "\(name): got \(result.err)")
                }
            }
            // Several mistakes in one file: each is reported on its own line, at its own place, in one run.
            let several = try schedule(
                harness, "several",
                """
                slots:
                  - name: Sáng
                    at: "05:30"
                    zones: [thon-dong, thon-xa]
                    play: clips/nhac-hieu.wav
                  - name: Trưa
                    at: ["11:00", "25:00"]
                    zones: all
                    play: [clips/nhac-hieu.wav, clips/khong-co.wav]
                  - name: Chiều
                    at: "17:00"
                    zones: thon-tay
                    play: clips/cuoi-tuan.wav
                  - name: Thông báo
                    at: "17:00"
                    days: [mon, thu]
                    zones: [thon-tay]
                    play: clips/nhac-hieu.wav

                """)
            defer { try? FileManager.default.removeItem(atPath: several) }
            let expected = [
                ":4:24: slot 'Sáng': unknown zone 'thon-xa'",
                ":7:19: bad time '25:00'",
                ":9:33: slot 'Trưa': clip 'clips/khong-co.wav' is missing",
                ":14:5: slot 'Thông báo' at 17:00 overlaps slot 'Chiều'",
            ]
            for command in ["check", "apply"] {
                let result = try harness.loa(["schedule", command, several])
                #expect(result.status != 0, "several: \(command) should fail")
                let lines = result.err.split(separator: "\n").map(String.init)
                #expect(lines.count == expected.count, "several: got \(result.err)")
                for (line, place) in zip(lines, expected) {
                    #expect(line.hasPrefix("loa: " + several + place), "several: got \(line)")
                }
                #expect(lines.last?.hasSuffix("(4 errors; nothing applied)") == true)
            }
            let after = try harness.loa(["schedule", "show", "--day", "2026-12-01", "--week"]).out
            #expect(after == before)
        }
    }
}
