import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// Emergency commands: for this commune, signed by operators of the root-signed list who may trigger emergencies, by enough of
/// them, valid now and for at most two minutes; every other command is refused with its reason.
@Suite("Emergency command authority")
struct EmergencyAuthorityTests {
    let root = SigningKeyPair.generate()
    let chairman = SigningKeyPair.generate()
    let deputy = SigningKeyPair.generate()
    let clerk = SigningKeyPair.generate()
    let now: UInt64 = 1_795_000_000_000

    var commune: UInt32 { EmergencyAuthority.commune(of: root.publicKey) }

    var list: KeyList { list(signedBy: root) }

    /// A list of version 3 naming the chairman, the deputy and the clerk, signed by `root`.
    func list(signedBy root: SigningKeyPair) -> KeyList {
        KeyListFixture.list(
            version: 3, stream: SigningKeyPair.generate().publicKey,
            operators: [
                KeyList.Operator(name: "chu-tich", mayTriggerEmergencies: true, publicKey: chairman.publicKey),
                KeyList.Operator(name: "pho-chu-tich", mayTriggerEmergencies: true, publicKey: deputy.publicKey),
                KeyList.Operator(name: "van-thu", mayTriggerEmergencies: false, publicKey: clerk.publicKey),
            ], signedBy: root)
    }

    func command(
        _ action: EmergencyCommand.Action = .start, issued: UInt64? = nil, validFor: UInt64 = 120_000,
        commune: UInt32? = nil
    ) -> EmergencyCommand {
        let issued = issued ?? now
        return EmergencyCommand(
            commune: commune ?? self.commune, action: action, issuedAt: issued, expiresAt: issued + validFor,
            nonce: RandomBytes.make(16),
            clipSHA256: [UInt8](repeating: 1, count: 32), item: 0, zones: ["all"])
    }

    func check(_ command: EmergencyCommand, required: Int = 1) throws(EmergencyAuthorityError) -> [String] {
        try check(command, commune: commune, list: list, required: required)
    }

    /// Checks `command` through its wire form, as the controller of `commune` with `list` in force receives it.
    func check(_ command: EmergencyCommand, commune: UInt32, list: KeyList, required: Int = 1)
        throws(EmergencyAuthorityError) -> [String]
    {
        let received = try! EmergencyCommand(decoding: command.encoded)
        return try EmergencyAuthority.check(
            received, commune: commune, list: list, requiredSignatures: required, now: now)
    }

    @Test func theCommuneIsSignedAndAnotherCommuneRefusesTheCommand() throws {
        // The chairman's key is listed by both communes (an official who serves both).
        let otherRoot = SigningKeyPair.generate()
        let other = EmergencyAuthority.commune(of: otherRoot.publicKey)
        #expect(other != commune)
        let forHere = EmergencyAuthority.sign(command(), with: chairman)
        #expect(try EmergencyCommand(decoding: forHere.encoded).commune == commune)
        #expect(try check(forHere) == ["chu-tich"])
        #expect(throws: EmergencyAuthorityError.otherCommune(named: commune, serving: other)) {
            try check(forHere, commune: other, list: list(signedBy: otherRoot))
        }
        // Signed for the other commune: that one accepts it, this one refuses it.
        let forOther = EmergencyAuthority.sign(command(.stop, commune: other), with: chairman)
        #expect(try check(forOther, commune: other, list: list(signedBy: otherRoot)) == ["chu-tich"])
        #expect(throws: EmergencyAuthorityError.otherCommune(named: other, serving: commune)) { try check(forOther) }
        // The commune is under the signature: relabelling a command breaks it.
        var relabelled = forHere
        relabelled.commune = other
        #expect(throws: EmergencyAuthorityError.badSignature(operator: "chu-tich")) {
            try check(relabelled, commune: other, list: list(signedBy: otherRoot))
        }
        let refusal = EmergencyAuthorityError.otherCommune(named: 0x0102_0304, serving: 0xA0B0_C0D0)
        #expect(refusal.code == "other-commune")
        #expect(
            refusal.description.hasPrefix("signed for commune 01020304, but this controller serves commune a0b0c0d0"))
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
