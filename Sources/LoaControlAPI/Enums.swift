/// The three bulletin priorities of Thông tư 39/2020/TT-BTTTT.
public enum Priority: String, Codable, Sendable, CaseIterable {
    /// Aired in the commune's schedule, in order.
    case normal
    /// Aired ahead of every pending normal item, at the next item boundary (or at once with `--now`).
    case priority
    /// Aired immediately (natural disasters, fire, epidemics); only a newer emergency pre-empts it.
    case emergency

    /// Higher plays first.
    public var rank: Int {
        switch self {
        case .normal: return 0
        case .priority: return 1
        case .emergency: return 2
        }
    }
}

/// What happens to an item cut off by a higher-priority one (or by a controller crash).
public enum InterruptPolicy: String, Codable, Sendable, CaseIterable {
    /// Continue from where it was cut.
    case resume
    /// Play it again from its start.
    case restart
}

/// Where an item is in one zone.
public enum AiringState: String, Codable, Sendable, CaseIterable {
    case pending, playing, completed, cancelled, failed
}

/// How a stretch of airtime ended.
public enum Outcome: String, Codable, Sendable, CaseIterable {
    /// Still on the air (or the controller stopped before it could say).
    case airing
    case completed
    case interrupted
    case cancelled
    case failed
    /// A scheduled slot whose time passed while the controller was not running.
    case missed
}

/// Where a receiver stands, as `loa receivers` shows it.
public enum ReceiverState: String, Codable, Sendable, CaseIterable {
    /// Heard from, not approved yet: nothing it says is acted on.
    case pending
    /// Approved, heartbeats arriving.
    case online
    /// Approved, three heartbeats missed.
    case offline
    /// Approved, heartbeats arriving, muted by the controller.
    case muted
    /// Refused by a person while pending: never welcomed, no further alerts; approving it still admits it.
    case rejected
}

/// What `POST /commands` asks of receivers. `volume` takes a `value` of 0–100.
public enum CommandAction: String, Codable, Sendable, CaseIterable {
    case volume, mute, unmute
    case testTone = "test-tone"
    case refresh
    /// Join a zone's group: sent by approve and move (`POST /receivers/ID/approve|move`), not by `POST /commands`.
    case zone
}

/// How a receiver answered a command.
public enum CommandOutcome: String, Codable, Sendable, CaseIterable {
    /// The receiver acknowledged it.
    case acknowledged
    /// It did not (the retries ran out, or it refused): `CommandView.reason` says why.
    case failed
}

/// What the emergency desk decided about a signed command.
public enum AuditOutcome: String, Codable, Sendable, CaseIterable {
    case accepted, refused
}
