import Foundation
import LoaControlAPI
import LoaController
import LoaSchedule
import LoaSystem
import Logging
import Testing

/// A priority item queued with `--now` cuts a normal item at once (which then resumes or restarts by its
/// policy), and the pending queue is shown in play order.
@Suite("Priority --now and queue order")
struct PriorityNowAndOrderTests {
    /// The simulated commune of `ProgrammeWeekTests`: its two zones, its time zone; Tuesday 1 December 2026, 09:00.
    let week = ProgrammeWeekTests()
    var zones: [Zone] { week.zones }
    var local: LocalTime { week.local }
    var nine: Int64 { week.at(1, 9, 0) }

    @Test func aPriorityItemWithNowCutsANormalItemAtOnce() async throws {
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: nine)
        let programme = world.programme
        try await programme.start()
        let bulletin = try await programme.storeClip(silentClip(seconds: 120), title: "ban-tin.wav")
        let notice = try await programme.storeClip(silentClip(seconds: 30), title: "khan.wav")
        let resumes = try await programme.queue(
            clip: bulletin, title: "ban-tin.wav", zones: ["thon-dong"], priority: .normal)
        let restarts = try await programme.queue(
            clip: bulletin, title: "ban-tin-2.wav", zones: ["thon-tay"], priority: .normal, onInterrupt: .restart)
        try await world.run(until: nine + 40_000)

        // 40 s into both bulletins: the priority item with now: true takes both zones in the same call.
        let urgent = try await programme.queue(
            clip: notice, title: "khan.wav", zones: ["all"], priority: .priority, immediate: true)
        var status = try await programme.status()
        #expect(status.map { $0.playing?.id } == [urgent.id, urgent.id])
        // Once the air has reported the cut (the clock has not moved), the cut items wait behind it.
        for event in world.air.takeEvents() { try await programme.handle(event) }
        status = try await programme.status()
        #expect(status.map { $0.playing?.id } == [urgent.id, urgent.id])
        #expect(status[0].queued.map(\.id) == [resumes.id])
        #expect(status[1].queued.map(\.id) == [restarts.id])
        try await world.run(until: nine + 10 * 60_000)

        let log = try await programme.log(since: 0, zone: nil)
        let urgentRows = log.filter { $0.itemId == urgent.id }
        #expect(urgentRows.map(\.outcome) == [.completed, .completed])
        #expect(urgentRows.allSatisfy { $0.startedAt == nine + 40_000 })  // at once, not at the bulletins' end
        // Resume policy: cut at 40 s, then played on from there to its end.
        let east = log.filter { $0.itemId == resumes.id }
        try #require(east.map(\.outcome) == [.interrupted, .completed])
        #expect(east[0].reason?.contains("pre-empted by priority item \(urgent.id) 'khan.wav'; will resume") == true)
        #expect(east[0].toFrame == 40 * 50)
        #expect(east[1].fromFrame == east[0].toFrame && east[1].toFrame == 120 * 50)
        // Restart policy: cut at 40 s, then played again from the start.
        let west = log.filter { $0.itemId == restarts.id }
        try #require(west.map(\.outcome) == [.interrupted, .completed])
        #expect(west[0].reason?.contains("will restart") == true)
        #expect(west[0].toFrame == 40 * 50)
        #expect(west[1].fromFrame == 0 && west[1].toFrame == 120 * 50)
    }

    @Test func withoutNowOrAgainstAPriorityItemNowWaits() async throws {
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: nine)
        let programme = world.programme
        try await programme.start()
        let clip = try await programme.storeClip(silentClip(seconds: 60), title: "a.wav")
        let normal = try await programme.queue(clip: clip, title: "a.wav", zones: ["thon-dong"], priority: .normal)
        let first = try await programme.queue(clip: clip, title: "b.wav", zones: ["thon-tay"], priority: .priority)
        try await world.run(until: nine + 10_000)
        _ = try await programme.queue(clip: clip, title: "c.wav", zones: ["thon-dong"], priority: .priority)
        _ = try await programme.queue(
            clip: clip, title: "d.wav", zones: ["thon-tay"], priority: .priority, immediate: true)
        let status = try await programme.status()
        #expect(status[0].playing?.id == normal.id)  // a priority item without now waits for the boundary
        #expect(status[1].playing?.id == first.id)  // now cuts normal items only
    }

    @Test func theQueueIsListedInPlayOrder() async throws {
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: nine)
        let programme = world.programme
        try await programme.start()
        let clip = try await programme.storeClip(silentClip(seconds: 60), title: "x.wav")
        let playing = try await programme.queue(clip: clip, title: "x.wav", zones: ["thon-dong"], priority: .normal)
        try await world.run(until: nine + 5_000)
        let a = try await programme.queue(clip: clip, title: "a.wav", zones: ["thon-dong"], priority: .normal)
        try await world.run(until: nine + 6_000)
        let b = try await programme.queue(clip: clip, title: "b.wav", zones: ["thon-dong"], priority: .normal)
        try await world.run(until: nine + 7_000)
        let c = try await programme.queue(clip: clip, title: "c.wav", zones: ["thon-dong"], priority: .priority)
        let status = try await programme.status()
        #expect(status[0].playing?.id == playing.id)
        #expect(status[0].queued.map(\.id) == [c.id, a.id, b.id])
        #expect(status[1].queued.isEmpty)
        // And they air in that order.
        try await world.run(until: nine + 10 * 60_000)
        let started = try await programme.log(since: 0, zone: "thon-dong").filter { $0.itemId != playing.id }
        #expect(started.sorted { ($0.startedAt ?? .max) < ($1.startedAt ?? .max) }.map(\.itemId) == [c.id, a.id, b.id])
    }
}
