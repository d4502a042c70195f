import Foundation
import Testing

@testable import LoaCLI
import LoaControlAPI

/// The CLI's two languages: how one is chosen, the catalogue that holds both, and the Vietnamese ways of writing
/// dates and priorities.
@Suite("Vietnamese")
struct VietnameseTests {
    @Test func theLanguageComesFromLoaLangElseTheMessageLocale() {
        #expect(Language.chosen(environment: [:]) == .english)
        #expect(Language.chosen(environment: ["LANG": "C"]) == .english)
        #expect(Language.chosen(environment: ["LANG": "vi_VN.UTF-8"]) == .vietnamese)
        #expect(Language.chosen(environment: ["LANG": "en_US.UTF-8", "LC_MESSAGES": "vi_VN"]) == .vietnamese)
        #expect(Language.chosen(environment: ["LANG": "vi_VN.UTF-8", "LC_ALL": "C"]) == .english)
        #expect(Language.chosen(environment: ["LANG": "vi_VN.UTF-8", "LC_ALL": ""]) == .vietnamese)
        #expect(Language.chosen(environment: ["LANG": "C", "LOA_LANG": "vi"]) == .vietnamese)
        #expect(Language.chosen(environment: ["LANG": "vi_VN.UTF-8", "LOA_LANG": "en"]) == .english)
    }

    /// Every message has both texts, neither empty, with the same placeholders.
    @Test func everyMessageHasBothLanguagesWithTheSamePlaceholders() throws {
        let placeholder = try Regex(#"\{[0-9]+\}"#)
        func placeholders(_ text: String) -> [String] {
            text.matches(of: placeholder).map { String(text[$0.range]) }.sorted()
        }
        for message in Message.allCases {
            let (english, vietnamese) = message.texts
            #expect(!english.trimmingCharacters(in: .whitespaces).isEmpty, "\(message) has no English")
            #expect(!vietnamese.trimmingCharacters(in: .whitespaces).isEmpty, "\(message) has no Vietnamese")
            #expect(
                Set(placeholders(english)) == Set(placeholders(vietnamese)), "\(message): \(english) / \(vietnamese)")
        }
        #expect(Message.allCases.count > 150)
        #expect(Message.cancelled.filled([7, "Họp"], in: .vietnamese) == "đã hủy #7 Họp")
        #expect(Message.cancelled.filled([7, "Họp"], in: .english) == "cancelled #7 Họp")
    }

    @Test func readsVietnameseAndISODates() throws {
        #expect(TypedDate("01/12/2026") == TypedDate(year: 2026, month: 12, day: 1))
        #expect(TypedDate("1/2/2026") == TypedDate(year: 2026, month: 2, day: 1))
        #expect(TypedDate("2026-12-01") == TypedDate(year: 2026, month: 12, day: 1))
        #expect(TypedDate("01/12/2026 17:05") == TypedDate(year: 2026, month: 12, day: 1, time: (17, 5)))
        #expect(TypedDate("2026-12-01 7:30") == TypedDate(year: 2026, month: 12, day: 1, time: (7, 30)))
        #expect(TypedDate("2026-12-01T07:30") == TypedDate(year: 2026, month: 12, day: 1, time: (7, 30)))
        #expect(TypedDate("29/02/2028") != nil)
        for bad in [
            "31/02/2026", "29/02/2026", "2026-13-01", "32/01/2026", "01/12/26", "12/2026", "01-12-2026",
            "01/12/2026 24:00", "01/12/2026 17:60", "01/12/2026 17", "hôm nay", "", "2026-12-01 17:00 x",
        ] {
            #expect(TypedDate(bad) == nil, "'\(bad)' was read as a date")
        }
        #expect(TypedDate("01/12/2026")?.iso == "2026-12-01")
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        // Midnight of 1 December in Hà Nội is 17:00 UTC on 30 November.
        #expect(TypedDate("01/12/2026")?.unixMilliseconds(in: hanoi) == 1_796_058_000_000)
        #expect(TypedDate("01/12/2026 07:00")?.unixMilliseconds(in: hanoi) == 1_796_083_200_000)
        #expect(TypedDate.month("12/2026") == "2026-12")
        #expect(TypedDate.month("3/2026") == "2026-03")
        #expect(TypedDate.month("2026-12") == "2026-12")
        #expect(TypedDate.month("13/2026") == nil && TypedDate.month("2026") == nil)
    }

    @Test func readsVietnamesePriorities() {
        for (typed, priority) in [
            ("normal", Priority.normal), ("thuong", .normal), ("thường", .normal), ("Thường", .normal),
            ("priority", .priority), ("uu-tien", .priority), ("ưu tiên", .priority), ("ưu-tiên", .priority),
            ("UU_TIEN", .priority), ("emergency", .emergency), ("khan-cap", .emergency), ("khẩn cấp", .emergency),
            ("khẩn-cấp", .emergency),
        ] {
            #expect(Priority(typed: typed) == priority, "\(typed)")
        }
        for bad in ["", "gap", "urgent", "khan", "uu tien tien"] {
            #expect(Priority(typed: bad) == nil, "'\(bad)' was read as a priority")
        }
        #expect(Priority.priority.name(in: .vietnamese) == "ưu tiên")
        #expect(Priority.priority.name(in: .english) == "priority")
    }

