import LoaCrypto
import LoaSystem

/// Why a key file cannot be used: one line for the broadcaster (`description`).
public enum KeyFileError: Error, Equatable, Sendable {
    /// The file cannot be read: its path and the system's reason ("No such file or directory").
    case unreadable(path: String, reason: String)
    /// The file holds no base64 key of the kind wanted.
    case notAKeyFile(path: String)
    /// A public key where a private key was wanted.
    case publicWhereSecretWanted(path: String)
    /// A private key where a public key was wanted.
    case secretWherePublicWanted(path: String)
    /// The file cannot be written: its path and the system's reason.
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read '" + path + "': " + reason
        case .notAKeyFile(let path): return "'" + path + "' is not a Loa key file"
        case .publicWhereSecretWanted(let path): return "'" + path + "' is a public key, not a private key"
        case .secretWherePublicWanted(let path): return "'" + path + "' is a private key, not a public key"
        case .unwritable(let path, let reason): return "cannot write '" + path + "': " + reason
        }
    }
}

/// Key files: one key as base64 text and a newline (the `*.key` and `*.pub` files of the controller, the CLI
/// and `Firmware/provision`). Writes go through `FileSystem.replace`: after a power cut the file holds its
/// old key or the new one, and a private key file is mode 0600 from the moment it exists.
public enum KeyFile {
    /// The bytes of the key in the file at `path`, whatever its kind.
    public static func read(_ path: String) throws(KeyFileError) -> [UInt8] {
        let text: String
        do { text = try FileSystem.readText(path) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let bytes = KeyText.bytes(base64: text), !bytes.isEmpty else { throw .notAKeyFile(path: path) }
        return bytes
    }

    /// The key pair whose private key is in the file at `path`.
    public static func readSecret(_ path: String) throws(KeyFileError) -> SigningKeyPair {
        let bytes = try read(path)
        guard bytes.count != SigningKeyPair.publicKeyBytes else { throw .publicWhereSecretWanted(path: path) }
        guard let pair = SigningKeyPair(secretKey: bytes) else { throw .notAKeyFile(path: path) }
        return pair
    }

    /// The 32-byte public key in the file at `path`. A private key file is refused: it belongs to its owner alone.
    public static func readPublic(_ path: String) throws(KeyFileError) -> [UInt8] {
        let bytes = try read(path)
        guard SigningKeyPair(secretKey: bytes) == nil else { throw .secretWherePublicWanted(path: path) }
        guard bytes.count == SigningKeyPair.publicKeyBytes else { throw .notAKeyFile(path: path) }
        return bytes
    }

    /// Replaces the file at `path` with `pair`'s private key, mode 0600: no other user can ever read it.
    public static func writeSecret(_ pair: SigningKeyPair, to path: String) throws(KeyFileError) {
        try write(pair.secretKey, to: path, permissions: 0o600)
    }

    /// Replaces the file at `path` with `publicKey`, mode 0644.
    public static func writePublic(_ publicKey: [UInt8], to path: String) throws(KeyFileError) {
        try write(publicKey, to: path, permissions: 0o644)
    }

    private static func write(_ key: [UInt8], to path: String, permissions: UInt32) throws(KeyFileError) {
        do { try FileSystem.replace(path, with: KeyText.base64(key) + "\n", permissions: permissions) } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }
}
