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
    /// The key of the stream tags on every sealed packet (`PacketSeal`): random at every start, never stored, and
    /// given only to welcomed boxes, sealed to each with the key it shares with the controller (heartbeat answers).
    public let streamTagKey = StreamTagKey.random()
    private let list: Mutex<KeyList>

    /// `keylist.bin`: the signed list in force.
    var listFile: URL { directory.appendingPathComponent("keylist.bin") }
    /// `keylist.version`: the highest key list version this store ever issued, installed or found signed by the
    /// root, and the SHA-256 of that list's contents ("VERSION HEX"), so that a new list never reuses a version,
    /// even when `keylist.bin` is gone or replaced by another list of that version.
    var versionFile: URL { directory.appendingPathComponent("keylist.version") }

    /// Loads the keys. The root private key never lives here: a `root.key` in `directory` stops the start with
    /// one line saying how to move it offline. At first start (no `root.pub` here) the files of a key ceremony
    /// (`loa keys init-root --out DIR`) are taken from `ceremony` (`RootCeremony.controllerFiles`, never
    /// `root.key`); without them the start stops with one line naming the ceremony. `stream.key` is made only
    /// when absent; a key file that exists but cannot be read stops the start with one line, never a new key.
    /// The folder is mode 0700.
    ///
    /// If `keylist.bin` is missing, does not verify, names another stream key (`stream.key` was replaced), is
    /// older than a version issued before or is that version with other contents, this throws one line naming
    /// the stream key and the lowest version a list signed where the root key is kept (and put in place as
    /// `keylist.bin`) must carry, and the `loa keys sign-list` command that makes it.
    public init(directory: URL, ceremony: URL? = nil, logger: Logger) throws {
        self.directory = directory
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let rootPublic = directory.appendingPathComponent("root.pub")
        let rootSecret = directory.appendingPathComponent("root.key")
        guard !FileManager.default.fileExists(atPath: rootSecret.path) else {
            throw SecurityError.rootKeyOnController(rootSecret.path)
        }
        if let ceremony, !FileManager.default.fileExists(atPath: rootPublic.path) {
            try Self.take(ceremony, into: directory)
        }
        guard FileManager.default.fileExists(atPath: rootPublic.path) else {
            throw SecurityError.noRoot(directory.path)
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
        guard let stored, stored.streamKey == streamKey.publicKey, !reused else {
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
            let stream = KeyText.base64(streamKey.publicKey)
            let from = stored == nil ? "LAST-LIST.bin" : "keylist.bin"
            throw ControllerError(
                "\(why) and the root key is offline: sign a list naming the stream key \(stream) with version "
                    + "\(highest + 1) or higher where the root key is kept ('loa keys sign-list --root root.key --from "
                    + "\(from) --stream \(stream) --version \(highest + 1) --out keylist.bin'), and put it there as keylist.bin"
            )
        }
        list = Mutex(stored)
        if remembered.version != stored.version || remembered.digest == nil {
            try Self.writeIssued(stored, to: versionFile)
        }
    }

    /// Copies a ceremony folder's controller files into `directory` (a stream key only if the ceremony made one).
    private static func take(_ ceremony: URL, into directory: URL) throws {
        for name in RootCeremony.controllerFiles {
            let source = ceremony.appendingPathComponent(name).path
            guard let bytes = FileManager.default.contents(atPath: source) else {
                guard name == "stream.key", FileManager.default.fileExists(atPath: ceremony.path) else {
                    throw SecurityError.badCeremony(ceremony.path, name)
                }
                continue
            }
            let secret = name.hasSuffix(".key")
            do {
                try FileSystem.replace(
                    directory.appendingPathComponent(name).path, with: [UInt8](bytes),
                    permissions: secret ? 0o600 : 0o644)
            } catch { throw SecurityError.cannotWrite(directory.appendingPathComponent(name).path, error.reason) }
        }
    }

    /// The signed list in force.
    public var current: KeyList { list.withLock { $0 } }

    /// Installs a list signed elsewhere (the root key offline). It must verify, name this controller's stream key
    /// (else every receiver would refuse the controller's time answers and go silent), not have expired (boxes
    /// adopt no expired list), fit a box's trust answer (`KeyList.maximumBytes`) and be newer than the list in force. Throws `SecurityError` and changes nothing
    /// otherwise.
    public func install(_ encoded: [UInt8]) throws -> KeyList {
        guard let candidate = try? KeyList(decoding: encoded) else { throw SecurityError.malformedList }
        guard encoded.count <= KeyList.maximumBytes else { throw SecurityError.listTooLong(encoded.count) }
        guard candidate.isSigned(by: rootPublicKey) else { throw SecurityError.listNotSignedByRoot }
        guard candidate.streamKey == streamKey.publicKey else {
            throw SecurityError.listLacksStreamKey(KeyText.base64(streamKey.publicKey))
        }
        guard !candidate.isExpired(at: UInt64(SealClock.now())) else {
            throw SecurityError.listExpired(candidate.version)
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
            case .unreadable(let path, let reason): throw .unreadableKeyFile(path, reason)
            case .notAKeyFile(let path), .publicWhereSecretWanted(let path),
                .secretWherePublicWanted(let path):
                throw .badKeyFile(path)
            }
        }
    }

    /// Replaces the file at `path` with `bytes` atomically (`FileSystem.replace`).
    private static func replace(_ path: String, with bytes: [UInt8]) throws(SecurityError) {
        do { try FileSystem.replace(path, with: bytes) } catch { throw .cannotWrite(path, error.reason) }
    }
}

