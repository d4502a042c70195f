import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// Emergency commands: signed by operators of the root-signed list who may trigger emergencies, by enough of
/// them, valid now and for at most two minutes; every other command is refused with its reason.
@Suite("Emergency command authority")
struct EmergencyAuthorityTests {
    let root = SigningKeyPair.generate()
    let chairman = SigningKeyPair.generate()
    let deputy = SigningKeyPair.generate()
    let clerk = SigningKeyPair.generate()
    let now: UInt64 = 1_795_000_000_000

    var list: KeyList {
        KeyListFixture.list(
            version: 3, stream: SigningKeyPair.generate().publicKey,
            operators: [
                KeyList.Operator(name: "chu-tich", mayTriggerEmergencies: true, publicKey: chairman.publicKey),
                KeyList.Operator(name: "pho-chu-tich", mayTriggerEmergencies: true, publicKey: deputy.publicKey),
                KeyList.Operator(name: "van-thu", mayTriggerEmergencies: false, publicKey: clerk.publicKey),
            ], signedBy: root)
    }

    func command(_ action: EmergencyCommand.Action = .start, issued: UInt64? = nil, validFor: UInt64 = 120_000)
        -> EmergencyCommand
    {
        let issued = issued ?? now
        return EmergencyCommand(
            action: action, issuedAt: issued, expiresAt: issued + validFor, nonce: RandomBytes.make(16),
            clipSHA256: [UInt8](repeating: 1, count: 32), item: 0, zones: ["all"])
    }

    func check(_ command: EmergencyCommand, required: Int = 1) throws(EmergencyAuthorityError) -> [String] {
        // Through the wire form, as the controller receives it.
        let received = try! EmergencyCommand(decoding: command.encoded)
        return try EmergencyAuthority.check(received, list: list, requiredSignatures: required, now: now)
    }

    @Test func signedByPermittedOperatorsItPasses() throws {
        let one = EmergencyAuthority.sign(command(), with: chairman)
        #expect(try check(one) == ["chu-tich"])
        let two = EmergencyAuthority.sign(one, with: deputy)
        #expect(try check(two, required: 2) == ["chu-tich", "pho-chu-tich"])
        // The same operator twice counts once.
        #expect(throws: EmergencyAuthorityError.tooFewOperators(needed: 2, signed: 1)) {
            try check(EmergencyAuthority.sign(one, with: chairman), required: 2)
        }
        // A stop needs one operator whatever the rule for a start.
        #expect(try check(EmergencyAuthority.sign(command(.stop), with: deputy), required: 2) == ["pho-chu-tich"])
    }

    @Test func everyOtherCommandIsRefusedWithItsReason() throws {
        let stranger = SigningKeyPair.generate()
        #expect(
            throws: EmergencyAuthorityError.unknownKey(
                keyID: KeyText.hex(Array(stranger.publicKey.prefix(4))), listVersion: 3)
        ) { try check(EmergencyAuthority.sign(command(), with: stranger)) }
        #expect(throws: EmergencyAuthorityError.notPermitted(operator: "van-thu")) {
            try check(EmergencyAuthority.sign(command(), with: clerk))
        }
        var altered = EmergencyAuthority.sign(command(), with: chairman)
        altered.zones = ["thon-dong"]
        #expect(throws: EmergencyAuthorityError.badSignature(operator: "chu-tich")) { try check(altered) }
        // A signature moved onto another operator's key.
        var swapped = EmergencyAuthority.sign(command(), with: chairman)
        swapped.signatures[0].key = deputy.publicKey
        #expect(throws: EmergencyAuthorityError.badSignature(operator: "pho-chu-tich")) { try check(swapped) }
        #expect(throws: EmergencyAuthorityError.validTooLong) {
            try check(EmergencyAuthority.sign(command(validFor: 120_001), with: chairman))
        }
        #expect(throws: EmergencyAuthorityError.notYetValid) {
            try check(EmergencyAuthority.sign(command(issued: now + 5_001), with: chairman))
        }
        #expect(try check(EmergencyAuthority.sign(command(issued: now + 5_000), with: chairman)) == ["chu-tich"])
        #expect(throws: EmergencyAuthorityError.expired) {
            try check(EmergencyAuthority.sign(command(issued: now - 120_001), with: chairman))
        }
        #expect(EmergencyAuthorityError.expired.code == "expired")
        #expect(
            EmergencyAuthorityError.badSignature(operator: "chu-tich").description
                == "the signature of 'chu-tich' does not verify: forged or altered after signing")
    }
}
