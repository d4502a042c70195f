import LoaControlAPI
import Foundation
import LoaController
import LoaCrypto
import LoaSystem
import LoaWire
import Logging
import Testing

/// The fleet model's rules: a box's zone is the controller's (wrong-zone and zone-gone alerts), names are unique,
/// look-ups are deterministic, and boxes can be removed and rejected. The real registry, fed real signed and
/// tagged datagrams, with a real `fleet.sqlite` in a temporary directory.
@Suite("Fleet model")
struct FleetModelTests {
    static let groupA = StreamGroup(address: 0xEFFF_4D0A, port: 5004)
    static let groupB = StreamGroup(address: 0xEFFF_4D0B, port: 5006)
    static let zoneA = Zone(name: "thon-a", group: SocketAddress("239.255.77.10:5004")!, interface: "lo", ttl: 0)
    static let zoneB = Zone(name: "thon-b", group: SocketAddress("239.255.77.11:5006")!, interface: "lo", ttl: 0)

    /// A controller's state directory (removed at the end) and its fleet with the given zones.
    final class World {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-model-\(UUID().uuidString)")
        var fleet: Fleet
        let clock: any ControllerClock

        init(
            zones: [Zone] = [FleetModelTests.zoneA, FleetModelTests.zoneB], clock: any ControllerClock = SystemClock()
        ) throws {
            self.clock = clock
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            fleet = try Self.open(directory, zones, clock: clock)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        static func open(_ directory: URL, _ zones: [Zone], clock: any ControllerClock) throws -> Fleet {
            try Fleet(
                stateDirectory: directory, configuration: FleetConfiguration(), zones: zones,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: clock)
        }

        /// Writes what changed and opens the state directory again with `zones`, as a restarted controller does.
        func restart(zones: [Zone]) throws {
            _ = fleet.flush(heartbeats: true)
            fleet = try Self.open(directory, zones, clock: clock)
        }

        /// A new box that has enrolled (pending).
        func enrolled() -> SoundCardAlertTests.Box {
            let box = SoundCardAlertTests.Box()
            box.enrol(fleet, soundCardFailing: false)
            return box
        }

        /// Approves `box` into `zone` and gives it the agreed key.
        func approve(_ box: SoundCardAlertTests.Box, name: String, zone: String?) throws {
            _ = try fleet.registry.approve(box.id, name: name, zone: zone)
            let text = try String(contentsOf: directory.appendingPathComponent("controller.pub"), encoding: .utf8)
            box.adopt(controllerKey: try #require(KeyText.bytes(base64: text)))
        }

        /// A tagged heartbeat from `box` saying it is on `group`.
        func beat(_ box: SoundCardAlertTests.Box, on group: StreamGroup?) { box.beat(fleet) { $0.group = group } }

        /// The kinds of the zone alerts raised since the last call.
        func zoneAlerts() -> [Alert.Kind] {
            fleet.flush(heartbeats: false).map(\.kind).filter { [.wrongZone, .zoneGone, .zoneCleared].contains($0) }
        }

        func view(_ box: SoundCardAlertTests.Box) throws -> ReceiverView {
            ReceiverView(try fleet.registry.lookUp(box.id.text), groups: fleet.registry.groups)
        }
    }

    @Test func placementIsJudgedAgainstTheRegisteredZonesGroup() {
        let groups = ["thon-a": Self.groupA, "thon-b": Self.groupB]
        #expect(ZonePlacement(zone: "thon-a", reported: Self.groupA, groups: groups) == .right)
        #expect(ZonePlacement(zone: nil, reported: Self.groupB, groups: groups) == .right, "no zone yet")
        #expect(ZonePlacement(zone: "thon-a", reported: nil, groups: groups) == .right, "the box does not say")
        #expect(
            ZonePlacement(zone: "thon-a", reported: Self.groupB, groups: groups)
                == .wrong(zone: "thon-a", expected: Self.groupA, reported: Self.groupB))
        #expect(ZonePlacement(zone: "thon-c", reported: Self.groupA, groups: groups) == .gone(zone: "thon-c"))
        #expect(ZonePlacement(zone: "thon-c", reported: nil, groups: groups).problem == .zoneGone)
    }

