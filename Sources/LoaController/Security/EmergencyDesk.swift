import Foundation
import GRDB
import LoaCrypto
import LoaTrust
import LoaWire
import Logging

/// Checks signed emergency commands and carries out those that pass.
///
/// A command is accepted only if: it is well formed; it names this commune (the id of `root.pub`), else it is
/// refused as `other-commune`; every signature is by an operator of the key list in force
/// who may trigger emergencies, and verifies; there are as many distinct operators as required; it was issued
/// no later than now (+ 5 s of clock skew), has not expired, and is valid for at most 2 minutes; its nonce was
/// never seen (the cache survives restarts); its zones exist; the clip is the one whose SHA-256 was signed; and
/// the clip can be played (it is decoded and encoded before acceptance, so that once accepted only queuing stands
/// between the command and the air). Every command is written to the hash-chained audit log with the outcome,
/// before anything is aired; refusals compactly and rate-limited per source (`AuditLog`). If the log cannot be
/// written (a full disk), an accepted command still airs: its nonce is spent in memory and the log raises an
/// `audit-failed` alert. `stop` ends every emergency item playing or waiting in its zones.
public actor EmergencyDesk {
    let programme: Programme
    let keys: KeyStore
    let store: Store
    /// The audit log every command goes into.
    nonisolated public let auditLog: AuditLog
    let clock: any ControllerClock
    let logger: Logger
    /// Distinct operators whose signatures a start command needs (1, or 2 with `two-operators`).
    public let requiredSignatures: Int

    public init(
        programme: Programme, keys: KeyStore, store: Store, clock: any ControllerClock = SystemClock(),
        requiredSignatures: Int, auditLog: AuditLog? = nil, logger: Logger
    ) {
        self.programme = programme
        self.keys = keys
        self.store = store
        self.auditLog = auditLog ?? AuditLog(store: store, clock: clock)
        self.clock = clock
        self.requiredSignatures = max(1, requiredSignatures)
        self.logger = logger
    }

    /// What happened to a command.
    public struct Decision: Sendable, Codable {
        public var accepted: Bool
        public var reason: String
        public var items: [Int64]
        public var acceptedAt: Int64
        /// "accepted", or the refusal's stable code (`EmergencyRefusal.code`: "bad-signature", "unknown-key", …).
        public var code = "accepted"
    }

    /// Nonces of accepted commands that could not be written to the database (a full disk): spent all the same.
    private var spentInMemory: Set<String> = []

    /// Checks a command before its clip is read: it is well formed, signed by enough emergency operators of the
    /// list in force, within its time window, and its nonce was never spent. Returns the refusal (audited), or nil
    /// when the clip may be read. A caller without a valid signature never gets the controller to read a body.
    public func screen(_ bytes: [UInt8], from source: String = "local") -> Decision? {
        if case .failure(let refused) = header(bytes, now: clock.now(), from: source) { return refused.decision }
        return nil
    }

    /// The command and its signers if its header passes (see `screen`), else the audited refusal.
    private func header(_ bytes: [UInt8], now: Int64, from source: String) -> Result<
        (EmergencyCommand, [String]), Refused
    > {
        func refuse(_ command: EmergencyCommand?, _ refusal: EmergencyRefusal) -> Result<
            (EmergencyCommand, [String]), Refused
        > { .failure(Refused(self.refuse(bytes, command, now, refusal, from: source))) }
        let command: EmergencyCommand
        do { command = try EmergencyCommand(decoding: bytes) } catch { return refuse(nil, .malformed("\(error)")) }
        let operators: [String]
        do {
            operators = try EmergencyAuthority.check(
                command, commune: EmergencyAuthority.commune(of: keys.rootPublicKey), list: keys.current,
                requiredSignatures: requiredSignatures, now: UInt64(max(0, now)))
        } catch { return refuse(command, .unauthorised(error)) }
        // Checked again when the nonce is spent; this first look saves a replayed command the clip's encoding.
        let nonce = KeyText.hex(command.nonce)
        let seen = try? store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM nonce WHERE nonce = ?", arguments: [nonce])
        }
        if (seen ?? 0) > 0 || spentInMemory.contains(nonce) { return refuse(command, .replayed) }
        return .success((command, operators))
    }

    /// A refusal carried through `Result`.
    private struct Refused: Error {
        let decision: Decision
        init(_ decision: Decision) { self.decision = decision }
    }

    /// Checks `bytes` (a command, sent from the address `source`) with the clip stored at `clipPath` (nil for stop
    /// or a stored item), records it, and acts.
    public func submit(_ bytes: [UInt8], clipPath: String?, clipTitle: String, from source: String = "local") async
        -> Decision
    {
        let now = clock.now()
        func refuse(_ command: EmergencyCommand?, _ refusal: EmergencyRefusal) -> Decision {
            self.refuse(bytes, command, now, refusal, from: source)
        }
        let command: EmergencyCommand
        let operators: [String]
        switch header(bytes, now: now, from: source) {
        case .success(let checked): (command, operators) = checked
        case .failure(let refused): return refused.decision
        }
        let zones: [String]
        do { zones = try await programme.resolveZones(command.zones) } catch {
            return refuse(command, .unknownZones(error.message))
        }
        if command.action == .start && command.item == 0 {
            guard let clipPath,
                let clip = try? Data(contentsOf: URL(fileURLWithPath: clipPath), options: .alwaysMapped),
                clip.withUnsafeBytes({ SHA256.hash($0) }) == command.clipSHA256
            else {
                return refuse(command, .clipMismatch)
            }
        }
        let nonce = KeyText.hex(command.nonce)
        // The clip is decoded and encoded before the command is accepted: a clip that cannot be played is a
        // reason to refuse, and once accepted nothing stands between the command and the air.
        let prepared: Prepared
        do { prepared = try await prepare(command, clipPath: clipPath, title: clipTitle) } catch let error
            as ProgrammeError
        {
            return refuse(command, .unplayableClip(error.message))
        } catch { return refuse(command, .unplayableClip("\(error)")) }
        // The nonce is spent with the audit entry, in one transaction: a replay is refused even after a restart.
        let acceptedAt = clock.now()
        do {
            try store.write { db in
                guard try Int.fetchOne(db, sql: "SELECT count(*) FROM nonce WHERE nonce = ?", arguments: [nonce]) == 0
                else {
                    throw ReplayError()
                }
                try db.execute(sql: "INSERT INTO nonce (nonce, seenAt) VALUES (?, ?)", arguments: [nonce, acceptedAt])
                let entry = AuditEntry(
                    at: acceptedAt, action: command.action == .start ? "emergency start" : "emergency stop",
                    operators: operators.joined(separator: ","), zones: zones.joined(separator: ","),
                    outcome: "accepted", code: "accepted",
                    reason: "signatures, time window and nonce verified", command: KeyText.hex(bytes),
                    actor: AuditActor.operators(operators).text, source: source, target: zones.joined(separator: ","))
                try AuditLog.append([entry], in: db)
            }
        } catch is ReplayError {
            return refuse(command, .replayed)
        } catch {
            // A valid emergency airs even if it cannot be recorded; the nonce is spent in memory, an alert raised.
            spentInMemory.insert(nonce)
            logger.error("an accepted emergency command could not be recorded, airing it anyway: \(error)")
            auditLog.failed("\(error)")
        }
        logger.warning(
            "emergency \(command.action == .start ? "start" : "stop") accepted from \(operators.joined(separator: ", ")) for \(zones.joined(separator: ", "))"
        )
        do {
            return Decision(
                accepted: true, reason: "accepted",
                items: try await act(command, zones: zones, prepared: prepared, title: clipTitle),
                acceptedAt: acceptedAt)
        } catch {
            logger.error("an accepted emergency command could not be carried out: \(error)")
            return Decision(
                accepted: true, reason: "accepted, but could not be carried out: \(error)", items: [],
                acceptedAt: acceptedAt)
        }
    }

    /// What a checked command will air: nothing (stop), or a stored clip ready to queue.
    private enum Prepared {
        case stop
        case start(ClipRecord)
    }

    /// Finds the stored item's clip, or decodes, encodes and stores the clip sent with the command.
    private func prepare(_ command: EmergencyCommand, clipPath: String?, title: String) async throws -> Prepared {
        guard command.action == .start else { return .stop }
        if command.item != 0 {
            guard let (item, _) = try await programme.item(Int64(command.item)),
                let stored = try await programme.storedClip(item.clipId)
            else { throw ProgrammeError.unknownItem(Int64(command.item)) }
            return .start(stored)
        }
        // `submit` has checked the clip's hash, so there is a path; /dev/null would be refused as empty.
        return .start(try await programme.storeClip(path: clipPath ?? "/dev/null", title: title))
    }

    /// Queues the prepared emergency in `zones`, or stops every emergency item that plays or waits there
    /// (whoever started it, also before a controller restart: the programme's store knows them).
    private func act(_ command: EmergencyCommand, zones: [String], prepared: Prepared, title: String) async throws
        -> [Int64]
    {
        switch prepared {
        case .start(let record):
            let item = try await programme.queue(
                clip: record, title: title, zones: zones, priority: .emergency, onInterrupt: .restart)
            return [item.id]
        case .stop:
            var stopped: [Int64] = []
            for state in try await programme.status() where zones.contains(state.name) {
                for item in [state.playing].compactMap({ $0 }) + state.queued
                where item.priority == .emergency && !stopped.contains(item.id) {
                    if (try? await programme.cancel(item.id)) != nil { stopped.append(item.id) }
                }
            }
            return stopped
        }
    }

    /// Writes the refusal to the audit log (its code and message, the command's digest and first bytes,
    /// rate-limited per source) and returns the decision.
    private func refuse(
        _ bytes: [UInt8], _ command: EmergencyCommand?, _ now: Int64, _ refusal: EmergencyRefusal, from source: String
    ) -> Decision {
        let reason = refusal.message
        let keys = command.map { $0.signatures.map { KeyText.hex(Array($0.key.prefix(4))) } } ?? []
        let entry = AuditEntry(
            at: now,
            action: command.map { $0.action == .start ? "emergency start" : "emergency stop" } ?? "unreadable",
            operators: keys.joined(separator: ","), zones: command?.zones.joined(separator: ",") ?? "",
            outcome: "refused", code: refusal.code, reason: String(reason.prefix(256)), command: "",
            actor: keys.isEmpty ? AuditActor.anonymous.text : AuditActor.operators(keys).text, source: source)
        // Only refusals stored one by one are logged too: a flood is metered in the log as in the audit.
        if auditLog.recordRefusal(entry, request: bytes) {
            logger.warning("emergency command refused: \(reason) [\(refusal.code)]")
        }
        return Decision(accepted: false, reason: reason, items: [], acceptedAt: now, code: refusal.code)
    }

    /// The audit log, oldest first.
    public func audit() throws -> [AuditEntry] { try auditLog.entries() }

    private struct ReplayError: Error {}
}
