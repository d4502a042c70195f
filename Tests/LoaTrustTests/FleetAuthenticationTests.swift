import LoaCrypto
import LoaTrust
import LoaWire
import Testing

/// Fleet message trailers: enrolments and welcomes carry the sender's signature, the rest the shared key's tag;
/// each verifies only with its own key and only unchanged, and a message is never written without its trailer.
@Suite("Fleet message authentication")
struct FleetAuthenticationTests {
    let box = SigningKeyPair.generate()
    let controller = SigningKeyPair.generate()

    var shared: MessageKey { box.sharedKey(receiver: box.publicKey, controller: controller.publicKey)! }

    @Test func tagsAndSignaturesVerifyOnlyWithTheirKeyAndUnchanged() throws {
        let id = ReceiverID(publicKey: box.publicKey)
        let heartbeat = FleetAuthentication.bytes(.heartbeat(Heartbeat(receiver: id)), key: shared)
        let parsedHeartbeat = try heartbeat.withUnsafeBytes { raw throws(FleetWireError) in
            try FleetMessage.parse(raw)
        }
        heartbeat.withUnsafeBytes { raw in
            #expect(FleetAuthentication.isTagged(raw, by: shared))
            #expect(FleetAuthentication.isTagged(parsedHeartbeat, in: raw, by: shared))
            let other = MessageKey(bytes: [UInt8](repeating: 9, count: 32))!
            #expect(!FleetAuthentication.isTagged(raw, by: other))
        }
        var altered = heartbeat
        altered[5] ^= 1
        altered.withUnsafeBytes { #expect(!FleetAuthentication.isTagged($0, by: shared)) }
        [UInt8](repeating: 0, count: 10).withUnsafeBytes { #expect(!FleetAuthentication.isTagged($0, by: shared)) }

        // The controller agrees the same key from its side.
        let controllers = controller.sharedKey(receiver: box.publicKey, controller: controller.publicKey)!
        let command = FleetAuthentication.bytes(.command(receiver: id, id: 3, action: .mute), key: controllers)
        let parsedCommand = try command.withUnsafeBytes { raw throws(FleetWireError) in try FleetMessage.parse(raw) }
        command.withUnsafeBytes { #expect(FleetAuthentication.isTagged(parsedCommand, in: $0, by: shared)) }

        let welcome = FleetAuthentication.bytes(
            .welcome(receiver: id, controllerKey: controller.publicKey), signer: controller)
        let parsed = try welcome.withUnsafeBytes { raw throws(FleetWireError) in try FleetMessage.parse(raw) }
        welcome.withUnsafeBytes { raw in
            #expect(FleetAuthentication.isSigned(parsed, in: raw, by: controller.publicKey))
            #expect(!FleetAuthentication.isSigned(parsed, in: raw, by: box.publicKey))
        }
        var forged = welcome
        forged[forged.count - 1] ^= 0x80
        let parsedForged = try forged.withUnsafeBytes { raw throws(FleetWireError) in try FleetMessage.parse(raw) }
        forged.withUnsafeBytes {
            #expect(!FleetAuthentication.isSigned(parsedForged, in: $0, by: controller.publicKey))
        }
    }

    @Test func noMessageIsWrittenWithoutTheKeyItsKindNeeds() {
        let id = ReceiverID(publicKey: box.publicKey)
        #expect(FleetAuthentication.bytes(.heartbeat(Heartbeat(receiver: id))).isEmpty)
        #expect(FleetAuthentication.bytes(.heartbeat(Heartbeat(receiver: id)), signer: box).isEmpty)
        #expect(
            FleetAuthentication.bytes(.enrolment(Heartbeat(receiver: id), publicKey: box.publicKey), key: shared)
                .isEmpty)
        let enrolment = FleetAuthentication.bytes(
            .enrolment(Heartbeat(receiver: id), publicKey: box.publicKey), signer: box)
        #expect(!enrolment.isEmpty)
        enrolment.withUnsafeBytes { raw in
            guard let parsed = try? FleetMessage.parse(raw) else {
                Issue.record("the enrolment does not parse")
                return
            }
            #expect(FleetAuthentication.isSigned(parsed, in: raw, by: box.publicKey))
        }
    }
}