    @Test func aWrongGroupIsAlertedAfterTwoHeartbeatsOnceAndClearedWhenTheBoxIsMoved() throws {
        let world = try World()
        let box = world.enrolled()
        try world.approve(box, name: "cho", zone: "thon-a")
        world.beat(box, on: Self.groupA)
        #expect(world.zoneAlerts().isEmpty)

        world.beat(box, on: Self.groupB)
        #expect(world.zoneAlerts().isEmpty, "one heartbeat on another group (a box being moved) is not alerted")
        #expect(try world.view(box).zoneProblem == nil)
        world.beat(box, on: Self.groupB)
        #expect(world.zoneAlerts() == [.wrongZone])
        #expect(try world.view(box).zoneProblem == "wrong-zone")
        for _ in 0..<3 { world.beat(box, on: Self.groupB) }
        #expect(world.zoneAlerts().isEmpty, "alerted once while it holds")

        // Registered where it plays: cleared at its next heartbeat.
        _ = try world.fleet.registry.update(box.id, name: nil, zone: "thon-b")
        world.beat(box, on: Self.groupB)
        #expect(world.zoneAlerts() == [.zoneCleared])
        #expect(try world.view(box).zoneProblem == nil)
    }

    /// What the fleet records and shows (first heard, last heard, history, alerts) is on the controller's one
    /// clock, not read from the system behind its back: a fleet on a hand-moved clock records the hand-set times.
    @Test func theFleetRecordsOnTheControllersClock() throws {
        let start: Int64 = 1_764_547_200_000  // 2025-12-01T00:00:00Z, far from today's wall clock
        let clock = ManualClock(start)
        let world = try World(clock: clock)
        let box = world.enrolled()
        // The new box's alert is raised at the clock's time.
        #expect(world.fleet.flush(heartbeats: true).map(\.at) == ["2025-12-01T00:00:00.000Z"])
        clock.set(start + 90_000)
        try world.approve(box, name: "cho", zone: "thon-a")
        world.beat(box, on: Self.groupA)
        #expect(try world.view(box).lastSeen == "2025-12-01T00:01:30.000Z")
    }

    @Test func aZoneNoLongerConfiguredIsAlertedAtOnceAndShown() throws {
        let world = try World()
        let box = world.enrolled()
        try world.approve(box, name: "cho", zone: "thon-b")
        world.beat(box, on: Self.groupB)
        #expect(world.zoneAlerts().isEmpty)

        try world.restart(zones: [Self.zoneA])
        #expect(try world.view(box).zoneProblem == "zone-gone", "shown before the box is heard from")
        world.beat(box, on: Self.groupB)
        #expect(world.zoneAlerts() == [.zoneGone])
        world.beat(box, on: Self.groupB)
        #expect(world.zoneAlerts().isEmpty)
        #expect(world.fleet.registry.zoneCounts()["thon-b"]?.approved == 1)
    }

