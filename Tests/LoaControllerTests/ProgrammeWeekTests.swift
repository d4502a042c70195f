import Foundation
import LoaControlAPI
import LoaController
import LoaSchedule
import LoaSystem
import Logging
import Testing

/// A whole week of a commune's programme on a simulated clock: fixed slots, a date range, clock steps both
/// ways, a priority item, an emergency in the middle of a bulletin, resumption and restart.
@Suite("Programme over a simulated week")
struct ProgrammeWeekTests {
    let zones = [
        Zone(name: "thon-dong", group: SocketAddress("239.255.79.1:5004")!, interface: "127.0.0.1", ttl: 0),
        Zone(name: "thon-tay", group: SocketAddress("239.255.79.2:5004")!, interface: "127.0.0.1", ttl: 0),
    ]
    let local = LocalTime(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)

    func at(_ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Int64 {
        // Monday 2026-11-30 is day 0.
        local.wall(LocalDate(year: 2026, month: 11, day: 30).adding(days: day), minutes: hour * 60 + minute)
            + Int64(second * 1000)
    }

    final class World {
        let clock: ManualClock
        let air: SimulatedAir
        let programme: Programme
        let directory: URL

        /// A new state directory, the clock at `start`.
        convenience init(zones: [Zone], local: LocalTime, start: Int64) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "loa-week-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try self.init(directory: directory, clock: ManualClock(start), zones: zones, local: local)
        }

        /// The controller started again after a crash: `world`'s state directory and clock under a new programme
        /// and air (the old programme is left as it stood, and writes nothing more unless told to).
        convenience init(restarting world: World, zones: [Zone], local: LocalTime) throws {
            try self.init(directory: world.directory, clock: world.clock, zones: zones, local: local)
        }

        private init(directory: URL, clock: ManualClock, zones: [Zone], local: LocalTime) throws {
            self.directory = directory
            self.clock = clock
            air = SimulatedAir(clock: clock)
            programme = Programme(
                zones: zones, localTime: local,
                store: try Store(path: directory.appendingPathComponent("loa.sqlite").path),
                clips: try ClipLibrary(directory: directory.appendingPathComponent("clips"), zones: zones), air: air,
                clock: clock,
                logger: Logger(label: "test"))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// Moves the clock to `time` in steps of `step` ms, letting the programme and the air act at each.
        func run(until time: Int64, step: Int64 = 30_000) async throws {
            while clock.now() < time {
                clock.set(min(clock.now() + step, time))
                try await pump()
            }
        }

        func pump() async throws {
            for _ in 0..<10 {
                let events = air.takeEvents()
                if events.isEmpty { break }
                for event in events { try await programme.handle(event) }
            }
            try await programme.tick()
            for event in air.takeEvents() { try await programme.handle(event) }
        }
    }

    @Test func aWeekOfSlotsPrioritiesAndAnEmergency() async throws {
        let world = try World(zones: zones, local: local, start: at(0, 0, 0))
        let programme = world.programme
        try await programme.start()
        let bulletin = try await programme.storeClip(silentClip(seconds: 180), title: "ban-tin-sang.wav")
        let jingle = try await programme.storeClip(silentClip(seconds: 20), title: "nhac-hieu.wav")
        let evening = try await programme.storeClip(silentClip(seconds: 300), title: "thoi-su-chieu.wav")
        let vaccine = try await programme.storeClip(silentClip(seconds: 60), title: "tiem-chung.wav")
        let warning = try await programme.storeClip(silentClip(seconds: 45), title: "canh-bao-lu.wav")
        let notice = try await programme.storeClip(silentClip(seconds: 30), title: "thong-bao.wav")
        try await programme.applySchedule([
            SlotInput(
                name: "Bản tin sáng", zones: ["thon-dong", "thon-tay"], times: [330], weekdays: [1, 2, 3, 4, 5],
                from: nil,
                until: nil, clipIds: [jingle.id, bulletin.id]),
            SlotInput(
                name: "Thời sự chiều", zones: ["thon-dong"], times: [1020], weekdays: [1, 2, 3, 4, 5, 6, 7], from: nil,
                until: nil, clipIds: [evening.id]),
            SlotInput(
                name: "Tiêm chủng", zones: ["thon-tay"], times: [420], weekdays: [1, 2, 3, 4, 5, 6, 7],
                from: "2026-12-02",
                until: "2026-12-04", clipIds: [vaccine.id]),
        ])

        // Monday to Tuesday afternoon, plain.
        try await world.run(until: at(1, 17, 1))
        // Tuesday 17:01, during the evening bulletin in thon-dong: a normal item, then a priority item.
        let normal = try await programme.queue(
            clip: notice, title: "thong-bao.wav", zones: ["thon-dong"], priority: .normal)
        try await world.run(until: at(1, 17, 2))
        let urgent = try await programme.queue(
            clip: notice, title: "khan.wav", zones: ["thon-dong"], priority: .priority)
        var status = try await programme.status()
        #expect(status[0].playing?.title == "thoi-su-chieu.wav")  // not pre-empted: waits for the boundary
        // The priority item goes first; after them wait the schedule's next occurrences, planned a day ahead.
        #expect(status[0].queued.prefix(2).map(\.id) == [urgent.id, normal.id])
        let ahead = status[0].queued.dropFirst(2)
        #expect(!ahead.isEmpty && ahead.allSatisfy { $0.source.hasPrefix("schedule: ") })
        #expect(ahead.allSatisfy { $0.plannedAt > world.clock.now() && $0.plannedAt <= at(2, 17, 2) })
        try await world.run(until: at(2, 16, 59))
        // Wednesday 16:59: NTP steps the clock back 10 minutes; 17:00 must air once.
        world.clock.set(at(2, 16, 49))
        try await world.run(until: at(3, 4, 0))
        // Thursday 04:00: the clock jumps forward to 06:00; the 05:30 bulletin must still air.
        world.clock.set(at(3, 6, 0))
        try await world.run(until: at(4, 5, 31))
        // Friday 05:31, in the middle of the morning bulletin: an emergency in thon-dong only.
        status = try await programme.status()
        #expect(status[0].playing?.title == "ban-tin-sang.wav")
        let emergency = try await programme.queue(
            clip: warning, title: "canh-bao-lu.wav", zones: ["thon-dong"], priority: .emergency)
        status = try await programme.status()
        #expect(status[0].playing?.id == emergency.id)  // at once, not at the boundary
        #expect(status[1].playing?.title == "ban-tin-sang.wav")  // thon-tay goes on
        // A priority item with --now during the emergency waits; an older emergency cannot cut a newer one.
        let later = try await programme.queue(
            clip: notice, title: "sau.wav", zones: ["thon-dong"], priority: .priority, immediate: true)
        #expect(try await programme.status()[0].playing?.id == emergency.id)
        try await world.run(until: at(6, 23, 59))

        let log = try await programme.log(since: 0, zone: nil)
        func rows(_ title: String, _ zone: String) -> [PlayLogEntry] {
            log.filter { $0.title == title && $0.zone == zone }
        }
        // The 05:30 bulletin: five weekdays in two zones, never at the weekend; Thursday's despite the clock jump.
        let morning = rows("ban-tin-sang.wav", "thon-tay").filter { $0.outcome == .completed }
        #expect(morning.count == 5)
        #expect(Set(morning.map { local.date($0.plannedAt).weekday }) == [1, 2, 3, 4, 5])
        #expect(morning.allSatisfy { local.text($0.plannedAt).hasSuffix("05:30:00") })
        // The evening bulletin: once a day for seven days, Wednesday's once despite the backward step.
        let evenings = rows("thoi-su-chieu.wav", "thon-dong").filter { $0.outcome == .completed }
        #expect(evenings.count == 7)
        #expect(Set(evenings.map { local.date($0.plannedAt) }).count == 7)
        // The date range: 2, 3 and 4 December in thon-tay only.
        #expect(rows("tiem-chung.wav", "thon-tay").map { local.date($0.plannedAt).day } == [2, 3, 4])
        #expect(rows("tiem-chung.wav", "thon-dong").isEmpty)
        // The priority item aired before the earlier normal one, right after the evening bulletin.
        let urgentRow = try #require(log.first { $0.itemId == urgent.id })
        let normalRow = try #require(log.first { $0.itemId == normal.id })
        #expect(urgentRow.outcome == .completed && normalRow.outcome == .completed)
        #expect(urgentRow.startedAt! < normalRow.startedAt!)
        // The emergency cut Friday's bulletin in thon-dong, which then resumed where it was cut and completed.
        let friday = rows("ban-tin-sang.wav", "thon-dong").filter { local.date($0.plannedAt).weekday == 5 }
        #expect(friday.map(\.outcome) == [.interrupted, .completed])
        #expect(friday[0].reason?.contains("pre-empted by emergency") == true)
        #expect(friday[1].fromFrame == friday[0].toFrame && friday[1].fromFrame > 0)
        let emergencyRow = try #require(log.first { $0.itemId == emergency.id })
        #expect(emergencyRow.outcome == .completed)
        #expect(emergencyRow.startedAt == friday[0].endedAt)
        #expect(log.first { $0.itemId == later.id }!.startedAt! >= emergencyRow.endedAt!)
        // Nothing left pending but the next day's occurrences, planned ahead.
        let end = try await programme.status()
        #expect(end.allSatisfy { $0.playing == nil })
        #expect(
            end.flatMap(\.queued).map { local.text($0.plannedAt) }.sorted() == [
                "2026-12-07 05:30:00", "2026-12-07 05:30:00", "2026-12-07 05:30:00", "2026-12-07 05:30:00",
                "2026-12-07 17:00:00",
            ])
        // The monthly report counts airtime per zone and priority.
        let report = try await programme.report(year: 2026, month: 12)
        #expect(
            report.contains { $0.zone == "thon-dong" && $0.priority == .emergency && $0.items == 1 && $0.seconds == 45 }
        )
    }

    @Test func aNewerEmergencyCutsAnOlderOneAndRestartPolicyStartsOver() async throws {
        let world = try World(zones: zones, local: local, start: at(0, 9, 0))
        let programme = world.programme
        try await programme.start()
        let long = try await programme.storeClip(silentClip(seconds: 120), title: "dai.wav")
        let short = try await programme.storeClip(silentClip(seconds: 30), title: "ngan.wav")
        let first = try await programme.queue(
            clip: long, title: "lu-1.wav", zones: ["all"], priority: .emergency, onInterrupt: .restart)
        try await world.run(until: at(0, 9, 0, 40))
        let second = try await programme.queue(
            clip: short, title: "lu-2.wav", zones: ["thon-dong"], priority: .emergency)
        #expect(try await programme.status()[0].playing?.id == second.id)
        try await world.run(until: at(0, 9, 10))
        let log = try await programme.log(since: 0, zone: "thon-dong")
        let firstRows = log.filter { $0.itemId == first.id }
        #expect(firstRows.map(\.outcome) == [.interrupted, .completed])
        #expect(firstRows[1].fromFrame == 0)  // restart policy
        #expect(firstRows[0].reason?.contains("will restart") == true)
        // thon-tay was not touched by the second emergency.
        let west = try await programme.log(since: 0, zone: "thon-tay").filter { $0.itemId == first.id }
        #expect(west.map(\.outcome) == [.completed])
    }

    @Test func cancellingRemovesAPendingItemAndStopsAPlayingOne() async throws {
        let world = try World(zones: zones, local: local, start: at(0, 9, 0))
        let programme = world.programme
        try await programme.start()
        let clip = try await programme.storeClip(silentClip(seconds: 60), title: "a.wav")
        let playing = try await programme.queue(clip: clip, title: "a.wav", zones: ["thon-dong"], priority: .normal)
        let waiting = try await programme.queue(clip: clip, title: "b.wav", zones: ["thon-dong"], priority: .normal)
        try await world.run(until: at(0, 9, 0, 10))
        _ = try await programme.cancel(waiting.id)
        _ = try await programme.cancel(playing.id)
        try await world.run(until: at(0, 9, 5))
        let log = try await programme.log(since: 0, zone: nil)
        #expect(log.first { $0.itemId == playing.id }?.outcome == .cancelled)
        #expect(log.first { $0.itemId == waiting.id }?.outcome == .cancelled)
        #expect(log.first { $0.itemId == waiting.id }?.startedAt == nil)
        await #expect(throws: ProgrammeError.self) { _ = try await programme.cancel(playing.id) }
    }
}
