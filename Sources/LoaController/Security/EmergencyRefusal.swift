import LoaTrust

/// Why the emergency desk refused a command. The audit log keeps `code` (stable, for counting and filtering)
/// and `message` (the broadcaster's words, also the API's answer); the desk logs the message.
public enum EmergencyRefusal: Error, Equatable, Sendable {
    /// The bytes are not an emergency command (the decoder's reason).
    case malformed(String)
    /// The signatures or the validity do not give it the commune's authority.
    case unauthorised(EmergencyAuthorityError)
    /// Its zones are not this controller's (the programme's words).
    case unknownZones(String)
    /// The clip sent is not the one whose SHA-256 the operators signed.
    case clipMismatch
    /// Its nonce was used before: a replay.
    case replayed
    /// The clip cannot be decoded and encoded for the zones (the reason).
    case unplayableClip(String)

    /// A short stable name: "replayed", "bad-signature", …
    public var code: String {
        switch self {
        case .malformed: return "malformed"
        case .unauthorised(let error): return error.code
        case .unknownZones: return "unknown-zone"
        case .clipMismatch: return "clip-mismatch"
        case .replayed: return "replayed"
        case .unplayableClip: return "unplayable-clip"
        }
    }

    /// One line for the broadcaster.
    public var message: String {
        switch self {
        case .malformed(let reason): return "malformed command (" + reason + ")"
        case .unauthorised(let error): return error.description
        case .unknownZones(let reason): return reason
        case .clipMismatch: return "the clip is not the one that was signed (its SHA-256 differs)"
        case .replayed: return "replayed: this command's nonce was used before"
        case .unplayableClip(let reason): return "the clip cannot be played: " + reason
        }
    }
}