/// Why a key or command was refused: one line for the broadcaster.
public enum SecurityError: Error, Equatable, Sendable {
    /// A root private key (its path) in the controller's state: it belongs offline.
    case rootKeyOnController(String)
    /// No `root.pub` in the keys folder (its path): the key ceremony was not run.
    case noRoot(String)
    /// A ceremony folder (its path) without one of the files the controller takes (its name).
    case badCeremony(String, String)
    /// A key file that exists but cannot be read: its path and the system's reason.
    case unreadableKeyFile(String, String)
    case malformedList
    case listNotSignedByRoot
    case listNotNewer(have: UInt32)
    /// The list is longer (its bytes) than a box's trust answer holds (`KeyList.maximumBytes`).
    case listTooLong(Int)
    /// The list (its version) is past its expiry: boxes would refuse it.
    case listExpired(UInt32)
    /// The list names another stream key than this controller's (base64).
    case listLacksStreamKey(String)
    case badKeyFile(String)
    /// A key file could not be written: its path and the system's reason.
    case cannotWrite(String, String)

    public var message: String {
        switch self {
        case .rootKeyOnController(let path):
            return "the commune root private key is on the controller ('\(path)'): move it offline (copy it to the "
                + "chairman's USB stick, check the copy, then delete it here) and start again; the controller needs only root.pub"
        case .noRoot(let path):
            return
                "there is no commune root key in '\(path)': run the key ceremony 'loa keys init-root --out DIR' where "
                + "the root key will be kept (a laptop with the chairman's USB stick), then start with '--keys DIR'"
        case .badCeremony(let path, let name):
            return "'\(path)' is not a key ceremony folder (no \(name)); make one with 'loa keys init-root --out DIR'"
        case .unreadableKeyFile(let path, let reason):
            return
                "cannot read the key file '\(path)': \(reason); fix its owner or mode (a new key would lock the boxes out)"
        case .malformedList: return "not a Loa key list"
        case .listNotSignedByRoot: return "the key list is not signed by this commune's root key"
        case .listNotNewer(let have): return "the key list is not newer than the one in force (version \(have))"
        case .listTooLong(let bytes):
            return "the key list is \(bytes) bytes, more than the \(KeyList.maximumBytes) a speaker box accepts; sign "
                + "one with fewer operators or shorter names"
        case .listExpired(let version):
            return "key list version \(version) has expired and boxes would refuse it; sign a new one with "
                + "'loa keys sign-list' (valid 180 days, or --valid-days N)"
        case .listLacksStreamKey(let key):
            return "the key list does not name this controller's stream key (\(key)); sign a list that includes it"
        case .badKeyFile(let path): return "'\(path)' is not a Loa key file"
        case .cannotWrite(let path, let reason): return "cannot write '\(path)': \(reason)"
        }
    }
}
