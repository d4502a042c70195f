import Foundation
import LoaCrypto
import LoaWire
import Logging
import Synchronization

/// The controller's keys under `STATE_DIR/keys`: the commune root key (its private half belongs offline),
/// the stream key that signs audio and time, and the root-signed list of operator keys.
///
/// Contract: the list in force always verifies against `root.pub`, and its version only increases.
public final class KeyStore: Sendable {
    public let directory: URL
    public let rootPublicKey: [UInt8]
    public let streamKey: SigningKeyPair
    private let list: Mutex<KeyList>

    /// Loads the keys, creating what a one-server commune needs on first start (and saying so in the log).
    public init(directory: URL, logger: Logger) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rootPublic = directory.appendingPathComponent("root.pub")
        let rootSecret = directory.appendingPathComponent("root.key")
        if !FileManager.default.fileExists(atPath: rootPublic.path) {
            let root = SigningKeyPair.generate()
            try KeyFiles.writeSecret(root.secretKey, to: rootSecret)
            try KeyFiles.writePublic(root.publicKey, to: rootPublic)
            logger.warning(
                "created the commune root key \(rootSecret.path); its private half belongs offline: copy it to a USB stick kept by the chairman, then delete it here (the controller keeps root.pub)")
        }
        rootPublicKey = try KeyFiles.readPublic(rootPublic)
        let streamSecret = directory.appendingPathComponent("stream.key")
        if !FileManager.default.fileExists(atPath: streamSecret.path) {
            try KeyFiles.writeSecret(SigningKeyPair.generate().secretKey, to: streamSecret)
        }
        streamKey = try KeyFiles.readSecret(streamSecret)
        let listFile = directory.appendingPathComponent("keylist.bin")
        if let data = FileManager.default.contents(atPath: listFile.path), let stored = try? KeyList(decoding: [UInt8](data)),
            Self.verify(stored, root: rootPublicKey), stored.streamKey == streamKey.publicKey
        {
            list = Mutex(stored)
        } else {
            guard let root = Self.rootKey(directory) else {
                throw ControllerError(
                    "no valid signed key list in \(directory.path) and the root key is offline: sign one with 'loa keys sign-list' and put it there as keylist.bin")
            }
            var fresh = KeyList(
                version: 1, issuedAt: UInt64(SystemProgrammeClock().now()), streamKey: streamKey.publicKey, operators: [])
            fresh.signature = Self.sign(fresh, with: root)
            try AtomicFile.write(Data(fresh.encoded), to: listFile)
            list = Mutex(fresh)
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
            var next = list
            next.version += 1
            next.issuedAt = UInt64(SystemProgrammeClock().now())
            next.operators.removeAll { $0.name == name || $0.publicKey == publicKey }
            next.operators.append(.init(name: name, mayTriggerEmergencies: mayTriggerEmergencies, publicKey: publicKey))
            next.signature = Self.sign(next, with: root)
            try AtomicFile.write(Data(next.encoded), to: directory.appendingPathComponent("keylist.bin"))
            list = next
            return next
        }
    }

    /// Installs a list signed elsewhere (the root key offline). It must verify and be newer.
    public func install(_ encoded: [UInt8]) throws -> KeyList {
        guard let candidate = try? KeyList(decoding: encoded) else { throw SecurityError.malformedList }
        guard Self.verify(candidate, root: rootPublicKey) else { throw SecurityError.listNotSignedByRoot }
        return try list.withLock { list in
            guard candidate.version > list.version else { throw SecurityError.listNotNewer(have: list.version) }
            try AtomicFile.write(Data(candidate.encoded), to: directory.appendingPathComponent("keylist.bin"))
            list = candidate
            return candidate
        }
    }

    static func verify(_ list: KeyList, root: [UInt8]) -> Bool {
        list.signedBytes.withUnsafeBytes { message in
            list.signature.withUnsafeBytes { signature in
                root.withUnsafeBytes { SigningKeyPair.verify(signature, of: message, by: $0) }
            }
        }
    }

    static func sign(_ list: KeyList, with key: SigningKeyPair) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 64)
        list.signedBytes.withUnsafeBytes { message in signature.withUnsafeMutableBytes { key.sign(message, into: $0) } }
        return signature
    }

    private static func rootKey(_ directory: URL) -> SigningKeyPair? {
        try? KeyFiles.readSecret(directory.appendingPathComponent("root.key"))
    }
}

/// Key files: base64 text, the secret ones mode 0600, written atomically.
public enum KeyFiles {
    public static func writeSecret(_ secret: [UInt8], to url: URL) throws {
        try AtomicFile.write(Data((KeyText.base64(secret) + "\n").utf8), to: url)
        chmod(url.path, 0o600)
    }

    public static func writePublic(_ key: [UInt8], to url: URL) throws {
        try AtomicFile.write(Data((KeyText.base64(key) + "\n").utf8), to: url)
    }

    public static func readPublic(_ url: URL) throws -> [UInt8] {
        guard let text = try? String(contentsOf: url, encoding: .utf8), let key = KeyText.bytes(base64: text), key.count == 32 else {
            throw SecurityError.badKeyFile(url.path)
        }
        return key
    }

    public static func readSecret(_ url: URL) throws -> SigningKeyPair {
        guard let text = try? String(contentsOf: url, encoding: .utf8), let bytes = KeyText.bytes(base64: text),
            let pair = SigningKeyPair(secretKey: bytes)
        else { throw SecurityError.badKeyFile(url.path) }
        return pair
    }
}

/// Why a key or command was refused: one line for the broadcaster.
public enum SecurityError: Error, Equatable, Sendable {
    case rootOffline
    case malformedList
    case listNotSignedByRoot
    case listNotNewer(have: UInt32)
    case badKeyFile(String)

    public var message: String {
        switch self {
        case .rootOffline:
            return "the root key is offline: sign the new key list with 'loa keys sign-list --root ROOT.key' where it is kept"
        case .malformedList: return "not a Loa key list"
        case .listNotSignedByRoot: return "the key list is not signed by this commune's root key"
        case .listNotNewer(let have): return "the key list is not newer than the one in force (version \(have))"
        case .badKeyFile(let path): return "'\(path)' is not a Loa key file"
        }
    }
}
