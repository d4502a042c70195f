import Foundation
import LoaCrypto
import LoaReceiverCore
import LoaTrust
import LoaSystem
import LoaWire
import Testing

/// A box's `ControllerLink` against a controller played by the test: real UDP sockets on 127.0.0.1, a real
/// state folder. Only commands tagged with the key the box agreed with its controller, for this box, with an
/// id above the last it carried out, are carried out; the rest are counted in `refused` and change nothing.
@Suite("Controller link")
struct ControllerLinkTests {
    /// A controller's socket and key pair, and a box enrolled with it (its `controller.pub` already learned).
    final class Scene {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-link-\(UUID().uuidString)").path
        let keys = SigningKeyPair.generate()
        let socket: UDPSocket
        var link: ControllerLink
        /// Where the box's datagrams come from: where commands go.
        var box = SocketAddress(address: .any, port: 0)
        let key: MessageKey
        private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)

        init() throws {
            socket = try UDPSocket()
            try socket.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            try (KeyText.base64(keys.publicKey) + "\n").write(
                toFile: state + "/controller.pub", atomically: true, encoding: .utf8)
            link = try Self.link(state, socket.localPort)
            let box = link.identity.keys.publicKey
            key = try #require(keys.sharedKey(receiver: box, controller: keys.publicKey))
            try hearBox()
        }

        deinit {
            buffer.deallocate()
            try? FileManager.default.removeItem(atPath: state)
        }

        static func link(_ state: String, _ port: Int) throws -> ControllerLink {
            var settings = ReceiverSettings.defaults
            settings.controller = "127.0.0.1:\(port)"
            settings.stateDirectory = state
            return try ControllerLink(settings: settings)
        }

        /// Starts the box again on the same state folder, as after a reboot.
        func restart() throws {
            link = try Self.link(state, socket.localPort)
            try hearBox()
        }

        /// Takes one heartbeat from the box (tagged: it is enrolled) to learn its address.
        private func hearBox() throws {
            #expect(link.isEnrolled)
            link.send(Heartbeat(receiver: ReceiverID(0)), now: MonotonicClock.now())
            let heard = try #require(receive().first)
            guard case .heartbeat = heard else { throw HarnessFailure("expected a tagged heartbeat, got \(heard)") }
        }

        /// The bytes of a command: tagged with `key` (default: the agreed one), or without a tag.
        func command(
            _ id: UInt32, _ action: ReceiverAction, key: MessageKey? = nil, tagged: Bool = true,
            to receiver: ReceiverID? = nil
        ) -> [UInt8] {
            let message = FleetMessage.command(receiver: receiver ?? link.identity.id, id: id, action: action)
            guard tagged else { return Array(buffer[0..<message.encode(into: buffer)]) }
            return FleetAuthentication.bytes(message, key: key ?? self.key)
        }

        /// Sends `datagrams`, then `marker` (a valid command that must be carried out); runs the box's receive
        /// loop until the marker has been. Returns the actions carried out and the ids acknowledged, in order.
        func deliver(_ datagrams: [[UInt8]], marker: [UInt8]) throws -> (actions: [ReceiverAction], acks: [UInt32]) {
            for datagram in datagrams + [marker] { datagram.withUnsafeBytes { _ = socket.send($0, to: box) } }
            let markerID = marker.withUnsafeBytes { try? FleetMessage.parse($0) }.flatMap { parsed -> UInt32? in
                if case .command(_, let id, _) = parsed.message { return id } else { return nil }
            }
            var actions: [ReceiverAction] = []
            var acks: [UInt32] = []
            let end = MonotonicClock.now() + 10_000_000_000
            while !acks.contains(where: { $0 == markerID }) && MonotonicClock.now() < end {
                link.receive { actions.append($0) }
                for message in try receive() {
                    if case .acknowledgement(_, let id, _) = message { acks.append(id) }
                }
            }
            #expect(acks.last == markerID, "the marker command was acknowledged")
            return (actions, acks)
        }

