import Foundation
import LoaControlAPI
import LoaController
import LoaSchedule
import LoaSystem
import Testing

/// Issue 15, points 1 and 4: a schedule's occurrences of the coming day are items as soon as the schedule is
/// applied, planned at their time, so that boxes fetch their clips and hold them in the zone's timetable; a schedule
/// that drops or changes a slot withdraws what it had planned, signed into the timetable as cancelled; occurrences
/// planned ahead whose time passed while the controller was not running are missed, as before.
@Suite("Schedule planned ahead")
struct ScheduleAheadTests {
    let week = ProgrammeWeekTests()
    var zones: [Zone] { week.zones }
    var local: LocalTime { week.local }

    func slot(_ name: String, _ zones: [String], at minutes: Int, _ clip: Int64) -> SlotInput {
        SlotInput(
            name: name, zones: zones, times: [minutes], weekdays: [1, 2, 3, 4, 5, 6, 7], from: nil, until: nil,
            clipIds: [clip])
    }

    /// A programme started on Monday 09:00 with a morning bulletin (60 s) and an evening one (30 s) stored.
    func mondayMorning() async throws -> (
        world: ProgrammeWeekTests.World, morning: ClipRecord, evening: ClipRecord
    ) {
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: week.at(0, 9, 0))
        try await world.programme.start()
        let morning = try await world.programme.storeClip(silentClip(seconds: 60), title: "ban-tin-sang.wav")
        let evening = try await world.programme.storeClip(silentClip(seconds: 30), title: "thoi-su.wav")
        return (world, morning, evening)
    }

    @Test func applyingAScheduleOffersItsNextDayToTheBoxesAtOnce() async throws {
        // Monday 09:00: the 05:30 slot's next occurrence is tomorrow, the 17:00 one today.
        let (world, morning, evening) = try await mondayMorning()
        let programme = world.programme
        try await programme.applySchedule([
            slot("Sáng", ["thon-dong", "thon-tay"], at: 330, morning.id),
            slot("Chiều", ["thon-dong"], at: 1020, evening.id),
        ])

        let status = try await programme.status()
        let east = status[0].queued
        #expect(east.map { local.text($0.plannedAt) } == ["2026-11-30 17:00:00", "2026-12-01 05:30:00"])
        #expect(status[1].queued.map { local.text($0.plannedAt) } == ["2026-12-01 05:30:00"])
        // Nothing of it airs before its time.
        try await world.run(until: week.at(0, 16, 59))
        #expect(try await programme.log(since: 0, zone: nil).isEmpty)
        // Offered to the boxes, and in their timetables, now.
        let clips = try await programme.upcomingClips()
        #expect(clips["thon-dong"]?.map(\.clip) == [evening.id, morning.id])
        let timetables = try await programme.boxTimetables()
        #expect(timetables["thon-dong"]?.map(\.item) == east.map { UInt64($0.id) })
        #expect(timetables["thon-dong"]?.map(\.airsAt) == east.map(\.plannedAt))
        #expect(timetables["thon-tay"]?.map(\.cancelled) == [false])

        // At its time each airs once, as the same item, and the next day is planned meanwhile.
        try await world.run(until: week.at(1, 6, 0))
        let log = try await programme.log(since: 0, zone: nil)
        #expect(
            log.filter { $0.outcome == .completed }.map(\.itemId).sorted()
                == (east + status[1].queued).map(\.id).sorted())
        let next = try await programme.status()[0].queued.map { local.text($0.plannedAt) }
        #expect(next == ["2026-12-01 17:00:00", "2026-12-02 05:30:00"])
    }

    @Test func anotherScheduleWithdrawsWhatItDropsAndKeepsWhatItShares() async throws {
        let (world, morning, evening) = try await mondayMorning()
        let programme = world.programme
        let other = try await programme.storeClip(silentClip(seconds: 20), title: "thong-bao.wav")
        let both = [
            slot("Sáng", ["thon-dong"], at: 330, morning.id), slot("Chiều", ["thon-dong"], at: 1020, evening.id),
        ]
        try await programme.applySchedule(both)
        let planned = try await programme.status()[0].queued
        #expect(planned.count == 2)

        // The same schedule again (an edit elsewhere): the same items, the boxes' copies still good.
        try await programme.applySchedule(both)
        #expect(try await programme.status()[0].queued.map(\.id) == planned.map(\.id))

        // Without the evening slot, and the morning one with another clip: both withdrawn, the new clip planned.
        try await programme.applySchedule([slot("Sáng", ["thon-dong"], at: 330, other.id)])
        let now = try await programme.status()[0].queued
        #expect(now.count == 1 && !planned.map(\.id).contains(now[0].id))
        #expect(now[0].title == "thong-bao.wav" && local.text(now[0].plannedAt) == "2026-12-01 05:30:00")
        let withdrawn = try await programme.log(since: 0, zone: nil)
        #expect(withdrawn.map(\.itemId).sorted() == planned.map(\.id).sorted())
        #expect(
            withdrawn.allSatisfy { $0.outcome == .cancelled && $0.reason == "the schedule was changed before it aired" }
        )
        // The boxes hold them as cancelled: none plays them on its own.
        let entries = try await programme.boxTimetables()["thon-dong"] ?? []
        #expect(entries.filter(\.cancelled).map(\.item).sorted() == planned.map { UInt64($0.id) }.sorted())
        #expect(entries.filter { !$0.cancelled }.map(\.item) == [UInt64(now[0].id)])

        // The first schedule back (undo): its occurrences are planned again, as new items, and air.
        try await programme.applySchedule(both)
        let again = try await programme.status()[0].queued
        #expect(again.map(\.title) == ["thoi-su.wav", "ban-tin-sang.wav"])
        #expect(Set(again.map(\.id)).isDisjoint(with: planned.map(\.id) + now.map(\.id)))
        try await world.run(until: week.at(1, 5, 40))
        let aired = try await programme.log(since: 0, zone: nil).filter { $0.outcome == .completed }
        #expect(aired.map(\.itemId) == again.map(\.id))
    }

    @Test func anOccurrencePlannedAheadIsMissedIfTheControllerWasDownTooLong() async throws {
        let (world, morning, evening) = try await mondayMorning()
        try await world.programme.applySchedule([
            slot("Sáng", ["thon-dong"], at: 330, morning.id), slot("Chiều", ["thon-dong"], at: 1020, evening.id),
        ])
        let planned = try await world.programme.status()[0].queued
        #expect(planned.count == 2)

        // The controller stops at 09:00 and starts again at 17:20 (within 30 min of the evening slot, which airs late)
        // on Tuesday: Tuesday's 05:30 and Monday's 17:00 were planned ahead; 05:30 is long past and missed.
        world.clock.set(week.at(1, 17, 20))
        let restarted = try ProgrammeWeekTests.World(restarting: world, zones: zones, local: local)
        try await restarted.programme.start()
        try await restarted.run(until: week.at(1, 17, 30))
        let log = try await restarted.programme.log(since: 0, zone: nil)
        let mondayEvening = try #require(planned.first { $0.title == "thoi-su.wav" })
        let tuesdayMorning = try #require(planned.first { $0.title == "ban-tin-sang.wav" })
        #expect(log.filter { $0.itemId == mondayEvening.id }.map(\.outcome) == [.missed])
        #expect(log.filter { $0.itemId == tuesdayMorning.id }.map(\.outcome) == [.missed])
        #expect(
            log.first { $0.itemId == tuesdayMorning.id }?.reason
                == "the controller was not running at 2026-12-01 05:30:00")
        // Tuesday's evening, 20 minutes late, airs once; nothing missed is left waiting.
        let tuesdayEvening = log.filter { $0.title == "thoi-su.wav" && $0.outcome == .completed }
        #expect(tuesdayEvening.map { local.text($0.plannedAt) } == ["2026-12-01 17:00:00"])
        let waiting = try await restarted.programme.status()[0].queued.map(\.id)
        #expect(!waiting.contains(mondayEvening.id) && !waiting.contains(tuesdayMorning.id))
    }
}
