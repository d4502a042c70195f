import LoaController
import LoaCrypto
import LoaSystem
import LoaWire
import Testing

/// The authenticator against real signed and tagged datagrams: what it lets through, and each reason it refuses.
@Suite("Fleet authenticator")
struct FleetAuthenticatorTests {
    /// A box with its own key pair, and the key it agreed with a controller.
    struct Box {
        let keys = SigningKeyPair.generate()
        let controller = SigningKeyPair.generate()
        var id: ReceiverID { ReceiverID(publicKey: keys.publicKey) }
        var key: MessageKey { keys.sharedKey(receiver: keys.publicKey, controller: controller.publicKey)! }

        /// What an approved box's registry entry holds after a heartbeat (epoch, sequence).
        func approved(epoch: UInt32 = 1, sequence: UInt32 = 5) -> FleetCredentials {
            FleetCredentials(key: key, publicKey: keys.publicKey, epoch: epoch, sequence: sequence)
        }

        func heartbeat(epoch: UInt32 = 1, sequence: UInt32) -> Heartbeat {
            Heartbeat(receiver: id, epoch: epoch, sequence: sequence, version: "0.5.0", zones: ["all"])
        }

        /// `message` encoded, its trailer made by this box (or `tagKey`, or `signer`, when given).
        func datagram(_ message: FleetMessage, tagKey: MessageKey? = nil, signer: SigningKeyPair? = nil) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: FleetMessage.maximumBytes + 64)
            let total = buffer.withUnsafeMutableBytes { raw -> Int in
                let length = message.encode(into: raw)
                let signed = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                let trailer = UnsafeMutableRawBufferPointer(rebasing: raw[length..<(length + message.trailerBytes)])
                switch message {
                case .enrolment, .welcome: (signer ?? keys).sign(signed, into: trailer)
                default: (tagKey ?? key).tag(signed, into: trailer)
                }
                return length + message.trailerBytes
            }
            return Array(buffer[0..<total])
        }
    }

    /// Authenticates `bytes` at `now` with one authenticator; `known` is the registry's view.
    static func check(
        _ bytes: [UInt8], now: UInt64 = 0, known: [ReceiverID: FleetCredentials] = [:]
    ) -> Result<VerifiedFleetMessage, FleetRejection> {
        var authenticator = FleetAuthenticator(now: now)
        return bytes.withUnsafeBytes { raw in
            Result { () throws(FleetRejection) in
                try authenticator.authenticate(raw, from: IPv4Address(0x7F00_0001), now: now) { known[$0] }
            }
        }
    }

    @Test func anEnrolmentSignedByItsOwnKeyPasses() {
        let box = Box()
        let heartbeat = box.heartbeat(sequence: 1)
        let bytes = box.datagram(.enrolment(heartbeat, publicKey: box.keys.publicKey))
        #expect(Self.check(bytes) == .success(.enrolment(heartbeat, publicKey: box.keys.publicKey)))
        let pending = FleetCredentials(key: nil, publicKey: box.keys.publicKey, epoch: 0, sequence: 0)
        #expect(
            Self.check(bytes, known: [box.id: pending])
                == .success(.enrolment(heartbeat, publicKey: box.keys.publicKey)))
    }

    @Test func aForgedEnrolmentIsRefused() {
        let box = Box()
        let heartbeat = box.heartbeat(sequence: 1)
        var flipped = box.datagram(.enrolment(heartbeat, publicKey: box.keys.publicKey))
        flipped[flipped.count - 1] ^= 0x01
        #expect(Self.check(flipped) == .failure(.forged))
        // Signed by another key than the one it carries.
        let other = SigningKeyPair.generate()
        #expect(
            Self.check(box.datagram(.enrolment(heartbeat, publicKey: box.keys.publicKey), signer: other))
                == .failure(.forged))
        // A valid enrolment, but the registry knows this id with another public key.
        let known = FleetCredentials(key: nil, publicKey: other.publicKey, epoch: 0, sequence: 0)
        #expect(
            Self.check(box.datagram(.enrolment(heartbeat, publicKey: box.keys.publicKey)), known: [box.id: known])
                == .failure(.forged))
    }

    @Test func aTaggedHeartbeatOfAnApprovedBoxPassesWhenNewer() {
        let box = Box()
        let known = [box.id: box.approved(epoch: 1, sequence: 5)]
        let next = box.heartbeat(epoch: 1, sequence: 6)
        #expect(Self.check(box.datagram(.heartbeat(next)), known: known) == .success(.heartbeat(next)))
        let restarted = box.heartbeat(epoch: 2, sequence: 1)
        #expect(Self.check(box.datagram(.heartbeat(restarted)), known: known) == .success(.heartbeat(restarted)))
    }

    @Test func aReplayedHeartbeatOrEnrolmentIsRefused() {
        let box = Box()
        let known = [box.id: box.approved(epoch: 2, sequence: 5)]
        for (epoch, sequence) in [(2, 5), (2, 4), (1, 99)] as [(UInt32, UInt32)] {
            let old = box.heartbeat(epoch: epoch, sequence: sequence)
            #expect(Self.check(box.datagram(.heartbeat(old)), known: known) == .failure(.replayed))
            #expect(
                Self.check(box.datagram(.enrolment(old, publicKey: box.keys.publicKey)), known: known)
                    == .failure(.replayed))
        }
        #expect(
            Self.check(box.datagram(.enrolment(box.heartbeat(epoch: 0, sequence: 0), publicKey: box.keys.publicKey)))
                == .failure(.replayed), "a new box's first heartbeat must be after (0, 0)")
    }

    @Test func aHeartbeatOrAcknowledgementOfAnUnknownOrPendingBoxIsRefused() {
        let box = Box()
        let heartbeat = box.datagram(.heartbeat(box.heartbeat(sequence: 6)))
        let acknowledgement = box.datagram(.acknowledgement(receiver: box.id, id: 3, result: 0))
        let pending = [box.id: FleetCredentials(key: nil, publicKey: box.keys.publicKey, epoch: 1, sequence: 1)]
        for known in [[:], pending] {
            #expect(Self.check(heartbeat, known: known) == .failure(.unknown))
            #expect(Self.check(acknowledgement, known: known) == .failure(.unknown))
        }
    }

    @Test func aTagMadeWithAnotherKeyIsRefused() {
        let box = Box()
        let stranger = Box()
        let known = [box.id: box.approved()]
        let heartbeat = box.datagram(.heartbeat(box.heartbeat(sequence: 6)), tagKey: stranger.key)
        #expect(Self.check(heartbeat, known: known) == .failure(.forged))
        var flipped = box.datagram(.heartbeat(box.heartbeat(sequence: 6)))
        flipped[flipped.count - 1] ^= 0x80
        #expect(Self.check(flipped, known: known) == .failure(.forged))
        let acknowledgement = box.datagram(.acknowledgement(receiver: box.id, id: 3, result: 0), tagKey: stranger.key)
        #expect(Self.check(acknowledgement, known: known) == .failure(.forged))
    }

    @Test func anAcknowledgementOfAnApprovedBoxPasses() {
        let box = Box()
        let bytes = box.datagram(.acknowledgement(receiver: box.id, id: 42, result: 0))
        #expect(
            Self.check(bytes, known: [box.id: box.approved()])
                == .success(.acknowledgement(receiver: box.id, command: 42)))
    }

    @Test func aWelcomeOrACommandIsTheWrongKind() {
        let box = Box()
        let known = [box.id: box.approved()]
        let welcome = box.datagram(
            .welcome(receiver: box.id, controllerKey: box.controller.publicKey), signer: box.controller)
        #expect(Self.check(welcome, known: known) == .failure(.wrongKind))
        let command = box.datagram(.command(receiver: box.id, id: 7, action: .mute))
        #expect(Self.check(command, known: known) == .failure(.wrongKind))
    }

    @Test func bytesThatAreNotOneFleetMessageAreMalformed() {
        let box = Box()
        let whole = box.datagram(.heartbeat(box.heartbeat(sequence: 6)))
        let known = [box.id: box.approved()]
        #expect(Self.check([0x4C, 0x46, 0x01, 0x02, 0xFF], known: known) == .failure(.malformed))
        #expect(Self.check(Array(whole.dropLast(3)), known: known) == .failure(.malformed))
        #expect(Self.check([UInt8](repeating: 0, count: 64), known: known) == .failure(.malformed))
        #expect(Self.check(whole, known: known) == .success(.heartbeat(box.heartbeat(sequence: 6))), "the control")
    }

    @Test func enrolmentsBeyondTheSignatureBudgetAreRateLimited() {
        let box = Box()
        let bytes = box.datagram(.enrolment(box.heartbeat(sequence: 1), publicKey: box.keys.publicKey))
        var authenticator = FleetAuthenticator(now: 0)
        // Each check from its own loopback address: the overall budget, not a source's, is what runs out.
        var source: UInt32 = 0x7F00_0001
        func check(at now: UInt64) -> FleetRejection? {
            source += 1
            return bytes.withUnsafeBytes { raw in
                do throws(FleetRejection) {
                    _ = try authenticator.authenticate(raw, from: IPv4Address(source), now: now) { _ in nil }
                    return nil
                } catch { return error }
            }
        }
        for _ in 0..<Int(SignatureBudget.perSecond) { #expect(check(at: 0) == nil) }
        #expect(check(at: 0) == .rateLimited)
        #expect(check(at: 500_000) == .rateLimited, "half a check's worth of time later")
        #expect(check(at: 1_500_000) == nil, "a check and a half's worth later, one more check")
        #expect(check(at: 1_500_000) == .rateLimited)
    }

    @Test func enrolmentsAreMeteredPerSourceAddress() {
        let box = Box()
        let bytes = box.datagram(.enrolment(box.heartbeat(sequence: 1), publicKey: box.keys.publicKey))
        var authenticator = FleetAuthenticator(now: 0, enrolmentsPerSource: 10)
        func check(from source: UInt32, at now: UInt64) -> FleetRejection? {
            bytes.withUnsafeBytes { raw in
                do throws(FleetRejection) {
                    _ = try authenticator.authenticate(raw, from: IPv4Address(source), now: now) { _ in nil }
                    return nil
                } catch { return error }
            }
        }
        let flooder: UInt32 = 0x7F00_0063
        for _ in 0..<10 { #expect(check(from: flooder, at: 0) == nil) }
        #expect(check(from: flooder, at: 0) == .rateLimited, "the eleventh in the same second")
        #expect(check(from: 0x7F00_0001, at: 0) == nil, "another address keeps its own allowance")
        #expect(check(from: flooder, at: 100_000_000) == nil, "a tenth of a second later, one more")
        #expect(check(from: flooder, at: 100_000_000) == .rateLimited)
    }
}
