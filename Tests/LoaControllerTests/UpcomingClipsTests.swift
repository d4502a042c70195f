import Foundation
import LoaController
import LoaSchedule
import Testing

/// Issue 15: what each zone's boxes are offered ahead of airtime — its items still to air in play order, and an
/// emergency while it airs (streamed at once, fetched in parallel); never a normal item already on the air.
@Suite("Clips offered ahead")
struct UpcomingClipsTests {
    let week = ProgrammeWeekTests()

    @Test func queuedItemsAreOfferedAndAnEmergencyOnTheAirComesFirst() async throws {
        let nine = week.at(1, 9, 0)
        let world = try ProgrammeWeekTests.World(zones: week.zones, local: week.local, start: nine)
        let programme = world.programme
        try await programme.start()
        let clip = try await programme.storeClip(silentClip(seconds: 60), title: "tin.wav")
        _ = try await programme.queue(clip: clip, title: "tin.wav", zones: ["thon-dong"], priority: .normal)
        let later = try await programme.queue(clip: clip, title: "tin-2.wav", zones: ["thon-dong"], priority: .normal)
        var upcoming = try await programme.upcomingClips()
        #expect(upcoming["thon-dong"]?.map(\.item) == [later.id], "the item on the air is not offered")

        let emergency = try await programme.queue(
            clip: clip, title: "lu.wav", zones: ["thon-dong"], priority: .emergency)
        upcoming = try await programme.upcomingClips()
        let status = try await programme.status()
        #expect(status.first { $0.name == "thon-dong" }?.playing?.id == emergency.id)
        #expect(upcoming["thon-dong"]?.first?.item == emergency.id, "the emergency on the air comes first")
        #expect(upcoming["thon-dong"]?.contains { $0.item == later.id } == true)
    }
}
