import LoaSchedule
import Testing

/// `ScheduleChecker` read directly: unknown zones, bad clips (at every place they are named) and overlapping
/// slots, each at its file:line:column, with clip lengths given by the test instead of read from files.
@Suite("Schedule checker")
struct ScheduleCheckerTests {
    let zones = ["thon-dong", "thon-tay"]
    /// Tuesday 1 December 2026.
    let today = LocalDate(year: 2026, month: 12, day: 1)

    /// Clip lengths: "long.wav" plays 20 minutes, "bad.wav" cannot be played, anything else 30 s.
    func check(_ text: String) throws -> [String] {
        let schedule = try ScheduleParser.parse(text, file: "lich.yaml", directory: "/srv")
        let checker = ScheduleChecker(zones: zones, today: today) { path in
            switch path {
            case "/srv/long.wav": return .success(20 * 60_000)
            case "/srv/bad.wav": return .failure(.init("cannot be played: not audio"))
            default: return .success(30_000)
            }
        }
        return checker.check(schedule, file: "lich.yaml").map(\.description)
    }

    @Test func acceptsAGoodSchedule() throws {
        let found = try check(
            """
            slots:
              - name: sáng
                at: "05:30"
                zones: all
                play: [long.wav, a.wav]
              - name: trưa
                at: "05:51"
                zones: thon-dong
                play: a.wav
            """)
        #expect(found.isEmpty)
    }

    @Test func reportsUnknownZonesAndEveryPlaceABadClipIsNamed() throws {
        let found = try check(
            """
            slots:
              - name: một
                at: "05:30"
                zones: [thon-dong, thon-xa]
                play: [bad.wav, a.wav]
              - name: hai
                at: "09:00"
                zones: thon-tay
                play: bad.wav
            """)
        #expect(
            found == [
                "lich.yaml:4:24: slot 'một': unknown zone 'thon-xa'; zones are: thon-dong, thon-tay",
                "lich.yaml:5:12: slot 'một': clip 'bad.wav' cannot be played: not audio",
                "lich.yaml:9:11: slot 'hai': clip 'bad.wav' cannot be played: not audio",
            ])
    }

    @Test func reportsSlotsThatOverlapInAZoneOnceAtTheLaterSlot() throws {
        let found = try check(
            """
            slots:
              - name: dài
                at: "05:30"
                zones: all
                play: long.wav
              - name: chen
                at: "05:45"
                days: [thu]
                zones: thon-tay
                play: a.wav
            """)
        #expect(
            found == [
                "lich.yaml:6:5: slot 'chen' at 05:45 overlaps slot 'dài' (05:30–05:50) in zone thon-tay on 2026-12-03"
            ])
    }

    @Test func checksDatedSlotsOnTheirOwnDays() throws {
        // Both play only on 2027-01-04 (a Monday), far from today's week: they overlap there.
        let found = try check(
            """
            slots:
              - name: a
                at: "08:00"
                from: 2027-01-04
                until: 2027-01-04
                zones: thon-dong
                play: long.wav
              - name: b
                at: "08:10"
                from: 2027-01-04
                until: 2027-01-04
                zones: thon-dong
                play: a.wav
            """)
        #expect(
            found == [
                "lich.yaml:8:5: slot 'b' at 08:10 overlaps slot 'a' (08:00–08:20) in zone thon-dong on 2027-01-04"
            ])
    }

    /// A slot that runs past midnight overlaps the next day's early slot: Sunday 23:50 for 20 minutes meets
    /// Monday 00:05 (weekly slots, and a one-day slot whose next day is outside its dates).
    @Test func findsAnOverlapAcrossMidnight() throws {
        /// Sunday 23:50 for 20 minutes, then Monday at `early`.
        func lateAndEarly(_ early: String) throws -> [String] {
            try check(
                """
                slots:
                  - name: khuya
                    at: "23:50"
                    days: [sun]
                    zones: thon-dong
                    play: long.wav
                  - name: sớm
                    at: "\(early)"
                    days: [mon]
                    zones: thon-dong
                    play: a.wav
                """)
        }
        let found = try lateAndEarly("00:05")
        #expect(
            found == [
                "lich.yaml:7:5: slot 'sớm' at 00:05 overlaps slot 'khuya' (23:50–00:10) in zone thon-dong on 2026-12-07"
            ], "\(found)")
        let apart = try lateAndEarly("00:15")
        #expect(apart.isEmpty, "\(apart)")
    }

    @Test func expandsAllToTheControllersZones() throws {
        let schedule = try ScheduleParser.parse(
            "slots:\n  - at: \"05:30\"\n    zones: all\n    play: a.wav\n", file: "f", directory: "/")
        let checker = ScheduleChecker(zones: zones, today: today) { _ in .success(1) }
        #expect(checker.targets(schedule.slots[0]) == zones)
    }
}
