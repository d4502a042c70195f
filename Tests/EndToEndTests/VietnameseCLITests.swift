import Foundation
import LoaTestSupport
import Testing

/// `loa` speaks the user's language: Vietnamese with a Vietnamese locale (or `LOA_LANG=vi`), English otherwise,
/// for its help, its tables and its errors, the controller's included; Vietnamese dates and priorities are read.
extension RealProcesses {
    @Suite("Vietnamese CLI")
    struct VietnameseCLITests {
        static let vietnamese = ["LANG": "vi_VN.UTF-8"]
        static let english = ["LANG": "C"]

        @Test func helpTablesAndErrorsAreInTheLocalesLanguage() throws {
            let harness = try Harness(groupOctet: 177)
            try harness.startController()
            let clip = try harness.speech("tin.wav", "Thử nghiệm.")
            try Data("Đây không phải là âm thanh.\n".utf8).write(to: URL(fileURLWithPath: harness.path("notes.mp3")))

            let help = try harness.loa(["--help"], controller: false, environment: Self.vietnamese)
            #expect(help.status == 0)
            #expect(help.out.contains("CÁCH DÙNG: loa") && help.out.contains("Phát thông báo ra loa của xã."))
            #expect(!help.out.contains("USAGE:"), "\(help.out)")
            let queueHelp = try harness.loa(["queue", "--help"], controller: false, environment: Self.vietnamese)
            #expect(queueHelp.out.contains("Tệp âm thanh.") && queueHelp.out.contains("TÙY CHỌN:"))
            let englishHelp = try harness.loa(["--help"], controller: false, environment: Self.english)
            #expect(englishHelp.out.contains("USAGE: loa"))
            #expect(englishHelp.out.contains("Broadcast announcements to the commune's loudspeakers."))
            let chosen = try harness.loa(
                ["--help"], controller: false, environment: ["LANG": "vi_VN.UTF-8", "LOA_LANG": "en"])
            #expect(chosen.out.contains("USAGE: loa"), "LOA_LANG=en wins over LANG")

            let zones = try harness.loa(["zones"], environment: Self.vietnamese)
            #expect(zones.status == 0)
            #expect(zones.out.hasPrefix("KHU VỰC") && zones.out.contains("LOA HOẠT ĐỘNG"), "\(zones.out)")
            let englishZones = try harness.loa(["zones"], environment: Self.english)
            #expect(englishZones.out.hasPrefix("ZONE") && englishZones.out.contains("BOXES ONLINE"))

            let zone = try harness.loa(["queue", clip, "--zone", "thon-khong-co"], environment: Self.vietnamese)
            #expect(zone.status != 0 && zone.out.isEmpty)
            #expect(zone.err.split(separator: "\n").count == 1)
            #expect(zone.err.contains("không có khu vực 'thon-khong-co'"), "\(zone.err)")
            let englishZone = try harness.loa(["queue", clip, "--zone", "thon-khong-co"], environment: Self.english)
            #expect(englishZone.err.contains("unknown zone 'thon-khong-co'"))

            // libsndfile's "Format not recognised." becomes what to do.
            let notAudio = try harness.loa(["queue", harness.path("notes.mp3")], environment: Self.vietnamese)
            #expect(notAudio.status != 0 && notAudio.err.split(separator: "\n").count == 1)
            #expect(notAudio.err.contains("không phải tệp âm thanh Loa đọc được"), "\(notAudio.err)")
            #expect(!notAudio.err.contains("recognised"), "\(notAudio.err)")
        }

        @Test func vietnameseDatesAndPrioritiesAreReadAndAWrongDateIsOneLine() throws {
            let harness = try Harness(groupOctet: 178)
            try harness.startController()
            let clip = try harness.speech("tin.wav", "Thử nghiệm.")

            let badDate = try harness.loa(["log", "--since", "31/02/2026"], environment: Self.vietnamese)
            #expect(badDate.status != 0 && badDate.out.isEmpty)
            #expect(badDate.err.split(separator: "\n").count == 1)
            #expect(badDate.err.contains("--since '31/02/2026' không phải ngày hợp lệ"), "\(badDate.err)")
            let englishBadDate = try harness.loa(["log", "--since", "31/02/2026"], environment: Self.english)
            #expect(englishBadDate.status != 0 && englishBadDate.err.split(separator: "\n").count == 1)
            #expect(englishBadDate.err.contains("--since '31/02/2026' must be a date"), "\(englishBadDate.err)")
            let badDay = try harness.loa(["schedule", "show", "--day", "2026-13-01"], environment: Self.vietnamese)
            #expect(badDay.status != 0 && badDay.err.contains("không phải ngày hợp lệ"), "\(badDay.err)")

            let log = try harness.loa(["log", "--since", "01/12/2026 05:30"], environment: Self.vietnamese)
            #expect(log.status == 0, "\(log.err)")
            #expect(log.out.contains("không có gì được phát từ 2026-12-01 05:30:00"), "\(log.out)")
            let show = try harness.loa(["schedule", "show", "--day", "1/12/2026"], environment: Self.vietnamese)
            #expect(show.status == 0, "\(show.err)")

            let queued = try harness.loa(["queue", clip, "--priority", "ưu tiên"], environment: Self.vietnamese)
            #expect(queued.status == 0, "\(queued.err)")
            // Queued, playing or aired: wherever it is, it is a priority item.
            _ = try harness.waitFor("the item as a priority item", timeout: 30) { () throws -> Bool? in
                let list = try harness.loa(["queue", "--list"], environment: Self.english).out
                let log = try harness.loa(["log"], environment: Self.english).out
                return (list + log).contains("[priority] tin.wav") ? true : nil
            }
            let badPriority = try harness.loa(["queue", clip, "--priority", "gap"], environment: Self.vietnamese)
            #expect(badPriority.status != 0 && badPriority.err.contains("dùng thuong, uu-tien hoặc khan-cap"))
        }
    }
}
