import Foundation
import LoaSystem
import Logging
import Testing

@testable import LoaController

/// A flood of forged enrolments while a box goes offline: the pending alerts become one alert with a count, and
/// the `offline` alert is delivered first, by a real alert command, not behind hundreds of others.
@Suite("Alert flood")
struct AlertFloodTests {
    @Test func aFloodOfPendingAlertsIsOneAlertAndOfflineGoesFirst() async throws {
        let meter = try FleetAlertTests.Meter()
        let world = meter.world
        let last = MonotonicClock.now()
        world.box.beat(world.fleet, at: last) { _ in }
        #expect(world.fleet.flush(heartbeats: false).isEmpty)

        // 300 forged enrolments (each a new key), then the real box falls silent.
        for _ in 0..<300 { SoundCardAlertTests.Box().enrol(world.fleet, soundCardFailing: false) }
        let pending = world.fleet.flush(heartbeats: false)
        #expect(!pending.isEmpty && pending.allSatisfy { $0.kind == .pending })
        world.fleet.registry.checkOffline(now: last + 3_000_000_000 + 1_000_000_000)
        let offline = world.fleet.flush(heartbeats: false)
        #expect(offline.map(\.kind) == [.offline])

        var backlog = AlertBacklog()
        backlog.add(pending)
        backlog.add(offline)
        #expect(backlog.count == 2, "one alert per kind waits")

        // Delivered by a real command, one at a time: the offline alert first, then one pending with the count.
        let file = world.directory.appendingPathComponent("alerts.jsonl").path
        var configuration = FleetConfiguration()
        configuration.alertCommand = "cat >> \(file); echo >> \(file)"
        let dispatcher = AlertDispatcher(
            configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        while let alert = backlog.next() { await dispatcher.deliver(alert) }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let delivered = try lines.map { try JSONDecoder().decode(Alert.self, from: Data($0.utf8)) }
        #expect(delivered.map(\.kind) == [.offline, .pending])
        #expect(delivered.first?.receiver == world.box.id.text)
        #expect(delivered.last?.count == pending.count)
        #expect(delivered.last?.detail.hasPrefix("\(pending.count) alerts (receivers ") == true)
    }

    @Test func alertsOfDifferentKindsAreNotMerged() throws {
        let world = try SoundCardAlertTests.World()
        world.enrol()
        var backlog = AlertBacklog()
        backlog.add(world.fleet.flush(heartbeats: false))
        try world.approve()
        world.beat(soundCardFailing: true)
        backlog.add(world.fleet.flush(heartbeats: false))
        #expect(backlog.next()?.kind == .soundCard)
        #expect(backlog.next().map { ($0.kind, $0.count) }! == (.pending, 1))
        #expect(backlog.next() == nil)
    }
}
