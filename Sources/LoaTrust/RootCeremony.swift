import LoaCrypto
import LoaSystem
import LoaWire

/// The key ceremony that starts a commune (`loa keys init-root`), run where the root key is to be kept, such as
/// a laptop with the chairman's USB stick: never on the controller.
///
/// Contract: writes into an existing folder `root.key` (mode 0600), `root.pub`, the first key list
/// `keylist.bin` (version 1, no operators, signed by the root) naming the stream key, and, unless a stream
/// public key is given, a new stream key `stream.key` (0600). The controller takes `root.pub`, `stream.key` and
/// `keylist.bin` from that folder (`loa-controller --keys DIR`) and never `root.key`. Refuses a folder that
/// already holds a `root.key`: a commune's root is made once.
public enum RootCeremony {
    /// The files the controller takes from a ceremony folder (`root.key` is never one of them).
    public static let controllerFiles = ["root.pub", "stream.key", "keylist.bin"]

    /// What the ceremony made: the first list and the root's public key.
    public struct Outcome: Sendable {
        public let list: KeyList
        public let rootPublicKey: [UInt8]
    }

    /// Runs the ceremony into `directory` (which exists); `streamKey` is the controller's stream public key if it
    /// keeps its own, `now` the issue time in Unix ms.
    public static func run(into directory: String, streamKey: [UInt8]?, now: UInt64) throws(KeyFileError) -> Outcome {
        let rootFile = directory + "/root.key"
        if (try? FileSystem.readText(rootFile)) != nil {
            throw .unwritable(path: rootFile, reason: "a commune root key is there already; it is made once")
        }
        let root = SigningKeyPair.generate()
        var stream = streamKey
        if stream == nil {
            let pair = SigningKeyPair.generate()
            try KeyFile.writeSecret(pair, to: directory + "/stream.key")
            stream = pair.publicKey
        }
        try KeyFile.writeSecret(root, to: rootFile)
        try KeyFile.writePublic(root.publicKey, to: directory + "/root.pub")
        let list = KeyList(
            version: 1, issuedAt: now, expiresAt: now + KeyList.defaultValidity, streamKey: stream ?? [], operators: []
        ).signed(by: root)
        do { try FileSystem.replace(directory + "/keylist.bin", with: list.encoded) } catch {
            throw .unwritable(path: directory + "/keylist.bin", reason: error.reason)
        }
        return Outcome(list: list, rootPublicKey: root.publicKey)
    }

    /// The root's fingerprint for an out-of-band check (read aloud, compared on a box's provisioning output):
    /// the SHA-256 of the public key, as 8 groups of 4 hex digits.
    public static func fingerprint(_ rootPublicKey: [UInt8]) -> String {
        let hex = KeyText.hex(SHA256.hash(rootPublicKey))
        var groups: [String] = []
        var rest = Substring(hex)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(8)))
            rest = rest.dropFirst(8)
        }
        return groups.joined(separator: ":")
    }
}
