import Foundation
import LoaControlAPI
import LoaController
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire
import Logging
import Testing

/// A box whose heartbeats say its sound card fails: the real registry, fed real signed and tagged datagrams,
/// its alerts and receivers recorded in a real `fleet.sqlite` in a temporary directory.
@Suite("Sound card alerts")
struct SoundCardAlertTests {
    /// A controller's state directory (removed at the end) with its fleet, and one box talking to it.
    final class World {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loa-sound-card-\(UUID().uuidString)")
        var fleet: Fleet
        let box = Box()
        /// The `fleet:` settings this controller runs with (thresholds of the loss and underrun alerts).
        let configuration: FleetConfiguration

        init(configuration: FleetConfiguration = FleetConfiguration()) throws {
            self.configuration = configuration
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            fleet = try Self.openFleet(directory, configuration)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        static func openFleet(_ directory: URL, _ configuration: FleetConfiguration) throws -> Fleet {
            try Fleet(
                stateDirectory: directory, configuration: configuration, zones: [Zone.builtIn],
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        /// Stops this controller's fleet and opens the state directory again, as a restarted controller does.
        func restart() throws { fleet = try Self.openFleet(directory, configuration) }

        /// Approves the box; from then on its heartbeats are tagged with the key agreed with the controller.
        func approve() throws {
            _ = try fleet.registry.approve(box.id, name: "truong-hoc", zone: "all")
            let text = try String(contentsOf: directory.appendingPathComponent("controller.pub"), encoding: .utf8)
            box.adopt(controllerKey: try #require(KeyText.bytes(base64: text)))
        }

        func enrol(soundCardFailing: Bool = false) { box.enrol(fleet, soundCardFailing: soundCardFailing) }
        func beat(soundCardFailing: Bool) { box.beat(fleet, soundCardFailing: soundCardFailing) }

        /// The sound card alerts raised since the last flush (which records them in SQLite, as the service does
        /// every half second, without the 10 s heartbeat write).
        func soundCardAlerts() -> [Alert] {
            fleet.flush(heartbeats: false).filter { $0.kind == .soundCard || $0.kind == .soundCardCleared }
        }

        /// The box as `GET /receivers` shows it.
        func view() throws -> ReceiverView { ReceiverView(try #require(fleet.registry.find(box.id.text))) }
    }

    /// A speaker box made of the fleet protocol only: enrols, then sends tagged heartbeats.
    final class Box {
        let keys = SigningKeyPair.generate()
        let from = SocketAddress("127.0.0.1:40404")!
        var key: MessageKey?
        var sequence: UInt32 = 0
        var id: ReceiverID { ReceiverID(publicKey: keys.publicKey) }

        func heartbeat(soundCardFailing: Bool) -> Heartbeat {
            sequence += 1
            return Heartbeat(
                receiver: id, epoch: 1, sequence: sequence, intervalMilliseconds: 1000, playing: true,
                soundCardFailing: soundCardFailing, version: "0.5.0", zones: ["all"])
        }

        /// Sends a signed enrolment carrying a heartbeat.
        func enrol(_ fleet: Fleet, soundCardFailing: Bool) {
            deliver(.enrolment(heartbeat(soundCardFailing: soundCardFailing), publicKey: keys.publicKey), to: fleet)
        }

        /// Sends a heartbeat tagged with the agreed key.
        func beat(_ fleet: Fleet, soundCardFailing: Bool) {
            deliver(.heartbeat(heartbeat(soundCardFailing: soundCardFailing)), to: fleet)
        }

        /// Sends a tagged heartbeat that `change` has edited (counters, interval), as the registry receives
        /// it at `now` (monotonic nanoseconds).
        func beat(_ fleet: Fleet, at now: UInt64 = MonotonicClock.now(), _ change: (inout Heartbeat) -> Void) {
            var heartbeat = heartbeat(soundCardFailing: false)
            change(&heartbeat)
            deliver(.heartbeat(heartbeat), to: fleet, now: now)
        }

        func adopt(controllerKey: [UInt8]) {
            key = keys.sharedKey(receiver: keys.publicKey, controller: controllerKey)
        }

        private func deliver(_ message: FleetMessage, to fleet: Fleet, now: UInt64 = MonotonicClock.now()) {
            FleetAuthentication.bytes(message, signer: keys, key: key).withUnsafeBytes {
                _ = fleet.registry.handle($0, from: from, now: now)
            }
        }
    }

    /// A world whose box is enrolled and approved, its sound card working.
    static func approved() throws -> World {
        let world = try World()
        world.enrol()
        try world.approve()
        world.beat(soundCardFailing: false)
        #expect(world.soundCardAlerts().isEmpty)
        #expect(try world.view().soundCardFailing == false)
        return world
    }

    @Test func aFailingCardIsAlertedOnceAndClearedOnce() throws {
        let world = try Self.approved()

        world.beat(soundCardFailing: true)
        let raised = world.soundCardAlerts()
        #expect(raised.map(\.kind) == [.soundCard])
        #expect(raised.first?.receiver == world.box.id.text)
        #expect(raised.first?.name == "truong-hoc")
        #expect(raised.first?.detail == "the sound card fails: the box is alive but cannot be heard")
        #expect(try world.view().soundCardFailing)
        #expect(world.fleet.registry.find("truong-hoc")?.soundCardFailing == true)

        for _ in 0..<5 { world.beat(soundCardFailing: true) }
        #expect(world.soundCardAlerts().isEmpty, "a card that keeps failing is alerted once")
        #expect(try world.view().soundCardFailing)

        world.beat(soundCardFailing: false)
        let cleared = world.soundCardAlerts()
        #expect(cleared.map(\.kind) == [.soundCardCleared])
        #expect(cleared.first?.detail == "the sound card works again")
        #expect(try world.view().soundCardFailing == false)

        for _ in 0..<3 { world.beat(soundCardFailing: false) }
        #expect(world.soundCardAlerts().isEmpty, "a working card is cleared once")

        world.beat(soundCardFailing: true)
        #expect(world.soundCardAlerts().map(\.kind) == [.soundCard], "a card failing again is alerted again")
    }

    @Test func theJSONNamesTheFieldAndTheKinds() throws {
        let world = try Self.approved()
        world.beat(soundCardFailing: true)
        let view = String(decoding: try JSONEncoder().encode(try world.view()), as: UTF8.self)
        #expect(view.contains("\"soundCardFailing\":true"))
        let alert = try #require(world.soundCardAlerts().first)
        #expect(String(decoding: try JSONEncoder().encode(alert), as: UTF8.self).contains("\"kind\":\"sound-card\""))
        world.beat(soundCardFailing: false)
        let cleared = try #require(world.soundCardAlerts().first)
        #expect(
            String(decoding: try JSONEncoder().encode(cleared), as: UTF8.self).contains(
                "\"kind\":\"sound-card-cleared\""))
    }

    @Test func aPendingBoxIsNotAlertedButItsFirstHeartbeatAfterApprovalIs() throws {
        let world = try World()
        world.enrol(soundCardFailing: true)
        world.enrol(soundCardFailing: true)
        #expect(world.soundCardAlerts().isEmpty, "nothing a pending box says is acted on")
        #expect(try world.view().soundCardFailing, "but what it says is shown")

        try world.approve()
        world.beat(soundCardFailing: true)
        #expect(world.soundCardAlerts().map(\.kind) == [.soundCard])
        world.beat(soundCardFailing: true)
        #expect(world.soundCardAlerts().isEmpty)
    }

    @Test func aRestartedControllerKnowsTheCardFailsAndAlertsOrClearsIt() throws {
        let world = try Self.approved()
        world.beat(soundCardFailing: true)
        #expect(world.soundCardAlerts().map(\.kind) == [.soundCard])

        // Still failing after a restart: the first heartbeat alerts again, the next ones do not.
        try world.restart()
        #expect(try world.view().soundCardFailing, "the flag is read back from fleet.sqlite")
        world.beat(soundCardFailing: true)
        #expect(world.soundCardAlerts().map(\.kind) == [.soundCard])
        world.beat(soundCardFailing: true)
        #expect(world.soundCardAlerts().isEmpty)

        // Working after a restart: the alert that stood before it is cleared.
        try world.restart()
        #expect(try world.view().soundCardFailing)
        world.beat(soundCardFailing: false)
        #expect(world.soundCardAlerts().map(\.kind) == [.soundCardCleared])
        #expect(try world.view().soundCardFailing == false)

        try world.restart()
        #expect(try world.view().soundCardFailing == false)
        world.beat(soundCardFailing: false)
        #expect(world.soundCardAlerts().isEmpty)
    }
}
