import LoaSchedule
import Testing

/// `say:` in a slot: texts read aloud after the slot's clips, each checked at its place (an empty text, a text
/// the controller's voice cannot read), their playing time counted when slots are checked for overlaps.
@Suite("Slots that read a text")
struct SaySlotTests {
    let today = LocalDate(year: 2026, month: 12, day: 1)

    /// Texts containing "lỗi" cannot be read; the others take 90 s; every clip 30 s.
    func check(_ text: String) throws -> [String] {
        var issues: [ScheduleIssue] = []
        let schedule: Schedule
        do { schedule = try ScheduleParser.parse(text, file: "lich.yaml", directory: "/srv") } catch {
            issues = error.issues
            schedule = try #require(error.partial)
        }
        let checker = ScheduleChecker(
            zones: ["thon-dong"], today: today,
            textDuration: { text in
                text.contains("lỗi") ? .failure(.init("cannot be read aloud: tts failed")) : .success(90_000)
            }
        ) { _ in .success(30_000) }
        issues += checker.check(schedule, file: "lich.yaml")
        return issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }.map(\.description)
    }

    @Test func aSlotReadsItsTextsAfterItsClips() throws {
        let schedule = try ScheduleParser.parse(
            """
            slots:
              - name: Thông báo
                at: "07:00"
                zones: thon-dong
                play: nhac-hieu.wav
                say: ["Mời bà con họp lúc 7h30 tại nhà văn hóa.", "Xin cảm ơn."]
              - name: Chỉ đọc
                at: "08:00"
                zones: thon-dong
                say: UBND xã thông báo lịch tiêm chủng.
            """, file: "lich.yaml", directory: "/srv")
        #expect(schedule.slots[0].clips == ["nhac-hieu.wav"])
        #expect(schedule.slots[0].texts == ["Mời bà con họp lúc 7h30 tại nhà văn hóa.", "Xin cảm ơn."])
        #expect(schedule.slots[0].placeOfText(1).line == 6 && schedule.slots[0].placeOfText(1).column > 50)
        #expect(schedule.slots[1].clips.isEmpty && schedule.slots[1].texts == ["UBND xã thông báo lịch tiêm chủng."])
    }

    @Test func eachTextProblemHasItsPlace() throws {
        let found = try check(
            """
            slots:
              - name: a
                at: "07:00"
                zones: thon-dong
                say: ["", "có lỗi ở đây"]
              - name: b
                at: "09:00"
                zones: thon-dong
            """)
        #expect(
            found == [
                "lich.yaml:5:11: slot 'a': 'say' needs the words of the notice (a text, or a list of texts)",
                "lich.yaml:5:15: slot 'a': the text 'có lỗi ở đây' cannot be read aloud: tts failed",
                "lich.yaml:6:5: slot 'b' needs 'play:' (a sound file, or a list to play in order), 'say:' (a text to read aloud) or 'relay:' (a station's address)",
            ])
    }

    @Test func spokenTimeCountsTowardsOverlaps() throws {
        // 07:00 + 30 s clip + 90 s text ends at 07:02, after 07:01.
        let found = try check(
            """
            slots:
              - name: a
                at: "07:00"
                zones: thon-dong
                play: x.wav
                say: Mời bà con họp.
              - name: b
                at: "07:01"
                zones: thon-dong
                play: y.wav
            """)
        #expect(
            found.count == 1 && found[0].hasPrefix("lich.yaml:7:5: slot 'b' at 07:01 overlaps slot 'a' (07:00–07:02)"))
    }
}
