import Foundation
import GRDB
import LoaCrypto
import Synchronization

/// One entry of the audit log: a state change or a refused request, who asked, from where, and the outcome.
///
/// `hash` is SHA-256 of the previous entry's hash and this entry's `canonicalContent` (hex): deleting, inserting
/// or altering a row breaks the chain at that row or the next (`AuditLog.verify`).
public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "audit"
    public var id: Int64?
    public var at: Int64
    public var action: String
    /// The signing operators (names or key ids), comma-separated, for a signed command.
    public var operators: String
    public var zones: String
    public var outcome: String
    /// A refusal's stable code ("accepted" for an accepted command, the HTTP status for an API request).
    public var code: String
    public var reason: String
    /// The command as received, hex: whole if accepted, its first 64 bytes if refused.
    public var command: String
    /// Who: an account name, operator key ids, or "anonymous".
    public var actor: String = ""
    /// From where: the remote address, or "local".
    public var source: String = ""
    /// What the change was applied to (a path and its query, a receiver, an item).
    public var target: String = ""
    /// SHA-256 (hex) of the whole request of a refused command.
    public var digest: String = ""
    /// How many events the entry stands for (more than 1 for a summary of rate-limited refusals).
    public var count: Int64 = 1
    public var hash: String = ""

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The entry's fields in a fixed order, each length-prefixed, so no two entries share a content.
    var canonicalContent: [UInt8] {
        let fields = [
            String(at), action, operators, zones, outcome, code, reason, command, actor, source, target, digest,
            String(count),
        ]
        return Array(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8)
    }

    /// The chain hash of this entry after an entry whose hash is `previous` (hex; empty for the first).
    func chained(after previous: String) -> String {
        KeyText.hex(SHA256.hash(Array(previous.utf8) + canonicalContent))
    }
}

/// What an audited change was.
public enum AuditAction: String, Sendable, CaseIterable {
    case emergencyStart = "emergency start"
    case emergencyStop = "emergency stop"
    /// A signed command that could not be read.
    case unreadable
    case clipStored = "clip stored"
    case clipNamed = "clip named"
    case clipUnnamed = "clip taken out of the library"
    case itemQueued = "item queued"
    case itemCancelled = "item cancelled"
    case itemReleased = "item released"
    case scheduleReleased = "schedule released"
    case liveStarted = "live started"
    case liveStopped = "live stopped"
    case relayStarted = "relay started"
    /// `priority=emergency` on `/items`: refused whatever the role (only a signed command starts one).
    case emergencyQueued = "queue emergency item"
    case emergencySaid = "read aloud an emergency notice"
    /// `DELETE /items/ID` of an emergency item: refused whatever the role (only a signed stop ends one).
    case emergencyCancelled = "cancel emergency item"
    case scheduleApplied = "schedule applied"
    case boxApproved = "box approved"
    case pendingApproved = "pending boxes approved"
    case boxMoved = "box moved"
    case boxRenamed = "box renamed"
    case boxRejected = "box rejected"
    case boxRemoved = "box removed"
    /// Volume, mute, unmute, test tone, refresh or zone (the target says which).
    case boxCommand = "box command"
    case keyListInstalled = "key list installed"
    /// An account added, removed, given a role, or its sessions revoked (the target says which).
    case accountChanged = "account changed"
    /// A login, accepted or refused (a wrong password, or throttled).
    case login
    case logout
    /// Refusals from one source beyond the rate limit, counted in one entry.
    case refusalsSuppressed = "refusals suppressed"
    /// Any other request that changes state.
    case other
}

/// Who asked for an audited change.
public enum AuditActor: Sendable, Equatable {
    /// A logged-in account.
    case account(String)
    /// The operators whose keys signed a command (names or key ids).
    case operators([String])
    /// No authenticated caller.
    case anonymous

    var text: String {
        switch self {
        case .account(let name): return name
        case .operators(let keys): return keys.joined(separator: ",")
        case .anonymous: return "anonymous"
        }
    }
}

/// How an audited request ended.
public enum AuditResult: Sendable, Equatable {
    case accepted
    /// Refused: a stable code and one line.
    case refused(code: String, reason: String)
}

/// The outcome of checking the chain.
public struct AuditVerification: Sendable, Equatable, CustomStringConvertible {
    public var entries: Int
    /// The first row whose hash does not follow from its content and the row before (nil: intact).
    public var firstBrokenRow: Int64?

    public var description: String {
        if let row = firstBrokenRow {
            return "\(entries) entries, chain broken at row \(row): it was altered, or a row before it was deleted"
        }
        return "\(entries) entries, chain intact"
    }
}

/// The controller's append-only, hash-chained audit log (the `audit` table of `loa.sqlite`), and its one entry
/// point for every state change (`record`).
///
/// Refused requests are stored compactly (the request's SHA-256 and its first 64 bytes) and at most
/// `refusalsPerMinute` per source a minute, `RefusalMeter.overallPerMinute` (10 a second) from all sources together;
/// beyond that they are counted and written as one
/// `refusals suppressed` entry when the source's minute ends. A write that fails (a full disk) never stops the
/// caller: it is logged, `onFailure` is told (the controller raises an `audit-failed` alert), and the reserve file
/// beside the database is deleted so that what must still be written (an emergency's item) has room.
public final class AuditLog: Sendable {
    let store: Store
    /// The wall time of each entry.
    let clock: any ControllerClock
    let refusalsPerMinute: Int
    let reservePath: String?
    let onFailure: @Sendable (String) -> Void
    private let meter: Mutex<RefusalMeter>

