/// Keys, signed emergency commands and the audit log, as JSON.

/// The key list in force (`GET /keys`, and the answer to installing or extending it).
public struct KeyListView: Codable, Sendable, Equatable {
    public struct Operator: Codable, Sendable, Equatable {
        public var name: String
        /// May trigger emergencies.
        public var emergency: Bool
        /// Public key, base64.
        public var key: String

        public init(name: String, emergency: Bool, key: String) {
            self.name = name
            self.emergency = emergency
            self.key = key
        }
    }
    public var version: UInt32
    /// The stream verification key, base64.
    public var streamKey: String
    public var operators: [Operator]

    public init(version: UInt32, streamKey: String, operators: [Operator]) {
        self.version = version
        self.streamKey = streamKey
        self.operators = operators
    }
}

/// What the emergency desk did with an accepted command (`POST /emergency`; a refusal is a 403 `ErrorBody`).
public struct EmergencyDecision: Codable, Sendable, Equatable {
    public var accepted: Bool
    public var reason: String
    /// The items it queued (start) or ended (stop).
    public var items: [Int64]
    /// Unix ms.
    public var acceptedAt: Int64

    public init(accepted: Bool, reason: String, items: [Int64], acceptedAt: Int64) {
        self.accepted = accepted
        self.reason = reason
        self.items = items
        self.acceptedAt = acceptedAt
    }
}

/// The audit log's hash chain checked (`GET /audit/verify`).
public struct AuditVerificationView: Codable, Sendable, Equatable {
    public var entries: Int
    public var intact: Bool
    /// The first row whose hash does not follow (altered, or a row before it deleted).
    public var firstBrokenRow: Int64?
    /// "N entries, chain intact" or which row is broken.
    public var summary: String

    public init(entries: Int, intact: Bool, firstBrokenRow: Int64?, summary: String) {
        self.entries = entries
        self.intact = intact
        self.firstBrokenRow = firstBrokenRow
        self.summary = summary
    }
}

/// One entry of the audit log (`GET /audit`): a state change or a signed command, accepted or refused.
public struct AuditEntryView: Codable, Sendable, Equatable {
    /// Unix ms.
    public var at: Int64
    /// What was done or asked for: "emergency start", "item queued", "login", … (`AuditAction` on the controller).
    public var action: String
    /// The signing operators' names, comma-separated.
    public var operators: String
    public var zones: String
    public var outcome: AuditOutcome
    /// Why, in words for the broadcaster.
    public var reason: String
    /// The refusal's stable code for scripts ("replayed", "expired", an HTTP status, ...; "accepted" for an
    /// accepted change, empty for entries written before codes existed).
    public var code: String
    /// Who: an account, the signing operators' key ids, or "anonymous" (empty before the chain existed).
    public var actor: String
    /// From where: the caller's address.
    public var source: String
    /// What was changed: the request's path and query, or the zones of a command.
    public var target: String
    /// How many events the entry stands for (more than 1 for a summary of rate-limited refusals).
    public var count: Int64

    public init(
        at: Int64, action: String, operators: String, zones: String, outcome: AuditOutcome, reason: String,
        code: String, actor: String = "", source: String = "", target: String = "", count: Int64 = 1
    ) {
        self.at = at
        self.action = action
        self.operators = operators
        self.zones = zones
        self.outcome = outcome
        self.reason = reason
        self.code = code
        self.actor = actor
        self.source = source
        self.target = target
        self.count = count
    }
}
