import Foundation
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire
import Logging
import Synchronization

/// The controller's keys under `STATE_DIR/keys`: the commune root key (its private half belongs offline),
/// the stream key that signs audio and time, and the root-signed list of operator keys.
///
/// Contract: the list in force always verifies against `root.pub` and names `stream.key`'s public key, and its
/// version only increases: this store never puts in force a version lower than or equal to one it issued or
/// installed before, also after `stream.key` or `keylist.bin` was replaced or lost (`keylist.version` remembers
/// the highest version, next to the keys). Receivers refuse an older list and a different list of the same
/// version, so a reused version would leave them silent or, worse, let an old list back in.
public final class KeyStore: Sendable {
    public let directory: URL
    public let rootPublicKey: [UInt8]
    public let streamKey: SigningKeyPair
    private let list: Mutex<KeyList>

    /// `keylist.bin`: the signed list in force.
    var listFile: URL { directory.appendingPathComponent("keylist.bin") }
    /// `keylist.version`: the highest key list version this store ever issued, installed or found signed by the
    /// root, and the SHA-256 of that list's contents ("VERSION HEX"), so that a new list never reuses a version,
    /// even when `keylist.bin` is gone or replaced by another list of that version.
    var versionFile: URL { directory.appendingPathComponent("keylist.version") }

