import Foundation
import LoaControlAPI
import LoaController
import LoaWire
import Testing

/// Issue 15, point 5: proof of play per box. What each box's heartbeats report of how it played its latest items
/// is kept per box and item in `fleet.sqlite` (the highest count of each kind, and when a frame more was last
/// reported), survives a restart, and sums up per box for the month's record.
@Suite("Proof of play per box")
struct PlaysPerBoxTests {
    @Test func eachBoxsPlaysAreKeptPerItemAndSumUpPerBox() throws {
        let clock = ManualClock(1_764_558_000_000)
        let world = try FleetModelTests.World(clock: clock)
        let near = world.enrolled()
        let far = world.enrolled()
        try world.approve(near, name: "cong-dinh", zone: "thon-a")
        try world.approve(far, name: "cuoi-thon", zone: "thon-a")

        near.beat(world.fleet) { $0.plays = [ItemPlay(item: 12, fromFile: 700, fromStream: 20)] }
        far.beat(world.fleet) { $0.plays = [ItemPlay(item: 12, fromStream: 600, rebuilt: 30, concealed: 5)] }
        _ = world.fleet.flush(heartbeats: true)
        // Later: item 12 went on, item 13 played; a box that restarted mid-item counts afresh (lower): the highest
        // count stays.
        clock.set(1_764_558_060_000)
        near.beat(world.fleet) {
            $0.plays = [
                ItemPlay(item: 12, fromFile: 1_480, fromStream: 20),
                ItemPlay(item: 13, frameMilliseconds: 10, fromFile: 3_000),
            ]
        }
        far.beat(world.fleet) { $0.plays = [ItemPlay(item: 12, fromStream: 100)] }
        try world.restart(zones: [FleetModelTests.zoneA, FleetModelTests.zoneB])

        let plays = try world.fleet.plays(since: 0)
        #expect(plays.map { "\($0.itemId) \($0.name)" } == ["12 cong-dinh", "12 cuoi-thon", "13 cong-dinh"])
        #expect(plays[0].fromFile == 1_480 && plays[0].frames == 1_500)
        #expect(plays[1].fromStream == 600 && plays[1].rebuilt == 30 && plays[1].concealed == 5)
        // The far box reported nothing more of item 12 the second time: when it last played stays.
        #expect(plays[1].reportedAt == 1_764_558_000_000 && plays[0].reportedAt == 1_764_558_060_000)
        #expect(try world.fleet.plays(since: 1_764_558_030_000).map(\.itemId) == [12, 13])
        #expect(try world.fleet.plays(since: 0, zone: "thon-b").isEmpty)

        let report = Fleet.report(plays)
        #expect(report.map(\.name) == ["cong-dinh", "cuoi-thon"])
        // 1,500 frames of 20 ms and 3,000 of 10 ms: 60 s; 635 frames of 20 ms: 12.7 s.
        #expect(report[0].items == 2 && report[0].seconds == 60 && report[0].fromFile == 4_480)
        #expect(report[1].items == 1 && report[1].seconds == 12 && report[1].concealed == 5)
    }

    /// Issue 15, point 4: a play the box made on its own while the controller was out of reach is reported when the
    /// link returns; it is kept as offline, and it counts at the time the box started it, not when it was reported.
    @Test func aPlayMadeOfflineIsKeptAsSuchAtTheTimeItStarted() throws {
        let clock = ManualClock(1_764_558_000_000)
        let world = try FleetModelTests.World(clock: clock)
        let box = world.enrolled()
        try world.approve(box, name: "cuoi-thon", zone: "thon-a")
        // Started at 10:00, reported 20 minutes later when the link came back.
        clock.set(1_764_559_200_000)
        box.beat(world.fleet) {
            $0.plays = [ItemPlay(item: 14, fromFile: 500, startedAt: 1_764_558_000_000, offline: true)]
        }
        _ = world.fleet.flush(heartbeats: true)
        // Reported again with the same counts, and without the flag by a box that restarted: the record stays.
        clock.set(1_764_559_260_000)
        box.beat(world.fleet) { $0.plays = [ItemPlay(item: 14, fromFile: 500, startedAt: 1_764_558_001_000)] }
        _ = world.fleet.flush(heartbeats: true)
        let plays = try world.fleet.plays(since: 0)
        #expect(plays.count == 1 && plays[0].offline && plays[0].startedAt == 1_764_558_000_000)
        #expect(try world.fleet.plays(since: 1_764_557_000_000, until: 1_764_558_600_000).map(\.itemId) == [14])
        #expect(try world.fleet.plays(since: 1_764_559_000_000).isEmpty)
    }
}
