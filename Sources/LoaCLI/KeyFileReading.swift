import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// Reads a root private key file (base64 of 64 bytes, as the controller writes `root.key`).
/// Throws one line if it cannot be read, is a public key, or is not a Loa private key.
func readRootKey(_ path: String) throws(CLIError) -> SigningKeyPair {
    do { return try KeyFile.readSecret(path) } catch {
        switch error {
        case .publicWhereSecretWanted:
            throw CLIError(.publicNotRoot, path)
        case .notAKeyFile where (try? KeyFile.read(path)) != nil:
            throw CLIError(.notLoaPrivateKey, path)
        default: throw words(error)
        }
    }
}

/// Reads a public key file (base64 of 32 bytes); `what` names it in the one-line error, e.g. "the stream public key".
/// A private key file is refused: a private key belongs to its owner alone.
func readPublicKey(_ path: String, what: String) throws(CLIError) -> [UInt8] {
    do { return try KeyFile.readPublic(path) } catch {
        switch error {
        case .secretWherePublicWanted: throw CLIError(.privateNotPublic, path, what)
        case .notAKeyFile(let path) where (try? KeyFile.read(path)) != nil:
            throw CLIError(.notThatKey, path, what)
        default: throw words(error)
        }
    }
}

/// A public key written in base64 on the command line; `named` says what it was in the error.
func publicKey(text: String, named: String) throws(CLIError) -> [UInt8] {
    guard let bytes = KeyText.bytes(base64: text), bytes.count == SigningKeyPair.publicKeyBytes else {
        throw CLIError(.notPublicKey, named)
    }
    return bytes
}

/// A key file's failure in the CLI's words: what is wrong with which file.
private func words(_ error: KeyFileError) -> CLIError {
    switch error {
    case .unreadable(let path, let reason):
        return CLIError(
            "cannot read '\(path)': \(reason == "Permission denied" ? "permission denied" : "no such file")")
    default: return CLIError(error.description)
    }
}

/// A key's short id as people compare it: the hex of its first 4 bytes (the id packets carry).
func keyID(_ publicKey: [UInt8]) -> String { KeyText.hex(Array(publicKey.prefix(4))) }

/// Writes `bytes` to `path` so that a power cut (or a USB stick pulled out) leaves the old file or the new one
/// (`FileSystem.replace`). One line on failure.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(CLIError) {
    do { try FileSystem.replace(path, with: bytes) } catch {
        throw CLIError(.cannotWrite, path, error.reason)
    }
}
