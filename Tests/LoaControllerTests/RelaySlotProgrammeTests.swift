import Foundation
import LoaControlAPI
import LoaController
import LoaSchedule
import LoaSystem
import Logging
import Testing

/// A relay slot of the schedule (issue 16 point 5) on a simulated clock: at its time the programme starts the
/// relay as a live item of the slot, once, and the timetable shows its window; a relay cut off by a crash is
/// relayed again when the controller starts within its window.
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

    @Test func aRelayCutOffByACrashIsRelayedAgainWithinItsWindow() async throws {
        let monday = LocalDate(year: 2026, month: 11, day: 30)
        let world = try ProgrammeWeekTests.World(zones: zones, local: local, start: local.wall(monday, minutes: 360))
        try await world.programme.start()
        let plan = RelayPlan(
            sources: ["http://127.0.0.1:9/vov1.mp3", "http://127.0.0.1:9/vov1-du-phong.mp3"],
            until: world.clock.now() + 30 * 60_000)
        let relay = try await world.programme.startRelay(
            plan, zones: ["thon-dong"], priority: .priority, title: "Tiếp sóng VOV1",
            origin: "http://127.0.0.1:9/vov1.mp3")
        // (Not pumped: the simulated air would end a feed with no frames at once.)
        #expect(try await world.programme.item(relay.id)?.1.map(\.state) == [.playing])

        // The controller dies on the air and starts again ten minutes later, within the window.
        world.clock.set(world.clock.now() + 10 * 60_000)
        let restarted = try ProgrammeWeekTests.World(restarting: world, zones: zones, local: local)
        try await restarted.programme.start()
        let (resumed, airings) = try #require(try await restarted.programme.item(relay.id + 1))
        #expect(resumed.isRelay && resumed.title == "Tiếp sóng VOV1" && resumed.priority == .priority)
        #expect(resumed.zones == ["thon-dong"] && resumed.source == relay.source)
        #expect(airings.map(\.state) == [.playing], "the relay is on the air again")
        let store = try Store(path: world.directory.appendingPathComponent("loa.sqlite").path)
        #expect(try store.relayPlan(item: resumed.id) == plan, "the same sources, end and fallback")
        #expect(try await restarted.programme.item(relay.id)?.1.map(\.state) == [.cancelled])
        let log = try await restarted.programme.log(since: 0, zone: nil).filter { $0.itemId == relay.id }
        #expect(log.map(\.outcome) == [.interrupted, .cancelled])
        #expect(log.last?.reason?.contains("relayed again") == true)

        // Started again after the window: nothing is relayed.
        world.clock.set(plan.until + 60_000)
        let late = try ProgrammeWeekTests.World(restarting: world, zones: zones, local: local)
        try await late.programme.start()
        try await late.pump()
        #expect(try await late.programme.item(resumed.id + 1) == nil)
        _ = try? await world.programme.stopLive(relay.id)
        _ = try? await restarted.programme.stopLive(resumed.id)
    }
}
