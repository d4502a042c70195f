import Foundation
import LoaController
import LoaSystem
import LoaWire
import Logging
import Synchronization
import Testing

/// The registry's quality and silence rules, fed real tagged heartbeats (the `World`/`Box` harness of
/// `SoundCardAlertTests`): loss above `loss-percent` or at least `underruns` underruns per heartbeat, in
/// `sustained` heartbeats in a row, raise one alert and one clear; a box is offline after three of its own
/// intervals without a heartbeat, not before; and the dispatcher logs every alert.
@Suite("Fleet alerts")
struct FleetAlertTests {
    /// An approved box whose heartbeats carry cumulative counters, as a real box's do.
    final class Meter {
        let world: SoundCardAlertTests.World
        var received: UInt32 = 0
        var lost: UInt32 = 0
        var underruns: UInt32 = 0

        init(_ configuration: FleetConfiguration = FleetConfiguration()) throws {
            world = try SoundCardAlertTests.World(configuration: configuration)
            world.enrol()
            try world.approve()
            world.beat(soundCardFailing: false)
            #expect(world.fleet.flush(heartbeats: false).map(\.kind) == [.pending])
        }

        /// One heartbeat whose counters grew by this much since the last; the alerts it raised.
        @discardableResult
        func beat(received: UInt32, lost: UInt32 = 0, underruns: UInt32 = 0) -> [Alert] {
            self.received += received
            self.lost += lost
            self.underruns += underruns
            world.box.beat(world.fleet) { [self] in
                $0.received = self.received
                $0.lost = self.lost
                $0.underruns = self.underruns
            }
            return world.fleet.flush(heartbeats: false)
        }

        /// The kinds raised by each of `count` heartbeats of the same counts.
        func beats(_ count: Int, received: UInt32, lost: UInt32 = 0, underruns: UInt32 = 0) -> [[Alert.Kind]] {
            (0..<count).map { _ in beat(received: received, lost: lost, underruns: underruns).map(\.kind) }
        }
    }

    @Test func sustainedLossRaisesOneAlertThenOneClear() throws {
        let meter = try Meter()  // defaults: above 5 %, 3 heartbeats in a row
        #expect(meter.beats(2, received: 90, lost: 10) == [[], []], "two lossy heartbeats are not yet sustained")
        let raised = meter.beat(received: 90, lost: 10)
        #expect(raised.map(\.kind) == [.loss], "the third in a row is")
        #expect(raised.first?.receiver == meter.world.box.id.text)
        #expect(raised.first?.name == "truong-hoc")
        #expect(raised.first?.detail == "10.0 % of packets lost in 3 heartbeats")
        #expect(meter.beats(3, received: 90, lost: 10) == [[], [], []], "one alert while it lasts")
        let cleared = meter.beat(received: 100)
        #expect(cleared.map(\.kind) == [.lossCleared])
        #expect(cleared.first?.detail == "loss back under 5.0 %")
        #expect(meter.beats(2, received: 100) == [[], []], "one clear")

        // At the threshold is not above it; a clean heartbeat breaks the run.
        #expect(meter.beats(4, received: 95, lost: 5) == [[], [], [], []])
        let broken =
            meter.beats(2, received: 80, lost: 20) + meter.beats(1, received: 100)
            + meter.beats(2, received: 80, lost: 20)
        #expect(broken == [[], [], [], [], []], "never three in a row")
        #expect(meter.beat(received: 80, lost: 20).map(\.kind) == [.loss])
    }

    @Test func sustainedUnderrunsRaiseOneAlertThenOneClear() throws {
        let meter = try Meter()  // defaults: at least 1 underrun per heartbeat, 3 heartbeats in a row
        #expect(meter.beats(2, received: 100, underruns: 1) == [[], []])
        let raised = meter.beat(received: 100, underruns: 2)
        #expect(raised.map(\.kind) == [.underruns])
        #expect(raised.first?.detail == "2 ALSA underruns in the last heartbeat, 3 in a row")
        #expect(meter.beats(2, received: 100, underruns: 1) == [[], []])
        #expect(meter.beat(received: 100).map(\.kind) == [.underrunsCleared])
        #expect(meter.beats(2, received: 100) == [[], []])
    }

