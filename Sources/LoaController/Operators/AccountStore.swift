import Foundation
import GRDB
import LoaControlAPI
import LoaCrypto

/// An operator account as the controller keeps it.
public struct Account: Sendable, Equatable {
    public var name: String
    public var role: Role
}

/// The operators' accounts and sessions, in `accounts.sqlite` under the state directory (WAL mode, so
/// `loa-controller admin` may change it while the controller runs). The only SQL about accounts is here.
///
/// Passwords are kept as Argon2id hashes (`PasswordHash`), session tokens as their SHA-256: neither the database
/// nor a backup of it lets anyone log in. A session ends after `idleLimit` unused, `lifetime` after login, at
/// logout, when its account's sessions are revoked, when the account is removed, or when its role changes.
public final class AccountStore: Sendable {
    /// A session unused this long (ms) has expired.
    public static let idleLimit: Int64 = 12 * 3_600_000
    /// A session this old (ms) has expired, used or not.
    public static let lifetime: Int64 = 30 * 86_400_000

    let database: DatabasePool

    /// Opens (creating if needed) the account database in `stateDirectory`.
    public init(stateDirectory: URL) throws {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts") { db in
            try db.create(table: "account") { t in
                t.primaryKey("name", .text)
                t.column("role", .text).notNull()
                t.column("passwordHash", .text).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("tokenHash", .text)
                t.column("account", .text).notNull().references("account", onDelete: .cascade)
                t.column("issuedAt", .integer).notNull()
                t.column("usedAt", .integer).notNull()
            }
        }
        database = try DatabasePool.opened(
            path: stateDirectory.appendingPathComponent("accounts.sqlite").path, migrator: migrator)
    }

    /// Adds an account. Throws `AccountError` if the name is taken or not 1–64 characters, or the password is
    /// shorter than 8 characters.
    public func add(name: String, role: Role, password: String) throws {
        guard Limits.nameCharacters.contains(name.count), !name.contains("/") else {
            throw AccountError.badName(name)
        }
        let hash = try Self.hash(password)
        try database.write { db in
            guard try String.fetchOne(db, sql: "SELECT name FROM account WHERE name = ?", arguments: [name]) == nil
            else { throw AccountError.exists(name) }
            try db.execute(
                sql: "INSERT INTO account (name, role, passwordHash) VALUES (?, ?, ?)",
                arguments: [name, role.rawValue, hash])
        }
    }

    /// Removes an account and its sessions; throws `AccountError.unknown` if there is none.
    public func remove(name: String) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM account WHERE name = ?", arguments: [name])
            guard db.changesCount > 0 else { throw AccountError.unknown(name) }
        }
    }

    /// Gives an account another role and ends its sessions (they were granted under the old one).
    public func setRole(name: String, role: Role) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE account SET role = ? WHERE name = ?", arguments: [role.rawValue, name])
            guard db.changesCount > 0 else { throw AccountError.unknown(name) }
            try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [name])
        }
    }

    /// Sets an account's password and ends its sessions.
    public func setPassword(name: String, password: String) throws {
        let hash = try Self.hash(password)
        try database.write { db in
            try db.execute(sql: "UPDATE account SET passwordHash = ? WHERE name = ?", arguments: [hash, name])
            guard db.changesCount > 0 else { throw AccountError.unknown(name) }
            try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [name])
        }
    }

    /// Every account, by name, with its live sessions at `now` (Unix ms).
    public func list(now: Int64) throws -> [AccountView] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT name, role, (SELECT count(*) FROM session WHERE account = name AND usedAt > ? AND issuedAt > ?)
                    AS sessions FROM account ORDER BY name
                    """, arguments: [now - Self.idleLimit, now - Self.lifetime]
            ).map { row in
                AccountView(name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer, sessions: row["sessions"])
            }
        }
    }

    /// The account if `password` is its password; nil otherwise (also for an unknown name, after the same work).
    public func verify(name: String, password: String) throws -> Account? {
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT role, passwordHash FROM account WHERE name = ?", arguments: [name])
        }
        guard let row else {
            _ = PasswordHash.verify(password, against: Self.unknownAccountHash)
            return nil
        }
        guard PasswordHash.verify(password, against: row["passwordHash"]) else { return nil }
        return Account(name: name, role: Role(rawValue: row["role"]) ?? .viewer)
    }

    /// Starts a session for `account` at `now`: a new random token (32 bytes, base64url), returned once.
    public func startSession(for account: Account, now: Int64) throws -> String {
        let token = Self.tokenText(RandomBytes.make(32))
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO session (tokenHash, account, issuedAt, usedAt) VALUES (?, ?, ?, ?)",
                arguments: [Self.tokenHash(token), account.name, now, now])
        }
        return token
    }

    /// The account whose live session `token` is at `now`, marking it used; nil if the token is unknown, expired
    /// or revoked (an expired session is deleted).
    public func account(forToken token: String, now: Int64) throws -> Account? {
        let hash = Self.tokenHash(token)
        return try database.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT session.issuedAt, session.usedAt, account.name, account.role FROM session
                        JOIN account ON account.name = session.account WHERE session.tokenHash = ?
                        """, arguments: [hash])
            else { return nil }
            let issuedAt: Int64 = row["issuedAt"]
            let usedAt: Int64 = row["usedAt"]
            guard now - usedAt < Self.idleLimit, now - issuedAt < Self.lifetime else {
                try db.execute(sql: "DELETE FROM session WHERE tokenHash = ?", arguments: [hash])
                return nil
            }
            if now - usedAt > 60_000 {
                try db.execute(sql: "UPDATE session SET usedAt = ? WHERE tokenHash = ?", arguments: [now, hash])
            }
            return Account(name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer)
        }
    }

    /// Until when (Unix ms) a session started at `now` holds if it is used again only at its idle limit.
    public static func expiry(startedAt now: Int64) -> Int64 { now + min(idleLimit, lifetime) }

    /// Ends the session of `token`.
    public func endSession(token: String) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM session WHERE tokenHash = ?", arguments: [Self.tokenHash(token)])
        }
    }

    /// Ends every session of the account `name`; throws `AccountError.unknown` if there is no such account.
    public func revokeSessions(name: String) throws {
        try database.write { db in
            guard try String.fetchOne(db, sql: "SELECT name FROM account WHERE name = ?", arguments: [name]) != nil
            else { throw AccountError.unknown(name) }
            try db.execute(sql: "DELETE FROM session WHERE account = ?", arguments: [name])
        }
    }

    private static func hash(_ password: String) throws -> String {
        guard password.count >= 8 else { throw AccountError.shortPassword }
        guard let hash = PasswordHash.make(password) else { throw AccountError.cannotHash }
        return hash
    }

    /// Checked against for an unknown name, so that a login takes as long whether the name exists or not.
    private static let unknownAccountHash = PasswordHash.make(UUID().uuidString) ?? ""

    private static func tokenHash(_ token: String) -> String { KeyText.hex(SHA256.hash(Array(token.utf8))) }

    private static func tokenText(_ bytes: [UInt8]) -> String {
        KeyText.base64(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Why an account could not be changed: one line for the administrator.
public enum AccountError: Error, Equatable, Sendable {
    case badName(String)
    case exists(String)
    case unknown(String)
    case shortPassword
    case cannotHash

    public var message: String {
        switch self {
        case .badName(let name):
            return
                "the account name '\(name.prefix(64))' must be 1 to \(Limits.nameCharacters.upperBound) characters, without '/'"
        case .exists(let name): return "there is already an account '\(name)'"
        case .unknown(let name): return "there is no account '\(name.prefix(64))'"
        case .shortPassword: return "a password must have at least 8 characters"
        case .cannotHash: return "cannot hash the password (not enough memory?)"
        }
    }
}