    @Test func namesAreUniqueAndARefusedNameChangesNothing() throws {
        let world = try World()
        let first = world.enrolled()
        let second = world.enrolled()
        try world.approve(first, name: "nha-van-hoa", zone: "thon-a")
        #expect(throws: ReceiverLookupError.nameTaken("nha-van-hoa", holder: first.id.text)) {
            try world.fleet.registry.approve(second.id, name: "nha-van-hoa", zone: "thon-a")
        }
        #expect(try world.fleet.registry.lookUp(second.id.text).approved == false, "the refused approval did nothing")
        try world.approve(second, name: "cho", zone: "thon-a")
        #expect(throws: ReceiverLookupError.nameTaken("nha-van-hoa", holder: first.id.text)) {
            try world.fleet.registry.update(second.id, name: "nha-van-hoa", zone: "thon-b")
        }
        let unchanged = try world.fleet.registry.lookUp("cho")
        #expect(unchanged.id == second.id && unchanged.zone == "thon-a")
        _ = try world.fleet.registry.update(first.id, name: "nha-van-hoa", zone: nil)  // its own name: fine
        #expect(try world.fleet.registry.lookUp("nha-van-hoa").id == first.id)
    }

    @Test func anAmbiguousIdPrefixIsRefusedNamingTheCandidates() throws {
        let world = try World()
        // Boxes until two share their first four hex digits.
        var byPrefix: [String: SoundCardAlertTests.Box] = [:]
        var pair: (SoundCardAlertTests.Box, SoundCardAlertTests.Box)?
        while pair == nil {
            let box = SoundCardAlertTests.Box()
            let prefix = String(box.id.text.prefix(4))
            if let other = byPrefix[prefix] { pair = (other, box) } else { byPrefix[prefix] = box }
        }
        let (one, two) = try #require(pair)
        one.enrol(world.fleet, soundCardFailing: false)
        two.enrol(world.fleet, soundCardFailing: false)
        let prefix = String(one.id.text.prefix(4))
        do {
            _ = try world.fleet.registry.lookUp(prefix)
            Issue.record("an ambiguous prefix was resolved")
        } catch {
            guard case .ambiguous(let text, let candidates) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(text == prefix && candidates.count == 2)
            #expect(
                candidates.contains { $0.hasSuffix(one.id.text) } && candidates.contains { $0.hasSuffix(two.id.text) })
        }
        #expect(world.fleet.registry.find(prefix) == nil)
        let longer = String(one.id.text.prefix(one.id.text.commonPrefix(with: two.id.text).count + 1))
        #expect(try world.fleet.registry.lookUp(longer).id == one.id)
        #expect(throws: ReceiverLookupError.unknown("khong-co")) { try world.fleet.registry.lookUp("khong-co") }
    }

    @Test func aRemovedBoxIsForgottenAndItsHeartbeatsAreUnknown() throws {
        let world = try World()
        let box = world.enrolled()
        try world.approve(box, name: "cho", zone: "thon-a")
        world.beat(box, on: Self.groupA)
        #expect(world.fleet.registry.remove(box.id))
        #expect(world.fleet.registry.remove(box.id) == false, "already gone")
        world.beat(box, on: Self.groupA)
        #expect(world.fleet.registry.find(box.id.text) == nil, "its heartbeat did not bring it back")
        try world.restart(zones: [Self.zoneA])
        #expect(world.fleet.registry.all().isEmpty, "forgotten on disk too")
        world.beat(box, on: Self.groupA)
        #expect(world.fleet.registry.all().isEmpty)
    }

    @Test func aRejectedBoxIsNeverWelcomedAndRaisesNoMoreAlerts() throws {
        let world = try World()
        let box = world.enrolled()
        #expect(world.fleet.flush(heartbeats: false).map(\.kind) == [.pending])
        let rejected = try #require(world.fleet.registry.reject(box.id))
        #expect(rejected.state == .rejected)
        #expect(world.fleet.registry.reject(box.id) == nil, "only a pending box can be rejected")
        for _ in 0..<3 { box.enrol(world.fleet, soundCardFailing: false) }
        try world.restart(zones: [Self.zoneA])
        box.enrol(world.fleet, soundCardFailing: false)
        #expect(world.fleet.flush(heartbeats: false).isEmpty, "no pending alert again, even after a restart")
        #expect(try world.fleet.registry.lookUp(box.id.text).state == .rejected)
        #expect(Self.answer(toEnrolmentOf: box, fleet: world.fleet) == nil, "not welcomed")
        _ = try world.fleet.registry.approve(box.id, name: "cho", zone: "thon-a")
        #expect(Self.answer(toEnrolmentOf: box, fleet: world.fleet) != nil, "a person may still admit it")
    }

    /// What the registry answers a signed enrolment from `box` with.
    static func answer(toEnrolmentOf box: SoundCardAlertTests.Box, fleet: Fleet) -> FleetRegistry.FollowUp? {
        let message = FleetMessage.enrolment(box.heartbeat(soundCardFailing: false), publicKey: box.keys.publicKey)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        let length = message.encode(into: buffer)
        box.keys.sign(
            UnsafeRawBufferPointer(rebasing: buffer[0..<length]),
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + message.trailerBytes)]))
        return fleet.registry.handle(
            UnsafeRawBufferPointer(rebasing: buffer[0..<(length + message.trailerBytes)]), from: box.from,
            now: MonotonicClock.now())
    }
}