    @Test func theThresholdsAreTheFleetSettings() throws {
        let configuration = try ControllerConfiguration.parse(
            "fleet:\n  loss-percent: 20\n  underruns: 3\n  sustained: 2\n", path: "controller.yaml"
        ).fleet
        let meter = try Meter(configuration)
        #expect(meter.beats(3, received: 90, lost: 10) == [[], [], []], "10 % is not above 20 %")
        #expect(meter.beats(2, received: 75, lost: 25) == [[], [.loss]], "25 % twice in a row is")
        #expect(meter.beat(received: 100).map(\.kind) == [.lossCleared])
        #expect(meter.beats(3, received: 100, underruns: 2) == [[], [], []], "2 underruns are fewer than 3")
        #expect(meter.beats(2, received: 100, underruns: 3) == [[], [.underruns]])
    }

    /// Offline is three of the box's own intervals after its last heartbeat (plus a grace under a second),
    /// measured on the monotonic clock the registry is given: online at 2.9 and at 3 intervals, offline a
    /// second after 3; the next heartbeat brings it back.
    @Test(arguments: [1000, 5000] as [UInt32])
    func offlineAfterThreeOfItsOwnIntervals(intervalMilliseconds: UInt32) throws {
        let world = try Meter().world
        let interval = UInt64(intervalMilliseconds) * 1_000_000
        let last = MonotonicClock.now() + 1_000_000_000
        world.box.beat(world.fleet, at: last) { $0.intervalMilliseconds = intervalMilliseconds }
        #expect(world.fleet.flush(heartbeats: false).isEmpty)

        world.fleet.registry.checkOffline(now: last + interval * 29 / 10)
        #expect(world.fleet.flush(heartbeats: false).isEmpty, "2.9 intervals: two heartbeats missed, online")
        world.fleet.registry.checkOffline(now: last + interval * 3)
        #expect(world.fleet.flush(heartbeats: false).isEmpty, "3 intervals: still within the grace")
        world.fleet.registry.checkOffline(now: last + interval * 3 + 1_000_000_000)
        let offline = world.fleet.flush(heartbeats: false)
        #expect(offline.map(\.kind) == [.offline])
        #expect(offline.first?.receiver == world.box.id.text)

        // Counted from the last heartbeat: one at 4 intervals resets the count.
        let back = last + interval * 4
        world.box.beat(world.fleet, at: back) { $0.intervalMilliseconds = intervalMilliseconds }
        #expect(world.fleet.flush(heartbeats: false).map(\.kind) == [.online])
        world.fleet.registry.checkOffline(now: back + interval * 29 / 10)
        #expect(world.fleet.flush(heartbeats: false).isEmpty)
        world.fleet.registry.checkOffline(now: back + interval * 3 + 1_000_000_000)
        #expect(world.fleet.flush(heartbeats: false).map(\.kind) == [.offline])
    }

    @Test func everyAlertIsLoggedAsAWarning() async throws {
        let meter = try Meter()
        _ = meter.beats(2, received: 90, lost: 10)
        let alerts = meter.beat(received: 90, lost: 10) + meter.beat(received: 100)
        #expect(alerts.map(\.kind) == [.loss, .lossCleared])
        let lines = CapturedLog()
        let dispatcher = AlertDispatcher(
            configuration: FleetConfiguration(),
            logger: Logger(label: "test", factory: { _ in CapturingLogHandler(lines) }))
        for alert in alerts { await dispatcher.deliver(alert) }
        let id = meter.world.box.id.text
        #expect(lines.entries.map(\.level) == [.warning, .warning])
        #expect(
            lines.entries.map(\.message) == [
                "alert: loss receiver \(id) 'truong-hoc' zone all: 10.0 % of packets lost in 3 heartbeats",
                "alert: loss-cleared receiver \(id) 'truong-hoc' zone all: loss back under 5.0 %",
            ])
    }
}

/// Log lines captured by `CapturingLogHandler`.
final class CapturedLog: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])
    var entries: [(level: Logger.Level, message: String)] { lines.withLock { $0 } }
    func append(_ level: Logger.Level, _ message: String) { lines.withLock { $0.append((level, message)) } }
}

/// A swift-log handler that keeps every line it is given, at every level.
struct CapturingLogHandler: LogHandler {
    let captured: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(_ captured: CapturedLog) { self.captured = captured }

    func log(event: LogEvent) { captured.append(event.level, event.message.description) }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
