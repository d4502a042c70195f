import LoaCrypto
import LoaWire

/// Why a signed emergency command does not carry the authority it claims. Each says what is wrong in words an
/// operator understands (`description`); `code` names it for the audit log.
public enum EmergencyAuthorityError: Error, Equatable, Sendable {
    /// Signed for another commune (`named`: the commune the command names, `serving`: this one's; each its root
    /// key's id, `KeyList.keyID`): sent to the wrong controller, or replayed from another commune.
    case otherCommune(named: UInt32, serving: UInt32)
    /// A signature by a key that is not in the key list in force (`keyID`: its first 4 bytes, hex).
    case unknownKey(keyID: String, listVersion: UInt32)
    /// An operator of the list who may not trigger emergencies.
    case notPermitted(operator: String)
    /// The operator's signature does not verify: the command was forged or altered after signing.
    case badSignature(operator: String)
    /// A start command needs more distinct operators than signed it.
    case tooFewOperators(needed: Int, signed: Int)
    /// Valid for longer than `EmergencyAuthority.maximumValidity`, or expiring before it was issued.
    case validTooLong
    /// Issued later than now (beyond the clock skew allowed).
    case notYetValid
    /// Its validity ended before now.
    case expired

    /// A short stable name, as the audit log stores it.
    public var code: String {
        switch self {
        case .otherCommune: return "other-commune"
        case .unknownKey: return "unknown-key"
        case .notPermitted: return "not-permitted"
        case .badSignature: return "bad-signature"
        case .tooFewOperators: return "too-few-operators"
        case .validTooLong: return "valid-too-long"
        case .notYetValid: return "not-yet-valid"
        case .expired: return "expired"
        }
    }

    /// One line for the broadcaster.
    public var description: String {
        switch self {
        case .otherCommune(let named, let serving):
            return "signed for commune " + EmergencyAuthority.communeText(named)
                + ", but this controller serves commune "
                + EmergencyAuthority.communeText(serving)
                + ": sign it again for this commune (loa emergency without --root, or with this commune's root.pub)"
        case .unknownKey(let keyID, let version):
            return "signed by an unknown key " + keyID + " (not in key list version " + String(version) + ")"
        case .notPermitted(let name): return "operator '" + name + "' may not trigger emergencies"
        case .badSignature(let name):
            return "the signature of '" + name + "' does not verify: forged or altered after signing"
        case .tooFewOperators(let needed, let signed):
            return "needs the signatures of " + String(needed) + " different operators, has " + String(signed)
        case .validTooLong: return "valid for more than 2 minutes"
        case .notYetValid: return "not yet valid (issued in the future)"
        case .expired: return "expired"
        }
    }
}

/// The rule that decides whether a signed emergency command speaks for the commune: made for this commune (its
/// root key's id, which the signatures cover), signed by operators of the root-signed key list who may trigger emergencies, with signatures that verify, by enough distinct operators
/// for a start, and valid now for at most two minutes. Pure: the caller supplies the list and the time.
public enum EmergencyAuthority {
    /// The longest a command may be valid (ms).
    public static let maximumValidity: UInt64 = 120_000
    /// How far in the future a command's issue time may lie (ms), for clocks that disagree a little.
    public static let clockSkew: UInt64 = 5_000

    /// `command` with one more signature, by `key`.
    public static func sign(_ command: EmergencyCommand, with key: SigningKeyPair) -> EmergencyCommand {
        var command = command
        command.signatures.append((key.publicKey, Signature.make(command.signedBytes, by: key)))
        return command
    }

    /// The id of the commune whose root public key is `rootPublicKey`, as commands name it.
    public static func commune(of rootPublicKey: [UInt8]) -> UInt32 { KeyList.keyID(rootPublicKey) }

    /// A commune id as the operator reads it: 8 hex digits, the first bytes of the root public key.
    public static func communeText(_ commune: UInt32) -> String {
        KeyText.hex([
            UInt8(commune >> 24), UInt8((commune >> 16) & 0xFF), UInt8((commune >> 8) & 0xFF), UInt8(commune & 0xFF),
        ])
    }

    /// Checks that `command` is for `commune` (this commune's id, `commune(of:)` its root public key), its
    /// signatures against `list` and its validity at `now` (Unix ms). Returns the names of the operators who
    /// signed it, each once, in signing order; throws the first reason it fails, another commune first.
    public static func check(
        _ command: EmergencyCommand, commune: UInt32, list: KeyList, requiredSignatures: Int, now: UInt64
    ) throws(EmergencyAuthorityError) -> [String] {
        guard command.commune == commune else { throw .otherCommune(named: command.commune, serving: commune) }
        var operators: [String] = []
        let message = command.signedBytes
        for entry in command.signatures {
            guard let known = list.operators.first(where: { $0.publicKey == entry.key }) else {
                throw .unknownKey(keyID: KeyText.hex(Array(entry.key.prefix(4))), listVersion: list.version)
            }
            guard known.mayTriggerEmergencies else { throw .notPermitted(operator: known.name) }
            guard Signature.verify(entry.signature, of: message, by: entry.key) else {
                throw .badSignature(operator: known.name)
            }
            if !operators.contains(known.name) { operators.append(known.name) }
        }
        if command.action == .start && operators.count < requiredSignatures {
            throw .tooFewOperators(needed: requiredSignatures, signed: operators.count)
        }
        guard command.expiresAt > command.issuedAt, command.expiresAt - command.issuedAt <= maximumValidity else {
            throw .validTooLong
        }
        guard command.issuedAt <= now + clockSkew else { throw .notYetValid }
        guard now <= command.expiresAt else { throw .expired }
        return operators
    }
}
