import LoaControlAPI
import LoaSchedule
import Testing

@testable import LoaController

/// Lịch's rules: the form's fields read as a slot, an edit's effect on the schedule, and overlaps (midnight too).
@Suite("Lịch edits")
struct ScheduleEditTests {
    let morning = Slot(
        id: 7, name: "Bản tin sáng", zones: ["thon-a"], times: [360], weekdays: [1, 2, 3, 4, 5, 6, 7], fromDate: nil,
        untilDate: nil, clipIds: [3])

    func edit(
        _ operation: ScheduleEdit.Operation, times: String = "06:30", weekdays: [String] = ["1"],
        zones: [String] = ["thon-a"], text: String? = nil, clip: Int64? = nil, from: String? = nil,
        existing: Slot? = nil
    ) throws(ScheduleEdit.Problem) -> ScheduleEdit {
        try ScheduleEdit(
            operation: operation, name: "Tin", times: times, weekdays: weekdays, zones: zones, text: text, clip: clip,
            from: from, until: nil, existing: existing)
    }

    @Test func timesAreReadAsAVietnameseOfficeWritesThem() {
        #expect(ScheduleEdit.minutes("06:00, 17:30") == [360, 1050])
        #expect(ScheduleEdit.minutes("6h 17h30 6h") == [360, 1050])
        #expect(ScheduleEdit.minutes("17.30") == [1050])
        #expect(ScheduleEdit.minutes("25:00") == nil)
        #expect(ScheduleEdit.minutes("sáng") == nil)
    }

    @Test func anEditAddsReplacesOrDeletesOneSlot() throws {
        let added = try edit(.add, text: "Thông báo.")
        #expect(added.text == "Thông báo.")
        #expect(added.applied(to: [morning]).map(\.name) == ["Bản tin sáng", "Tin"])
        // Replaced without new content: the slot keeps its clips.
        let replaced = try edit(.replace(7), existing: morning)
        #expect(
            replaced.applied(to: [morning]) == [
                SlotInput(
                    name: "Tin", zones: ["thon-a"], times: [390], weekdays: [1], from: nil, until: nil, clipIds: [3])
            ])
        #expect(try edit(.delete(7), existing: morning).applied(to: [morning]).isEmpty)
    }

    @Test func wrongFieldsAreRefusedWithTheirWords() {
        let cases: [(() throws(ScheduleEdit.Problem) -> ScheduleEdit, ScheduleEdit.Problem)] = [
            ({ () throws(ScheduleEdit.Problem) in try edit(.add, times: "sáng", clip: 1) }, .badTimes),
            ({ () throws(ScheduleEdit.Problem) in try edit(.add, weekdays: [], clip: 1) }, .noDays),
            ({ () throws(ScheduleEdit.Problem) in try edit(.add, zones: [], clip: 1) }, .noZones),
            ({ () throws(ScheduleEdit.Problem) in try edit(.add) }, .noContent),
            ({ () throws(ScheduleEdit.Problem) in try edit(.add, clip: 1, from: "31/12/2026") }, .badDate),
            ({ () throws(ScheduleEdit.Problem) in try edit(.replace(9), clip: 1) }, .unknownSlot),
            ({ () throws(ScheduleEdit.Problem) in try edit(.delete(9)) }, .unknownSlot),
        ]
        for (make, problem) in cases {
            #expect(throws: problem) { try make() }
            #expect(DashboardText.catalogue[problem.rawValue] != nil, "no words for \(problem)")
        }
    }

    @Test func overlapsAreFoundInEachZoneAcrossMidnightToo() {
        let late = SlotInput(
            name: "Khuya", zones: ["thon-a"], times: [23 * 60 + 50], weekdays: [7], from: nil, until: nil,
            clipIds: [1])
        let early = SlotInput(
            name: "Sớm", zones: ["thon-a"], times: [5], weekdays: [1], from: nil, until: nil, clipIds: [2])
        let elsewhere = SlotInput(
            name: "Sớm", zones: ["thon-b"], times: [5], weekdays: [1], from: nil, until: nil, clipIds: [2])
        let monday = LocalDate(year: 2026, month: 12, day: 7)
        let durations: [Int64: Int] = [1: 20 * 60_000, 2: 30_000]
        let found = ScheduleEdit.overlaps(
            [late, early], texts: [:], zones: ["thon-a", "thon-b"], today: monday, durations: durations,
            textDuration: 0)
        #expect(found.count == 1 && found[0].hasPrefix("slot 'Sớm' at 00:05 overlaps slot 'Khuya' (23:50–00:10)"))
        #expect(
            ScheduleEdit.overlaps(
                [late, elsewhere], texts: [:], zones: ["thon-a", "thon-b"], today: monday, durations: durations,
                textDuration: 0
            ).isEmpty)
        // A text's length counts: read aloud for 10 minutes from 06:00, it meets 06:05.
        let said = SlotInput(
            name: "Đọc", zones: ["thon-a"], times: [360], weekdays: [1], from: nil, until: nil, clipIds: [])
        let next = SlotInput(
            name: "Sau", zones: ["thon-a"], times: [365], weekdays: [1], from: nil, until: nil, clipIds: [2])
        #expect(
            ScheduleEdit.overlaps(
                [said, next], texts: [0: "Thông báo dài."], zones: ["thon-a"], today: monday, durations: durations,
                textDuration: 10 * 60_000
            ).count == 1)
    }
}