    /// `reservePath`: a file of `reserveBytes` kept beside the database and deleted at the first failed write.
    public init(
        store: Store, clock: any ControllerClock = SystemClock(), refusalsPerMinute: Int = 20,
        reservePath: String? = nil, reserveBytes: Int = 2 << 20,
        onFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.clock = clock
        self.refusalsPerMinute = refusalsPerMinute
        self.reservePath = reservePath
        self.onFailure = onFailure
        meter = Mutex(RefusalMeter(perMinute: refusalsPerMinute))
        if let reservePath, !FileManager.default.fileExists(atPath: reservePath) {
            FileManager.default.createFile(
                atPath: reservePath, contents: Data(count: reserveBytes), attributes: [.posixPermissions: 0o600])
        }
    }

    /// Records one state change or refused request; refusals are metered like `recordRefusal`'s. Within a
    /// request, the `AuditTrail` then writes no entry of its own for it. Never throws: a failed write is reported
    /// through `onFailure`. Returns whether the entry was written on a row of its own.
    @discardableResult
    public func record(
        actor: AuditActor, action: AuditAction, target: String, from source: String, result: AuditResult
    ) -> Bool {
        AuditNote.recorded()
        var entry = AuditEntry(
            at: clock.now(), action: action.rawValue, operators: "", zones: "", outcome: "", code: "", reason: "",
            command: "", actor: String(actor.text.prefix(64)), source: source, target: String(target.prefix(256)))
        entry.set(result)
        guard case .refused = result else { return write([entry]) }
        return recordRefusal(entry, request: nil)
    }

    /// Records a refused request, metered (per source and overall); a signed command's `request` bytes are kept
    /// as their SHA-256 and first 64 bytes. Returns whether it was written on a row of its own (false when it was
    /// only counted, or the write failed).
    @discardableResult
    func recordRefusal(_ entry: AuditEntry, request: [UInt8]?) -> Bool {
        var entry = entry
        if let request {
            entry.digest = KeyText.hex(SHA256.hash(request))
            entry.command = KeyText.hex(Array(request.prefix(64)))
        }
        let minute = entry.at / 60_000
        let (admitted, summaries) = meter.withLock { $0.admit(source: entry.source, minute: minute) }
        var entries = summaries.map { summary(of: $0, at: entry.at) }
        if admitted { entries.append(entry) }
        return (entries.isEmpty || write(entries)) && admitted
    }

    /// Writes the summaries of refusals counted but not stored, for every source (at shutdown, or in tests).
    public func flushSummaries() {
        let at = clock.now()
        let summaries = meter.withLock { $0.takeAll() }
        if !summaries.isEmpty { write(summaries.map { summary(of: $0, at: at) }) }
    }

    private func summary(of suppressed: RefusalMeter.Suppressed, at: Int64) -> AuditEntry {
        AuditEntry(
            at: at, action: AuditAction.refusalsSuppressed.rawValue, operators: "", zones: "", outcome: "refused",
            code: "rate-limited",
            reason:
                "\(suppressed.count) refusals from this source beyond \(refusalsPerMinute) a minute (or "
                + "\(RefusalMeter.overallPerMinute) from all), not stored",
            command: "", actor: AuditActor.anonymous.text, source: suppressed.source,
            target: "minute \(suppressed.minute)", count: Int64(suppressed.count))
    }

    /// Appends `entries` in one transaction, chained to the last entry.
    @discardableResult
    func write(_ entries: [AuditEntry]) -> Bool {
        do {
            try store.write { db in try Self.append(entries, in: db) }
            return true
        } catch {
            failed("\(error)")
            return false
        }
    }

    /// Appends `entries` inside the caller's transaction (the desk spends a nonce in the same one).
    static func append(_ entries: [AuditEntry], in db: Database) throws {
        var previous = try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY id DESC LIMIT 1") ?? ""
        for var entry in entries {
            entry.hash = entry.chained(after: previous)
            try entry.insert(db)
            previous = entry.hash
        }
    }

    /// Reports a failed write: deletes the reserve (room for what must still be written) and tells `onFailure`.
    func failed(_ reason: String) {
        if let reservePath { try? FileManager.default.removeItem(atPath: reservePath) }
        onFailure("cannot write the audit log: " + reason)
    }

    /// Checks the chain from the first entry to the last.
    public func verify() throws -> AuditVerification { try store.read { db in try Self.verify(db) } }

    /// Checks the chain of the audit table of `db`.
    static func verify(_ db: Database) throws -> AuditVerification {
        var previous = ""
        var count = 0
        let cursor = try AuditEntry.order(Column("id")).fetchCursor(db)
        while let entry = try cursor.next() {
            count += 1
            guard entry.chained(after: previous) == entry.hash else {
                return AuditVerification(entries: try AuditEntry.fetchCount(db), firstBrokenRow: entry.id)
            }
            previous = entry.hash
        }
        return AuditVerification(entries: count, firstBrokenRow: nil)
    }

    /// Checks the chain of the database file at `path` without a running controller (read-only).
    public static func verify(databaseAt path: String) throws -> AuditVerification {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { db in try verify(db) }
    }

    /// The log, oldest first.
    public func entries() throws -> [AuditEntry] {
        try store.read { db in try AuditEntry.order(Column("id")).fetchAll(db) }
    }
}

extension AuditEntry {
    mutating func set(_ result: AuditResult) {
        switch result {
        case .accepted: (outcome, code, reason) = ("accepted", "accepted", "")
        case .refused(let refusal, let why): (outcome, code, reason) = ("refused", refusal, why)
        }
    }
}