    /// Loads the keys, creating what a one-server commune needs on first start (and saying so in the log).
    ///
    /// If `keylist.bin` is missing, does not verify, names another stream key (`stream.key` was replaced), is
    /// older than a version issued before or is that version with other contents, a new list is made with the
    /// highest version ever seen + 1, keeping the operators of the old list if the root signed it; that needs
    /// `root.key` (a one-server commune has it). With the root key offline this throws one line naming the
    /// stream key and the lowest version a list signed elsewhere (and put in place as `keylist.bin`) must carry,
    /// and the `loa keys sign-list` command that makes it.
    public init(directory: URL, logger: Logger) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rootPublic = directory.appendingPathComponent("root.pub")
        let rootSecret = directory.appendingPathComponent("root.key")
        if !FileManager.default.fileExists(atPath: rootPublic.path) {
            let root = SigningKeyPair.generate()
            try Self.keyFile { () throws(KeyFileError) in try KeyFile.writeSecret(root, to: rootSecret.path) }
            try Self.keyFile { () throws(KeyFileError) in try KeyFile.writePublic(root.publicKey, to: rootPublic.path) }
            logger.warning(
                "created the commune root key \(rootSecret.path); its private half belongs offline: copy it to a USB stick kept by the chairman, then delete it here (the controller keeps root.pub)"
            )
        }
        rootPublicKey = try Self.keyFile { () throws(KeyFileError) in try KeyFile.readPublic(rootPublic.path) }
        let streamSecret = directory.appendingPathComponent("stream.key")
        if !FileManager.default.fileExists(atPath: streamSecret.path) {
            try Self.keyFile { () throws(KeyFileError) in
                try KeyFile.writeSecret(SigningKeyPair.generate(), to: streamSecret.path)
            }
        }
        streamKey = try Self.keyFile { () throws(KeyFileError) in try KeyFile.readSecret(streamSecret.path) }
        let listFile = directory.appendingPathComponent("keylist.bin")
        let versionFile = directory.appendingPathComponent("keylist.version")
        let rootPublicKey = rootPublicKey
        let stored = FileManager.default.contents(atPath: listFile.path).flatMap { try? KeyList(decoding: [UInt8]($0)) }
            .flatMap { $0.isSigned(by: rootPublicKey) ? $0 : nil }
        let remembered = try Self.readIssued(versionFile)
        // The list itself is written before `keylist.version`, so the highest is whichever is larger.
        let highest = max(remembered.version, stored?.version ?? 0)
        // A stored list may be used if it names this stream key and is newer than the one remembered (signed
        // elsewhere and put in place) or is that one (same version, same contents).
        var reused = false
        if let stored {
            let otherContents = remembered.digest.map { $0 != Self.digest(of: stored) } ?? false
            reused = stored.version < remembered.version || (stored.version == remembered.version && otherContents)
        }
        if let stored, stored.streamKey == streamKey.publicKey, !reused {
            list = Mutex(stored)
            if remembered.version != stored.version || remembered.digest == nil {
                try Self.writeIssued(stored, to: versionFile)
            }
        } else {
            guard highest < UInt32.max else {
                throw ControllerError("key list version \(highest) is the last one; this commune needs a new root key")
            }
            let why: String
            if let stored {
                why =
                    stored.streamKey != streamKey.publicKey
                    ? "the key list (version \(stored.version)) names another stream key than stream.key"
                    : stored.version < highest
                        ? "the key list is version \(stored.version) but version \(highest) was issued before"
                        : "the key list is version \(stored.version), which was issued before with other contents"
            } else {
                why = "there is no valid signed key list in \(directory.path)"
            }
            guard let root = Self.rootKey(directory) else {
                let stream = KeyText.base64(streamKey.publicKey)
                let from = stored == nil ? "LAST-LIST.bin" : "keylist.bin"
                throw ControllerError(
                    "\(why) and the root key is offline: sign a list naming the stream key \(stream) with version "
                        + "\(highest + 1) or higher where the root key is kept ('loa keys sign-list --root root.key --from "
                        + "\(from) --stream \(stream) --version \(highest + 1) --out keylist.bin'), and put it there as keylist.bin"
                )
            }
            var fresh = KeyList(
                version: highest + 1, issuedAt: UInt64(SystemClock().now()), streamKey: streamKey.publicKey,
                operators: stored?.operators ?? [])
            fresh = fresh.signed(by: root)
            try Self.put(fresh, listFile: listFile, versionFile: versionFile)
            list = Mutex(fresh)
            if highest > 0 {
                let kept = fresh.operators.isEmpty ? "" : ", keeping its \(fresh.operators.count) operator(s)"
                logger.warning(
                    "\(why): signed key list version \(fresh.version) with the root key for this stream key\(kept)")
            }
        }
    }

    /// The signed list in force.
    public var current: KeyList { list.withLock { $0 } }

    /// Adds (or replaces) an operator and signs a new version with the root key, if the root key is here.
    public func addOperator(name: String, publicKey: [UInt8], mayTriggerEmergencies: Bool) throws -> KeyList {
        guard let root = Self.rootKey(directory) else {
            throw SecurityError.rootOffline
        }
        return try list.withLock { list in
            guard list.version < UInt32.max else { throw SecurityError.listNotNewer(have: list.version) }
            var next = list
            next.version += 1
            next.issuedAt = UInt64(SystemClock().now())
            next.operators.removeAll { $0.name == name || $0.publicKey == publicKey }
            next.operators.append(.init(name: name, mayTriggerEmergencies: mayTriggerEmergencies, publicKey: publicKey))
            next = next.signed(by: root)
            try Self.put(next, listFile: listFile, versionFile: versionFile)
            list = next
            return next
        }
    }

    /// Installs a list signed elsewhere (the root key offline). It must verify, name this controller's stream key
    /// (else every receiver would refuse the controller's time answers and go silent) and be newer than the list
    /// in force. Throws `SecurityError` and changes nothing otherwise.
    public func install(_ encoded: [UInt8]) throws -> KeyList {
        guard let candidate = try? KeyList(decoding: encoded) else { throw SecurityError.malformedList }
        guard candidate.isSigned(by: rootPublicKey) else { throw SecurityError.listNotSignedByRoot }
        guard candidate.streamKey == streamKey.publicKey else {
            throw SecurityError.listLacksStreamKey(KeyText.base64(streamKey.publicKey))
        }
        return try list.withLock { list in
            guard candidate.version > list.version else { throw SecurityError.listNotNewer(have: list.version) }
            try Self.put(candidate, listFile: listFile, versionFile: versionFile)
            list = candidate
            return candidate
        }
    }

    /// Writes `list` to `keylist.bin`, then its version to `keylist.version` (in that order: after a power cut
    /// between the two, the list file still carries the highest version).
    private static func put(_ list: KeyList, listFile: URL, versionFile: URL) throws {
        try Self.replace(listFile.path, with: list.encoded)
        try writeIssued(list, to: versionFile)
    }

    /// The SHA-256 of a list's contents (what the root signs), which tells two lists of one version apart.
    static func digest(of list: KeyList) -> [UInt8] { SHA256.hash(list.signedBytes) }

    /// What `keylist.version` says: the highest version issued, with the digest of that list's contents (nil if
    /// the file gives the number only); version 0 if there is no such file. Throws if it is anything else.
    static func readIssued(_ url: URL) throws -> (version: UInt32, digest: [UInt8]?) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return (0, nil) }
        let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        let digest = words.count == 2 ? KeyText.bytes(hex: String(words[1])) : nil
        guard words.count == 1 || digest?.count == 32, let first = words.first, let version = UInt32(first) else {
            throw ControllerError(
                "\(url.path) is not a key list version; write in it the highest key list version this commune issued"
            )
        }
        return (version, digest)
    }

    /// Writes `keylist.version`: "VERSION SHA256-HEX\n" for `list`.
    private static func writeIssued(_ list: KeyList, to url: URL) throws {
        try Self.replace(url.path, with: Array("\(list.version) \(KeyText.hex(digest(of: list)))\n".utf8))
    }

    /// Runs a key-file step, its failure as this store's one line.
    private static func keyFile<T>(_ step: () throws(KeyFileError) -> T) throws(SecurityError) -> T {
        do { return try step() } catch {
            switch error {
            case .unwritable(let path, let reason): throw .cannotWrite(path, reason)
            case .unreadable(let path, _), .notAKeyFile(let path), .publicWhereSecretWanted(let path),
                .secretWherePublicWanted(let path):
                throw .badKeyFile(path)
            }
        }
    }

    /// Replaces the file at `path` with `bytes` atomically (`FileSystem.replace`).
    private static func replace(_ path: String, with bytes: [UInt8]) throws(SecurityError) {
        do { try FileSystem.replace(path, with: bytes) } catch { throw .cannotWrite(path, error.reason) }
    }

    private static func rootKey(_ directory: URL) -> SigningKeyPair? {
        try? KeyFile.readSecret(directory.appendingPathComponent("root.key").path)
    }
}

/// Why a key or command was refused: one line for the broadcaster.
public enum SecurityError: Error, Equatable, Sendable {
    case rootOffline
    case malformedList
    case listNotSignedByRoot
    case listNotNewer(have: UInt32)
    /// The list names another stream key than this controller's (base64).
    case listLacksStreamKey(String)
    case badKeyFile(String)
    /// A key file could not be written: its path and the system's reason.
    case cannotWrite(String, String)

    public var message: String {
        switch self {
        case .rootOffline:
            return "the root key is offline: where it is kept, run 'loa keys sign-list --root root.key --add NAME.pub "
                + "--role emergency --out new.bin', then 'loa keys install new.bin' here"
        case .malformedList: return "not a Loa key list"
        case .listNotSignedByRoot: return "the key list is not signed by this commune's root key"
        case .listNotNewer(let have): return "the key list is not newer than the one in force (version \(have))"
        case .listLacksStreamKey(let key):
            return "the key list does not name this controller's stream key (\(key)); sign a list that includes it"
        case .badKeyFile(let path): return "'\(path)' is not a Loa key file"
        case .cannotWrite(let path, let reason): return "cannot write '\(path)': \(reason)"
        }
    }
}
