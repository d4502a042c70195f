import LoaSchedule
import Testing

/// `ScheduleParser` read directly: what a good file gives, and every kind of mistake at its file:line:column.
@Suite("Schedule parser")
struct ScheduleParserTests {
    /// The issues parsing `text` reports, as "file:line:column: message"; empty if it parsed.
    func issues(_ text: String) -> [String] {
        do {
            _ = try ScheduleParser.parse(text, file: "lich.yaml", directory: "/srv/lich")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func readsEverySlotKey() throws {
        let schedule = try ScheduleParser.parse(
            """
            slots:
              - name: Bản tin sáng
                at: ["05:30", "17:00"]
                days: weekdays
                zones: [thon-dong, thon-tay]
                play: [clips/nhac-hieu.wav, clips/ban-tin.wav]
              - at: "6:05"
                days: [sat, cn]
                from: 2026-12-01
                until: 2026-12-31
                zones: all
                play: tiem-chung.wav
            """, file: "lich.yaml", directory: "/srv/lich")
        #expect(schedule.slots.count == 2)
        let first = schedule.slots[0]
        #expect(first.name == "Bản tin sáng")
        #expect(first.times == [5 * 60 + 30, 17 * 60])
        #expect(first.weekdays == Set(1...5))
        #expect(first.zones == ["thon-dong", "thon-tay"])
        #expect(first.clips == ["clips/nhac-hieu.wav", "clips/ban-tin.wav"])
        #expect(first.line == 2 && first.column == 5)
        #expect(first.placeOfZone(1) == Schedule.Place(line: 5, column: 24))
        let second = schedule.slots[1]
        #expect(second.name == "slot at line 7")
        #expect(second.times == [6 * 60 + 5])
        #expect(second.weekdays == [6, 7])
        #expect(second.from == LocalDate(year: 2026, month: 12, day: 1))
        #expect(second.until == LocalDate(year: 2026, month: 12, day: 31))
        #expect(second.plays(on: LocalDate(year: 2026, month: 12, day: 5)))  // a Saturday
        #expect(!second.plays(on: LocalDate(year: 2026, month: 12, day: 7)))  // a Monday
        #expect(!second.plays(on: LocalDate(year: 2027, month: 1, day: 2)))  // a Saturday after `until`
        #expect(schedule.resolve("tiem-chung.wav") == "/srv/lich/tiem-chung.wav")
        #expect(schedule.resolve("/abs/x.wav") == "/abs/x.wav")
    }

    @Test func reportsTextThatIsNotYAMLAtItsPlace() {
        let found = issues("slots:\n  - at: \"05:30\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("lich.yaml:") == true)
        #expect(found.first?.contains("not valid YAML") == true)
        #expect(found.first?.hasPrefix("lich.yaml:1:1:") == false)
    }

    @Test func reportsAMissingSlotsList() {
        #expect(issues("zones: [a]\n") == ["lich.yaml:1:1: a schedule needs a 'slots:' list"])
        #expect(
            issues("slots: 5\n") == ["lich.yaml:1:8: 'slots' must be a list of slots, each starting with '- '"])
    }

    /// In the order found (the CLI sorts them by place): the file's keys, then each slot's keys, then its values.
    @Test func reportsEveryMistakeInOneRunEachAtItsPlace() {
        let found = issues(
            """
            slots:
              - at: "25:00"
                days: [mon, someday]
                from: 2026-13-01
                zones: all
                play: a.wav
                colour: red
              - name: late
                at: "05:30"
                from: 2026-12-10
                until: 2026-12-01
                zones: thon-dong
                play: b.wav
              - name: empty
                zones: []
                play: []
              - just text
            extra: 1
            """)
        #expect(
            found == [
                "lich.yaml:18:1: unknown key 'extra'; the top level has only 'slots:'",
                "lich.yaml:7:5: unknown slot key 'colour'; slot keys are: at, backup, days, fallback, from, length, name, play, relay, say, until, zones",
                "lich.yaml:2:9: bad time '25:00': write 24-hour HH:MM, such as 05:30 or 17:00",
                "lich.yaml:3:17: bad day 'someday': use daily, weekdays, weekends or mon…sun (t2…cn)",
                "lich.yaml:4:11: bad date '2026-13-01' for 'from': write YYYY-MM-DD, such as 2026-12-01",
                "lich.yaml:11:12: slot 'late' ends (2026-12-01) before it starts (2026-12-10)",
                "lich.yaml:14:5: slot 'empty' needs 'at:' (a time such as 05:30, or a list of times)",
                "lich.yaml:15:12: slot 'empty' names no zone",
                "lich.yaml:16:11: slot 'empty' plays no clip",
                "lich.yaml:17:5: a slot must be a mapping with 'at:', 'zones:' and 'play:' or 'say:'",
            ])
    }

    @Test func reportsMissingZonesAndPlay() {
        #expect(
            issues("slots:\n  - at: \"05:30\"\n") == [
                "lich.yaml:2:5: slot 'slot at line 2' needs 'zones:' (a zone, a list of zones, or all)",
                "lich.yaml:2:5: slot 'slot at line 2' needs 'play:' (a sound file, or a list to play in order), 'say:' (a text to read aloud) or 'relay:' (a station's address)",
            ])
    }

    @Test func keepsTheReadableSlotsOfAFileWithMistakes() {
        do {
            _ = try ScheduleParser.parse(
                "slots:\n  - at: [\"05:30\", \"99:99\"]\n    zones: all\n    play: a.wav\n", file: "lich.yaml",
                directory: "/srv")
            Issue.record("a bad time was accepted")
        } catch {
            #expect(error.partial?.slots.first?.times == [330])
        }
    }

    @Test func readsTimesStrictly() {
        #expect(ScheduleParser.parseTime("00:00") == 0)
        #expect(ScheduleParser.parseTime("23:59") == 23 * 60 + 59)
        #expect(ScheduleParser.parseTime("7:05") == 7 * 60 + 5)
        for bad in ["24:00", "12:60", "12:5", "123:00", "12", "12:00:00", "", "ab:cd", ":30"] {
            #expect(ScheduleParser.parseTime(bad) == nil, "accepted '\(bad)'")
        }
    }

    @Test func reportsAFileThatCannotBeRead() {
        do {
            _ = try ScheduleParser.load(path: "/nonexistent/lich.yaml")
            Issue.record("a missing file was read")
        } catch {
            #expect(
                error.issues.map(\.description) == [
                    "/nonexistent/lich.yaml:1:1: cannot read the schedule file (missing, unreadable or not UTF-8 text)"
                ])
        }
    }
}
