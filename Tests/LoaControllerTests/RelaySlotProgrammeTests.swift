import Foundation
import LoaControlAPI
import LoaController
import LoaSchedule
import LoaSystem
import Logging
import Testing

/// A relay slot of the schedule (issue 16 point 5) on a simulated clock: at its time the programme starts the
/// relay as a live item of the slot, once, and the timetable shows its window.
@Suite("Relay slots in the programme")
struct RelaySlotProgrammeTests {
    let zones = [Zone(name: "thon-dong", group: SocketAddress("239.255.79.9:5004")!, interface: "127.0.0.1", ttl: 0)]
    let local = LocalTime(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)

    @Test func aRelaySlotStartsItsRelayAtItsTimeOnce() async throws {
        let monday = LocalDate(year: 2026, month: 11, day: 30)
        let world = try ProgrammeWeekTests.World(
            zones: zones, local: local, start: local.wall(monday, minutes: 5 * 60 + 59))
        let programme = world.programme
        try await programme.start()
        // A station on a closed loopback port: the relay starts and airs silence, then its fallback (none).
        try await programme.applySchedule([
            SlotInput(
                name: "Tiếp sóng VOV1", zones: ["thon-dong"], times: [360], weekdays: Array(1...7), from: nil,
                until: nil, clipIds: [], relay: ["http://127.0.0.1:9/vov1.mp3"], relayMinutes: 30)
        ])
        let timetable = try await programme.timetable(from: monday, days: 1)
        #expect(timetable.map(\.time) == ["06:00"])
        #expect(timetable.first?.titles == ["Tiếp sóng http://127.0.0.1:9/vov1.mp3"])
        #expect(timetable.first?.durationMs == 30 * 60_000)

        try await world.run(until: local.wall(monday, minutes: 360) + 30_000, step: 10_000)
        // (The simulated air plays a live feed as it stands; what matters here is that the relay item was made.)
        let (item, airings) = try #require(try await programme.item(1))
        #expect(item.title == "Tiếp sóng VOV1" && item.isRelay && item.source == "relay: Tiếp sóng VOV1")
        #expect(item.zones == ["thon-dong"] && airings.count == 1)
        // Later ticks do not start it again.
        try await world.run(until: local.wall(monday, minutes: 361), step: 10_000)
        #expect(try await programme.item(2) == nil)
        _ = try await programme.stopLive(item.id)
    }
}
