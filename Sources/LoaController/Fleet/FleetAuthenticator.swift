import LoaCrypto
import LoaSystem
import LoaWire

/// Why a datagram at the heartbeat port changes nothing. Each is counted by `FleetMetrics`.
package enum FleetRejection: Error, Equatable, Sendable, CaseIterable {
    /// Not exactly one well-formed fleet message.
    case malformed
    /// A welcome or a command: only the controller sends those.
    case wrongKind
    /// A heartbeat or acknowledgement from a receiver that is not approved (or never heard).
    case unknown
    /// Its signature or tag does not check out, or another key claims a known receiver's id.
    case forged
    /// Not newer than the last heartbeat accepted from its receiver: (epoch, sequence) must grow.
    case replayed
    /// An enrolment beyond the signature checks allowed per second, overall or from its source address.
    case rateLimited
    /// An enrolment of a new box while as many boxes as `limits: pending-boxes:` wait for approval.
    case pendingFull

    /// The `reason` label of `loa_heartbeats_rejected_total`.
    var reason: String {
        switch self {
        case .malformed, .wrongKind: return "malformed"
        case .unknown: return "unknown"
        case .forged: return "unauthenticated"
        case .replayed: return "replayed"
        case .rateLimited: return "rate_limited"
        case .pendingFull: return "pending_full"
        }
    }
}

/// A fleet message whose signature or tag checked out, and whose heartbeat (if any) is newer than the last.
package enum VerifiedFleetMessage: Equatable, Sendable {
    /// Signed by the public key it carries, which is the receiver's own (a new box, or one enrolling again).
    case enrolment(Heartbeat, publicKey: [UInt8])
    /// Tagged with the key agreed at approval.
    case heartbeat(Heartbeat)
    /// Tagged with the key agreed at approval: `receiver` has carried out `command`.
    case acknowledgement(receiver: ReceiverID, command: UInt32)
    /// Tagged with the key agreed at approval: `receiver` asks for chunks of a clip offered ahead (issue 15).
    case clipRequest(receiver: ReceiverID, item: UInt64, offset: UInt32, chunks: UInt8)
}

/// What the registry knows of a receiver that the authenticator checks its datagrams against.
package struct FleetCredentials: Sendable {
    /// The key its tags are made with; nil until approved.
    package var key: MessageKey?
    /// The public key it enrolled with.
    package var publicKey: [UInt8]
    /// (epoch, sequence) of the last heartbeat accepted from it.
    package var epoch: UInt32
    package var sequence: UInt32

    package init(key: MessageKey?, publicKey: [UInt8], epoch: UInt32, sequence: UInt32) {
        self.key = key
        self.publicKey = publicKey
        self.epoch = epoch
        self.sequence = sequence
    }
}

/// Signature checks allowed for enrolments (a token bucket): a flood of forged enrolments costs at most this
/// much CPU, and never delays tagged heartbeats.
package struct SignatureBudget: Sendable {
    package static let perSecond = 1000.0
    private var tokens = SignatureBudget.perSecond
    private var refilledAt: UInt64

    /// A full budget at `now` (monotonic nanoseconds).
    package init(now: UInt64) { refilledAt = now }

    /// Takes one check if one is left at `now`; false when the budget is spent.
    package mutating func spend(now: UInt64) -> Bool {
        let elapsed = Double(now &- refilledAt) / 1e9
        refilledAt = now
        tokens = min(Self.perSecond, tokens + elapsed * Self.perSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Turns a datagram at the heartbeat port into a verified fleet message, or says why not.
///
/// Contract: a datagram is parsed (LoaWire's `FleetMessage`), then an enrolment is checked against the
/// signature budget and its own public key (which must be the one a known receiver enrolled with), a heartbeat
/// or an acknowledgement against the key its approved receiver agreed with the controller, and a heartbeat or
/// enrolment must be newer than the last heartbeat accepted from its receiver. Nothing is changed here but the
/// budget; the caller applies what is returned.
package struct FleetAuthenticator: Sendable {
    private var budget: SignatureBudget
    private var perSource: SourceMeter

    /// A full budget at `now`; each source address may have `enrolmentsPerSource` enrolments checked a second.
    package init(now: UInt64, enrolmentsPerSource: Int = RequestLimits().enrolmentsPerSecond) {
        budget = SignatureBudget(now: now)
        perSource = SourceMeter(perSecond: enrolmentsPerSource)
    }

    /// Checks `bytes` received from `source` at `now`; `known` gives what the registry knows of a receiver (nil:
    /// never heard).
    package mutating func authenticate(
        _ bytes: UnsafeRawBufferPointer, from source: IPv4Address, now: UInt64,
        known: (ReceiverID) -> FleetCredentials?
    ) throws(FleetRejection) -> VerifiedFleetMessage {
        let parsed: FleetMessage.Parsed
        do { parsed = try FleetMessage.parse(bytes) } catch { throw .malformed }
        let signed = UnsafeRawBufferPointer(rebasing: bytes[parsed.signed])
        let trailer = UnsafeRawBufferPointer(rebasing: bytes[parsed.trailer])
        switch parsed.message {
        case .enrolment(let heartbeat, let publicKey):
            guard perSource.take(source, now: now), budget.spend(now: now) else { throw .rateLimited }
            guard publicKey.withUnsafeBytes({ SigningKeyPair.verify(trailer, of: signed, by: $0) }) else {
                throw .forged
            }
            let credentials = known(heartbeat.receiver)
            // Another key claiming a known id: a 64-bit prefix collision or a forgery.
            if let credentials, credentials.publicKey != publicKey { throw .forged }
            try Self.checkNewer(heartbeat, than: credentials)
            return .enrolment(heartbeat, publicKey: publicKey)
        case .heartbeat(let heartbeat):
            let credentials = try Self.checkTag(trailer, of: signed, from: heartbeat.receiver, known: known)
            try Self.checkNewer(heartbeat, than: credentials)
            return .heartbeat(heartbeat)
        case .acknowledgement(let receiver, let command, _):
            _ = try Self.checkTag(trailer, of: signed, from: receiver, known: known)
            return .acknowledgement(receiver: receiver, command: command)
        case .clipRequest(let receiver, let item, let offset, let chunks):
            _ = try Self.checkTag(trailer, of: signed, from: receiver, known: known)
            return .clipRequest(receiver: receiver, item: item, offset: offset, chunks: chunks)
        case .welcome, .command, .heartbeatAnswer, .clipOffer, .clipChunk, .timetable:
            throw .wrongKind
        }
    }

    /// The credentials of an approved `receiver` whose key made `tag` over `signed`.
    private static func checkTag(
        _ tag: UnsafeRawBufferPointer, of signed: UnsafeRawBufferPointer, from receiver: ReceiverID,
        known: (ReceiverID) -> FleetCredentials?
    ) throws(FleetRejection) -> FleetCredentials {
        guard let credentials = known(receiver), let key = credentials.key else { throw .unknown }
        guard key.verify(tag, of: signed) else { throw .forged }
        return credentials
    }

    /// Throws `.replayed` unless `heartbeat` comes after the last one accepted (or after (0, 0) for a new box).
    private static func checkNewer(_ heartbeat: Heartbeat, than credentials: FleetCredentials?) throws(FleetRejection) {
        let epoch = credentials?.epoch ?? 0
        let sequence = credentials?.sequence ?? 0
        guard heartbeat.epoch > epoch || (heartbeat.epoch == epoch && heartbeat.sequence > sequence) else {
            throw .replayed
        }
    }
}
