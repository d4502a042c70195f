import LoaSchedule
import Testing

/// `relay:` in a slot (issue 16 point 5): a station relayed for a window, with backups and a fallback clip; its
/// window counts for overlaps, and every mistake is one line at its place.
@Suite("Slots that relay a station")
struct RelaySlotTests {
    let today = LocalDate(year: 2026, month: 12, day: 1)

    func check(_ text: String) throws -> [String] {
        var issues: [ScheduleIssue] = []
        let schedule: Schedule
        do { schedule = try ScheduleParser.parse(text, file: "lich.yaml", directory: "/srv") } catch {
            issues = error.issues
            schedule = try #require(error.partial)
        }
        let checker = ScheduleChecker(zones: ["thon-dong"], today: today) { path in
            path.hasSuffix("hong.wav") ? .failure(.init("cannot be played: not a sound file")) : .success(30_000)
        }
        issues += checker.check(schedule, file: "lich.yaml")
        return issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) }.map(\.description)
    }

    @Test func aRelaySlotHasItsSourcesWindowAndFallback() throws {
        let schedule = try ScheduleParser.parse(
            """
            slots:
              - name: Tiếp sóng VOV1
                at: "05:45"
                days: daily
                zones: all
                relay: http://radio.example/vov1.mp3
                backup: [http://backup.example/vov1.m3u8]
                until: "06:30"
                fallback: nhac-nen.wav
              - name: Đài tỉnh
                at: ["11:00", "23:30"]
                until: 2026-12-31
                length: 1h
                zones: all
                relay: https://dai-tinh.example/live
            """, file: "lich.yaml", directory: "/srv")
        let vov = try #require(schedule.slots[0].relay)
        #expect(vov.sources == ["http://radio.example/vov1.mp3", "http://backup.example/vov1.m3u8"])
        #expect(vov.minutes == 45 && vov.fallback == "nhac-nen.wav" && vov.fallbackPlace?.line == 9)
        let tinh = try #require(schedule.slots[1].relay)
        #expect(tinh.minutes == 60 && schedule.slots[1].until == LocalDate(year: 2026, month: 12, day: 31))
    }

    @Test func aRelayAcrossMidnightLastsUntilTheNextDay() throws {
        let schedule = try ScheduleParser.parse(
            "slots:\n  - at: \"23:30\"\n    until: \"00:15\"\n    zones: all\n    relay: http://r.example/a\n",
            file: "lich.yaml", directory: "/srv")
        #expect(schedule.slots[0].relay?.minutes == 45)
    }

    @Test func everyMistakeIsOneLineAtItsPlace() throws {
        let found = try check(
            """
            slots:
              - name: A
                at: "05:00"
                zones: thon-dong
                relay: ftp://radio.example/a
                length: 30m
              - name: B
                at: "06:00"
                zones: thon-dong
                relay: http://radio.example/b
              - name: C
                at: "07:00"
                zones: thon-dong
                relay: http://radio.example/c
                length: 2 ngày
                play: x.wav
              - name: D
                at: "08:00"
                zones: thon-dong
                play: x.wav
                fallback: y.wav
              - name: E
                at: "09:00"
                zones: thon-dong
                relay: http://radio.example/e
                until: "10:00"
                fallback: hong.wav
            """)
        #expect(
            found == [
                "lich.yaml:5:12: slot 'A': 'ftp://radio.example/a' is not a station's address; write http://HOST/PATH",
                "lich.yaml:7:5: slot 'B' relays until when? add 'until: \"06:30\"' or 'length: 30m'",
                "lich.yaml:15:13: slot 'C': bad length '2 ngày'; write 30m, 1h or 1h30m (at most 24h)",
                "lich.yaml:16:11: slot 'C' relays a station: put 'play:' and 'say:' in a slot of their own",
                "lich.yaml:21:15: slot 'D': 'fallback' belongs to a relay slot (one with 'relay: URL')",
                "lich.yaml:27:15: slot 'E': fallback clip 'hong.wav' cannot be played: not a sound file",
            ])
    }

    @Test func theWindowCountsForOverlaps() throws {
        let found = try check(
            """
            slots:
              - name: VOV
                at: "06:00"
                zones: thon-dong
                relay: http://radio.example/vov
                until: "06:30"
              - name: Tin
                at: "06:20"
                zones: thon-dong
                play: tin.wav
            """)
        #expect(
            found.count == 1 && found[0].contains("slot 'Tin' at 06:20 overlaps slot 'VOV' (06:00–06:30)"), "\(found)")
    }
}
