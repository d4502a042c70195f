import Foundation
import LoaCrypto
import LoaWire

/// Reads a root private key file (base64 of 64 bytes, as the controller writes `root.key`).
/// Throws one line if it cannot be read, is a public key, or is not a Loa private key.
func readRootKey(_ path: String) throws(CLIError) -> SigningKeyPair {
    let bytes = try keyBytes(path)
    guard bytes.count != SigningKeyPair.publicKeyBytes else {
        throw CLIError("'\(path)' is a public key; sign with the commune root's private key (root.key)")
    }
    guard let pair = SigningKeyPair(secretKey: bytes) else { throw CLIError("'\(path)' is not a Loa private key file") }
    return pair
}

/// Reads a public key file (base64 of 32 bytes); `what` names it in the one-line error, e.g. "the stream public key".
/// A private key file is refused: a private key belongs to its owner alone.
func readPublicKey(_ path: String, what: String) throws(CLIError) -> [UInt8] {
    let bytes = try keyBytes(path)
    guard SigningKeyPair(secretKey: bytes) == nil else {
        throw CLIError("'\(path)' is a private key; give \(what) (its .pub file)")
    }
    return try publicKey(bytes: bytes, named: "'\(path)'", what: what)
}

/// A public key written in base64 on the command line; `named` says what it was in the error.
func publicKey(text: String, named: String) throws(CLIError) -> [UInt8] {
    guard let bytes = KeyText.bytes(base64: text) else { throw CLIError("\(named) is not a Loa public key") }
    return try publicKey(bytes: bytes, named: named, what: "a Loa public key")
}

private func publicKey(bytes: [UInt8], named: String, what: String) throws(CLIError) -> [UInt8] {
    guard bytes.count == SigningKeyPair.publicKeyBytes else { throw CLIError("\(named) is not \(what)") }
    return bytes
}

/// The decoded contents of a key file; one line if it cannot be read or is not base64.
private func keyBytes(_ path: String) throws(CLIError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError(
            "cannot read '\(path)': \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")"
        )
    }
    guard let bytes = KeyText.bytes(base64: String(decoding: data, as: UTF8.self)) else {
        throw CLIError("'\(path)' is not a Loa key file")
    }
    return bytes
}

/// True if `list.signature` is `root`'s signature of `list.signedBytes`.
func verify(_ list: KeyList, by root: [UInt8]) -> Bool {
    list.signedBytes.withUnsafeBytes { message in
        list.signature.withUnsafeBytes { signature in
            root.withUnsafeBytes { SigningKeyPair.verify(signature, of: message, by: $0) }
        }
    }
}

/// The Ed25519 signature of `message` by `key`.
func sign(_ message: [UInt8], with key: SigningKeyPair) -> [UInt8] {
    var signature = [UInt8](repeating: 0, count: 64)
    message.withUnsafeBytes { bytes in signature.withUnsafeMutableBytes { key.sign(bytes, into: $0) } }
    return signature
}

/// A key's short id as people compare it: the hex of its first 4 bytes (the id packets carry).
func keyID(_ publicKey: [UInt8]) -> String { KeyText.hex(Array(publicKey.prefix(4))) }

/// Writes `data` to `path` so that a power cut (or a USB stick pulled out) leaves the old file or the new one:
/// a temporary file beside it, synced, renamed over it, and the folder synced. One line on failure.
func writeAtomically(_ data: Data, to path: String) throws(CLIError) {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
    func failed(_ code: Int32) -> CLIError {
        unlink(temporary)
        return CLIError("cannot write '\(path)': \(String(cString: strerror(code)))")
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failed(errno) }
    let bytes = [UInt8](data)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else {
            let code = errno
            close(fd)
            throw failed(code)
        }
        written += n
    }
    guard fsync(fd) == 0 else {
        let code = errno
        close(fd)
        throw failed(code)
    }
    guard close(fd) == 0 else { throw failed(errno) }
    guard rename(temporary, path) == 0 else { throw failed(errno) }
    let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folder >= 0 {
        fsync(folder)
        close(folder)
    }
}