    /// The controller's and the libraries' words become what to do; an unknown line stays as it came.
    @Test func translatesKnownControllerLines() {
        let refused =
            "no controller answers at http://127.0.0.1:9 (connection refused); start it with 'loa-controller', "
            + "or point --controller or LOA_CONTROLLER at the right one"
        #expect(ClientErrorWords.translated(refused, in: .english) == refused)
        #expect(
            ClientErrorWords.translated(refused, in: .vietnamese).hasPrefix(
                "không có máy chủ điều khiển nào trả lời ở http://127.0.0.1:9 (bị từ chối kết nối)"))
        let notAudio =
            "not an audio file Loa can read (Format not recognised.); use WAV, FLAC, Ogg Vorbis/Opus, MP3 or AAC/M4A"
        for language in Language.allCases {
            #expect(!ClientErrorWords.translated(notAudio, in: language).contains("recognised"))
        }
        #expect(
            ClientErrorWords.translated("unknown zone 'x'; zones are: a, b", in: .vietnamese)
                == "không có khu vực 'x'; các khu vực là: a, b")
        #expect(ClientErrorWords.translated("something new", in: .vietnamese) == "something new")
        #expect(
            ParserWords.translated("USAGE: loa queue\nOPTIONS:", in: .vietnamese) == "CÁCH DÙNG: loa queue\nTÙY CHỌN:")
        #expect(ParserWords.translated("USAGE: loa", in: .english) == "USAGE: loa")
    }

    /// The controller's UTC times (receiver history) are shown in the commune's time.
    @Test func showsControllerTimesInCommuneTime() throws {
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        #expect(localText(iso: "2026-12-01T10:00:05.123Z", timeZone: hanoi) == "2026-12-01 17:00:05")
        #expect(localText(iso: "2026-12-01T10:00:05Z", timeZone: hanoi) == "2026-12-01 17:00:05")
        #expect(localText(iso: "not a time", timeZone: hanoi) == "not a time")
    }

    /// After queueing, a sentence: where it airs, about when and after how many items, per zone.
    @Test func saysWhenAQueuedItemWillAir() throws {
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        let now: Int64 = 1_796_108_400_000  // 01/12/2026 14:00 in Hà Nội
        func zoneItem(_ id: Int64, _ durationMs: Int, at position: Int? = nil) -> ZoneItem {
            ZoneItem(
                id: id, title: "t\(id)", priority: .normal, durationMs: durationMs, positionMs: position,
                plannedAt: now, source: "queue")
        }
        let item = ItemView(
            id: 21, title: "Thông báo họp", priority: .normal, zones: ["thon-dong", "thon-tay", "thon-nam"],
            durationMs: 60_000, plannedAt: now, source: "queue", states: [:])
        let status = StatusView(zones: [
            // 90 s left of the playing item, then 30 s of item 19, then item 21: about 14:02.
            ZoneState(
                name: "thon-dong", playing: zoneItem(18, 120_000, at: 30_000),
                queued: [zoneItem(19, 30_000), zoneItem(21, 60_000)], packetsSent: 0),
            ZoneState(name: "thon-tay", playing: zoneItem(21, 60_000, at: 0), queued: [], packetsSent: 0),
        ])
        #expect(
            QueuedSentence.text(item, status: status, now: now, timeZone: hanoi, language: .vietnamese)
                == "#21 \"Thông báo họp\" → thon-dong: phát khoảng 14:02, sau 2 mục; thon-tay: đang phát; thon-nam")
        #expect(
            QueuedSentence.text(item, status: status, now: now, timeZone: hanoi, language: .english)
                == "#21 \"Thông báo họp\" → thon-dong: airs about 14:02, after 2 items; thon-tay: playing now; thon-nam"
        )
    }

    /// The upload's progress line, and what happens once the file is sent.
    @Test func saysHowMuchOfAnUploadIsSent() {
        #expect(UploadLine.text(sent: 1 << 20, total: 4 << 20, language: .english) == "sending: 25% (1.0 of 4.0 MiB)")
        #expect(
            UploadLine.text(sent: 1 << 20, total: 4 << 20, language: .vietnamese) == "đang gửi: 25% (1.0 / 4.0 MiB)")
        #expect(
            UploadLine.text(sent: 4 << 20, total: 4 << 20, language: .vietnamese)
                == "đang gửi: 100% (4.0 / 4.0 MiB); máy chủ đang xử lý tệp (tệp dài cần chờ lâu hơn)")
    }
}
