import Foundation
import LoaController
import LoaSchedule
import LoaSystem
import Testing

/// An item whose stored clip is missing or damaged when its turn comes is logged as failed with a reason a
/// person understands, and the programme goes straight on: a zone is never silent while something waits.
@Suite("Failed items")
struct FailedItemTests {
    /// The simulated commune of `ProgrammeWeekTests`: its two zones, its time zone; Tuesday 1 December 2026, 09:00.
    let week = ProgrammeWeekTests()
    var zones: [Zone] { week.zones }
    var local: LocalTime { week.local }
    var nine: Int64 { week.at(1, 9, 0) }

    func clipFile(_ world: ProgrammeWeekTests.World, _ clip: ClipRecord) throws -> URL {
        try ClipLibrary(directory: world.directory.appendingPathComponent("clips"), zones: zones).url(clip: clip.id)
    }

    @Test func aMissingClipFailsWithItsReasonAndTheNextItemPlaysAtOnce() async throws {
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: nine)
        let programme = world.programme
        try await programme.start()
        let first = try await programme.storeClip(silentClip(seconds: 60), title: "tin-1.wav")
        let lost = try await programme.storeClip(silentClip(seconds: 60), title: "tin-2.wav")
        let last = try await programme.storeClip(silentClip(seconds: 30), title: "tin-3.wav")
        let playing = try await programme.queue(
            clip: first, title: "tin-1.wav", zones: ["thon-dong"], priority: .normal)
        let failing = try await programme.queue(clip: lost, title: "tin-2.wav", zones: ["thon-dong"], priority: .normal)
        let next = try await programme.queue(clip: last, title: "tin-3.wav", zones: ["thon-dong"], priority: .normal)
        // Someone clears out the state directory while the first item plays.
        try FileManager.default.removeItem(at: try clipFile(world, lost))

        // The first item ends: the air reports it, and the next playable item starts in the same step, before
        // any tick of the programme's clock.
        world.clock.set(nine + 60_000)
        for event in world.air.takeEvents() { try await programme.handle(event) }
        let status = try await programme.status()
        #expect(status[0].playing?.id == next.id)
        #expect(status[0].queued.isEmpty)  // the failed item is not left waiting

        try await world.run(until: nine + 5 * 60_000)
        let log = try await programme.log(since: 0, zone: nil)
        let failed = try #require(log.first { $0.itemId == failing.id })
        #expect(failed.outcome == .failed)
        #expect(failed.startedAt == nil)  // it never aired
        #expect(
            failed.reason
                == "not aired: its stored clip clips/\(lost.id).loaclip is missing from the state directory; queue the sound file again"
        )
        #expect(log.filter { $0.itemId == failing.id }.count == 1)  // failed once, not retried at every tick
        #expect(log.first { $0.itemId == playing.id }?.outcome == .completed)
        #expect(log.first { $0.itemId == next.id }?.outcome == .completed)
    }

    @Test func aDamagedEmergencyClipFailsAndWhatPlaysGoesOn() async throws {
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: nine)
        let programme = world.programme
        try await programme.start()
        let bulletin = try await programme.storeClip(silentClip(seconds: 60), title: "ban-tin.wav")
        let warning = try await programme.storeClip(silentClip(seconds: 30), title: "canh-bao.wav")
        // A disk error leaves only the first half of the warning's stored clip.
        let file = try clipFile(world, warning)
        let whole = try Data(contentsOf: file)
        try whole.prefix(whole.count / 2).write(to: file)

        let playing = try await programme.queue(
            clip: bulletin, title: "ban-tin.wav", zones: ["thon-tay"], priority: .normal)
        try await world.run(until: nine + 20_000)
        let emergency = try await programme.queue(
            clip: warning, title: "canh-bao.wav", zones: ["all"], priority: .emergency)
        let status = try await programme.status()
        #expect(status[1].playing?.id == playing.id)  // not cut off for an emergency that cannot play
        #expect(status.allSatisfy { $0.queued.isEmpty })

        try await world.run(until: nine + 3 * 60_000)
        let log = try await programme.log(since: 0, zone: nil)
        let failed = log.filter { $0.itemId == emergency.id }
        #expect(failed.map(\.zone) == ["thon-dong", "thon-tay"])
        #expect(failed.allSatisfy { $0.outcome == .failed && $0.startedAt == nil })
        #expect(
            failed.allSatisfy {
                $0.reason
                    == "not aired: its stored clip clips/\(warning.id).loaclip is damaged (clip file is cut short); "
                    + "queue the sound file again"
            })
        #expect(log.filter { $0.itemId == playing.id }.map(\.outcome) == [.completed])
    }
}
