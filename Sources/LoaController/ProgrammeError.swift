import LoaControlAPI
import LoaSource
import LoaSpeech

/// Why the programme refused or failed a request: `message` in words for the broadcaster (the CLI shows it),
/// `detail` with what the controller's log needs besides.
public enum ProgrammeError: Error, Sendable, Equatable {
    case unknownZone(String, known: [String])
    case badClip(ClipError)
    /// A text cannot be read aloud.
    case speech(SpeechError)
    case unknownItem(Int64)
    case unknownClip(Int64)
    /// Nothing of the item waits or plays; `ended`: how it ended (completed if it aired anywhere, else failed if
    /// it failed anywhere, else cancelled).
    case finished(Int64, ended: AiringState)
    /// No live input of that name (`inputs:` in the controller's configuration).
    case unknownInput(String, known: [String])
    /// A live input could not be opened (the device's reason), or a live broadcast was asked for as an emergency.
    case live(String)
    /// `loa live stop` of an item that is not a live broadcast on the air.
    case notLive(Int64)
    /// The controller could not read or write its state (database or clip files); the cause is in `detail`.
    case storage(String)
    /// Item not held for approval (never held, or already released).
    case notHeld(Int64)
    /// No schedule waits for approval.
    case noScheduleHeld

    public var message: String {
        switch self {
        case .unknownZone(let name, let known):
            return "unknown zone '\(name)'; zones are: \(known.joined(separator: ", "))"
        case .badClip(let error): return error.message
        case .speech(let error): return error.message
        case .unknownItem(let id): return "no item \(id); 'loa queue --list' shows the queue"
        case .unknownClip(let id): return "no stored clip \(id)"
        case .finished(let id, .cancelled): return "item \(id) was already cancelled; nothing to cancel"
        case .finished(let id, .failed): return "item \(id) could not be played ('loa log' says why); nothing to cancel"
        case .finished(let id, _): return "item \(id) has already aired; nothing to cancel"
        case .unknownInput(let name, let known):
            return known.isEmpty
                ? "no live input '\(name)': the controller has none; add an 'inputs:' section to its configuration"
                : "no live input '\(name)'; inputs are: \(known.joined(separator: ", "))"
        case .live(let reason): return reason
        case .notLive(let id): return "item \(id) is not a live broadcast on the air; 'loa status' shows what plays"
        case .storage: return "the controller cannot save or read its state; its log says why"
        case .noScheduleHeld: return "no schedule is waiting for approval"
        case .notHeld(let id): return "item \(id) is not waiting for approval; 'loa approve' lists those that are"
        }
    }

    /// For the controller's log: the message, and the underlying cause where there is one.
    public var detail: String {
        switch self {
        case .storage(let cause): return "\(message): \(cause)"
        default: return message
        }
    }

    init(_ error: StoreError) {
        switch error {
        case .unknownClip(let id): self = .unknownClip(id)
        case .database(let cause): self = .storage(cause)
        }
    }
}