        /// The box's messages waiting at the controller's socket (waits up to 50 ms for the first), each
        /// checked: tagged with the agreed key.
        func receive() throws -> [FleetMessage] {
            var messages: [FleetMessage] = []
            _ = socket.waitReadable(until: MonotonicClock.now() + 50_000_000)
            while case .datagram(let length) = try socket.receive(into: buffer, from: &box) {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
                let parsed = try FleetMessage.parse(bytes)
                #expect(FleetAuthentication.isTagged(parsed, in: bytes, by: key))
                messages.append(parsed.message)
            }
            return messages
        }
    }

    /// `controller-key` is a base64 key or a file's path: a key whose base64 starts with '/' (one in 64) is a key, not
    /// a path (CI once drew one, and the box refused to start); a path still reads its file; anything else is refused.
    @Test func aPinnedKeyStartingWithASlashIsAKeyAndAPathIsAFile() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-pin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        var settings = ReceiverSettings.defaults
        settings.controller = "127.0.0.1:9"
        settings.stateDirectory = state
        var slashed = KeyText.base64(SigningKeyPair.generate().publicKey)
        while !slashed.hasPrefix("/") { slashed = KeyText.base64(SigningKeyPair.generate().publicKey) }
        settings.controllerKey = slashed
        _ = try ControllerLink(settings: settings)
        let file = state + "/controller.pub"
        try KeyText.base64(SigningKeyPair.generate().publicKey).write(toFile: file, atomically: true, encoding: .utf8)
        settings.controllerKey = file
        _ = try ControllerLink(settings: settings)
        settings.controllerKey = state + "/missing.pub"
        #expect(throws: ReceiverSetupError.self) { try ControllerLink(settings: settings) }
    }

    /// A provisioned box (its controller's key pinned with `controller-key`, as `Firmware/provision` writes it)
    /// never believes a welcome signed by another key, from another address, even when it comes first (the real
    /// controller welcomes only after a person approves the box); the real controller's welcome enrols it.
    @Test func aProvisionedBoxRefusesAForgedWelcome() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-pin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let controllerKeys = SigningKeyPair.generate()
        let controller = try UDPSocket()
        try controller.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
        let forger = try UDPSocket()
        try forger.bind(SocketAddress(address: IPv4Address("127.0.0.2")!, port: 0))
        var settings = ReceiverSettings.defaults
        settings.controller = "127.0.0.1:\(controller.localPort)"
        settings.stateDirectory = state
        settings.controllerKey = KeyText.base64(controllerKeys.publicKey)
        let link = try ControllerLink(settings: settings)
        // The box's signed enrolment tells where it listens.
        link.send(Heartbeat(receiver: ReceiverID(0)), now: MonotonicClock.now())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { buffer.deallocate() }
        var box = SocketAddress(address: .any, port: 0)
        _ = controller.waitReadable(until: MonotonicClock.now() + 5_000_000_000)
        guard case .datagram = try controller.receive(into: buffer, from: &box) else {
            throw HarnessFailure("the box sent no enrolment")
        }

        /// Sends a welcome offering `offered`, signed by `signer`, from `socket`; runs the box until it has taken
        /// or refused it.
        func welcome(from socket: UDPSocket, offering offered: SigningKeyPair, signedBy signer: SigningKeyPair) {
            let bytes = FleetAuthentication.bytes(
                .welcome(receiver: link.identity.id, controllerKey: offered.publicKey), signer: signer)
            let refusedBefore = link.refused
            bytes.withUnsafeBytes { _ = socket.send($0, to: box) }
            let end = MonotonicClock.now() + 10_000_000_000
            while link.refused == refusedBefore && !link.isEnrolled && MonotonicClock.now() < end {
                link.receive { _ in }
            }
        }
        let intruder = SigningKeyPair.generate()
        welcome(from: forger, offering: intruder, signedBy: intruder)
        #expect(!link.isEnrolled && link.refused == 1)
        // Offering the real key but signed by another: refused too.
        welcome(from: forger, offering: controllerKeys, signedBy: intruder)
        #expect(!link.isEnrolled && link.refused == 2)
        #expect(!FileManager.default.fileExists(atPath: state + "/controller.pub"))
        welcome(from: controller, offering: controllerKeys, signedBy: controllerKeys)
        #expect(link.isEnrolled && link.refused == 2)
    }

    /// The key this box would share with a controller that is not its own.
    static func strangerKey(for scene: Scene) throws -> MessageKey {
        let stranger = SigningKeyPair.generate()
        return try #require(
            stranger.sharedKey(receiver: scene.link.identity.keys.publicKey, controller: stranger.publicKey))
    }

    /// A heartbeat answer tells the box the key list version in force only when the controller's agreed key
    /// tagged it: a forged, untagged or stranger-tagged one is refused and counted, never passed on.
    @Test func onlyAuthenticHeartbeatAnswersNameAKeyListVersion() throws {
        let scene = try Scene()
        let id = scene.link.identity.id
        let strangerKey = try Self.strangerKey(for: scene)
        var forged = FleetAuthentication.bytes(.heartbeatAnswer(receiver: id, keyListVersion: 9), key: scene.key)
        forged[forged.count - 1] ^= 0x01
        var untagged = FleetAuthentication.bytes(.heartbeatAnswer(receiver: id, keyListVersion: 9), key: scene.key)
        for index in (untagged.count - 16)..<untagged.count { untagged[index] = 0 }
        let hostile = [
            forged, untagged,
            FleetAuthentication.bytes(.heartbeatAnswer(receiver: id, keyListVersion: 9), key: strangerKey),
        ]
        let genuine = FleetAuthentication.bytes(.heartbeatAnswer(receiver: id, keyListVersion: 2), key: scene.key)
        for datagram in hostile + [genuine] { datagram.withUnsafeBytes { _ = scene.socket.send($0, to: scene.box) } }
        var versions: [UInt32] = []
        let end = MonotonicClock.now() + 10_000_000_000
        while versions.isEmpty && MonotonicClock.now() < end {
            usleep(10_000)
            scene.link.receive({ _ in }, keyListVersion: { versions.append($0) })
        }
        #expect(versions == [2])
        #expect(scene.link.refused == hostile.count)
    }

    /// The controller counts as in reach only by what cannot be an old message replayed: an answer to one of the
    /// box's last heartbeats (from when that heartbeat was sent) or a new command. An answer to a heartbeat the box
    /// never sent or sent too long ago, a command re-sent, an offer and a timetable, all authentic, do not count
    /// (an attacker on the path could replay them to hold back offline airtime).
    @Test func onlyAnAnswerToARecentHeartbeatOrANewCommandCountsAsContact() throws {
        let scene = try Scene()
        let id = scene.link.identity.id
        func deliver(_ datagrams: [[UInt8]]) {
            for datagram in datagrams { datagram.withUnsafeBytes { _ = scene.socket.send($0, to: scene.box) } }
            var versions = 0
            let end = MonotonicClock.now() + 10_000_000_000
            while versions < datagrams.count && MonotonicClock.now() < end {
                usleep(5_000)
                scene.link.receive({ _ in }, keyListVersion: { _ in versions += 1 }, timetable: { _ in versions += 1 })
            }
        }
        func answer(_ sequence: UInt32) -> [UInt8] {
            FleetAuthentication.bytes(
                .heartbeatAnswer(receiver: id, keyListVersion: 2, answering: sequence), key: scene.key)
        }
        // The box has sent heartbeat 1 (the scene heard it). Answers to 7 and 0 (never sent), and a timetable.
        deliver([
            answer(7), answer(0), FleetAuthentication.bytes(.timetable(receiver: id, signed: [1]), key: scene.key),
        ])
        #expect(scene.link.lastHeardAt == 0)
        // The answer to heartbeat 1 counts, from when heartbeat 1 was sent.
        let before = MonotonicClock.now()
        deliver([answer(1)])
        let heard = scene.link.lastHeardAt
        #expect(heard > 0 && heard < before)
        // Four heartbeats later, heartbeat 1's answer replayed changes nothing; heartbeat 5's counts.
        for _ in 0..<4 { scene.link.send(Heartbeat(receiver: ReceiverID(0)), now: MonotonicClock.now()) }
        _ = try scene.receive()
        deliver([answer(1)])
        #expect(scene.link.lastHeardAt == heard)
        deliver([answer(5)])
        #expect(scene.link.lastHeardAt > heard)
        // A new command counts when it comes; the same command again does not.
        _ = try scene.deliver([], marker: scene.command(3, .volume(40)))
        let commanded = scene.link.lastHeardAt
        #expect(commanded > before)
        usleep(2_000)
        _ = try scene.deliver([], marker: scene.command(4, .volume(41)))
        #expect(scene.link.lastHeardAt > commanded)
        let last = scene.link.lastHeardAt
        let again = scene.command(4, .volume(41))
        again.withUnsafeBytes { _ = scene.socket.send($0, to: scene.box) }
        var acknowledged = false
        let end = MonotonicClock.now() + 10_000_000_000
        while !acknowledged && MonotonicClock.now() < end {
            scene.link.receive { _ in }
            acknowledged = try scene.receive().contains {
                if case .acknowledgement(_, 4, _) = $0 { return true } else { return false }
            }
        }
        #expect(acknowledged, "the command re-sent was acknowledged again")
        #expect(scene.link.lastHeardAt == last)
    }

    /// The stream tag key reaches the box only sealed with the key it shares with the controller: one sealed for
    /// another box (in an answer tagged for this one) is refused and counted, the genuine one is passed on.
    @Test func theStreamTagKeyOpensOnlyWhenSealedForThisBox() throws {
        let scene = try Scene()
        let id = scene.link.identity.id
        let strangerKey = try Self.strangerKey(for: scene)
        let tagKey = StreamTagKey.random()
        let misSealed = FleetAuthentication.bytes(
            .heartbeatAnswer(receiver: id, keyListVersion: 2, sealedTagKey: strangerKey.seal(tagKey.bytes)),
            key: scene.key)
        let genuine = FleetAuthentication.bytes(
            .heartbeatAnswer(receiver: id, keyListVersion: 2, sealedTagKey: scene.key.seal(tagKey.bytes)),
            key: scene.key)
        for datagram in [misSealed, genuine] { datagram.withUnsafeBytes { _ = scene.socket.send($0, to: scene.box) } }
        var keys: [StreamTagKey] = []
        let end = MonotonicClock.now() + 10_000_000_000
        while keys.isEmpty && MonotonicClock.now() < end {
            usleep(10_000)
            scene.link.receive({ _ in }, tagKey: { keys.append($0) })
        }
        #expect(keys == [tagKey])
        #expect(scene.link.refused == 1)
    }

    @Test func forgedReplayedAndUntaggedCommandsAreRefusedAndChangeNothing() throws {
        let scene = try Scene()
        let volume30 = scene.command(10, .volume(30))
        let first = try scene.deliver([], marker: volume30)
        #expect(first.actions == [.volume(30)])
        #expect(scene.link.refused == 0)

        // Forged (a flipped tag bit), tagged by another controller, untagged, a zero tag, and for another box.
        var forged = scene.command(11, .volume(90))
        forged[forged.count - 1] ^= 0x01
        let stranger = SigningKeyPair.generate()
        let strangerKey = try #require(
            stranger.sharedKey(receiver: scene.link.identity.keys.publicKey, controller: stranger.publicKey))
        var zeroTag = scene.command(11, .mute)
        for index in (zeroTag.count - 16)..<zeroTag.count { zeroTag[index] = 0 }
        let hostile = [
            forged, scene.command(11, .volume(90), key: strangerKey), scene.command(11, .mute, tagged: false), zeroTag,
            scene.command(11, .refresh, to: ReceiverID(scene.link.identity.id.value ^ 1)),
        ]
        let tone = scene.command(12, .testTone)
        let second = try scene.deliver(hostile, marker: tone)
        #expect(second.actions == [.testTone], "none of the hostile commands was carried out")
        #expect(second.acks == [12], "nor acknowledged")
        #expect(scene.link.refused == hostile.count)
        #expect(scene.link.identity.read("last-command") == "12")

        // Replayed: an older id is refused; the same id again is acknowledged (the controller retries until
        // it hears that) but not carried out twice.
        let third = try scene.deliver([volume30, tone], marker: scene.command(14, .mute))
        #expect(third.actions == [.mute])
        #expect(third.acks == [12, 14])
        #expect(scene.link.refused == hostile.count + 1)

        // After a restart the box still knows the last command it carried out.
        try scene.restart()
        let fourth = try scene.deliver([volume30, tone], marker: scene.command(15, .unmute))
        #expect(fourth.actions == [.unmute])
        #expect(fourth.acks == [15])
        #expect(scene.link.refused == 2)
    }

    @Test func heartbeatsGoToHeartbeatToAtTheSetInterval() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-link-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        let api = try UDPSocket()
        try api.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
        let moved = try UDPSocket()
        try moved.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))

        func heartbeat(_ arguments: [String], at socket: UDPSocket) throws -> (Heartbeat, ControllerLink) {
            let flags = ["--state-dir", state, "--controller", "127.0.0.1:\(api.localPort)"] + arguments
            guard case .run(let launch) = try ReceiverCommandLine.parse(flags) else {
                throw HarnessFailure("no settings")
            }
            let before = MonotonicClock.now()
            let link = try ControllerLink(settings: try launch.settings())
            let now = MonotonicClock.now()
            link.send(Heartbeat(receiver: ReceiverID(0), intervalMilliseconds: 1), now: now)
            #expect(socket.waitReadable(until: now + 5_000_000_000))
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
            defer { buffer.deallocate() }
            guard case .datagram(let length) = try socket.receive(into: buffer),
                case .enrolment(let beat, _) = try FleetMessage.parse(
                    UnsafeRawBufferPointer(rebasing: buffer[0..<length])
                )
                .message
            else { throw HarnessFailure("no enrolment heartbeat") }
            // The next is one interval after the link started (between `before` and `now`).
            let interval = UInt64(beat.intervalMilliseconds) * 1_000_000
            #expect(link.nextHeartbeat >= before + interval && link.nextHeartbeat <= now + interval)
            return (beat, link)
        }

        // By default: to the controller's own address, every 5 s.
        let (byDefault, link) = try heartbeat([], at: api)
        #expect(byDefault.intervalMilliseconds == 5000)
        #expect(link.intervalNanoseconds == 5_000_000_000)
        #expect(link.controller.port == UInt16(api.localPort))

        // Moved, and every 2 s: nothing reaches the API's port.
        let (set, movedLink) = try heartbeat(
            ["--heartbeat-to", "127.0.0.1:\(moved.localPort)", "--heartbeat-interval", "2"], at: moved)
        #expect(set.intervalMilliseconds == 2000)
        #expect(movedLink.controller.port == UInt16(moved.localPort))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try api.receive(into: buffer) == .nothing)
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
