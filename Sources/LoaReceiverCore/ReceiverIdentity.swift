import LoaCrypto
import LoaSystem
import LoaWire

/// What a speaker box keeps about itself in its state folder (`--state-dir`, /var/lib/loa on a box), each
/// in its own small file written atomically (`FileSystem.replace`):
///
/// | file | what |
/// |---|---|
/// | `identity.key` | its Ed25519 secret key, base64, mode 0600: made at first start, never sent anywhere |
/// | `epoch` | how many times it has started: the high half of its heartbeats' (epoch, sequence) |
/// | `controller.pub` | the controller's public key, learned at enrolment unless pinned by `controller-key` |
/// | `last-command` | the id of the last command it carried out, so a recorded command cannot be replayed |
/// | `volume` | its volume in percent, and "muted" if it is |
public struct ReceiverIdentity {
    public let keys: SigningKeyPair
    public let id: ReceiverID
    public let stateDirectory: String

    /// Loads the key pair from `STATE/identity.key`, or makes one and writes it (0600) if there is none.
    /// Throws if the folder cannot be written or the file is damaged (it is then left for a person to look at).
    public static func loadOrCreate(stateDirectory: String) throws(ReceiverSetupError) -> ReceiverIdentity {
        let path = stateDirectory + "/identity.key"
        let text: String?
        do { text = try FileSystem.readText(path, limit: 1024) } catch {
            guard error.code == 2 /* ENOENT */ else {
                throw ReceiverSetupError("cannot read " + path + ": " + error.reason)
            }
            text = nil
        }
        let keys: SigningKeyPair
        if let text {
            guard let bytes = KeyText.bytes(base64: text), let loaded = SigningKeyPair(secretKey: bytes) else {
                throw ReceiverSetupError("the identity key " + path + " is damaged; move it away to make a new one")
            }
            keys = loaded
        } else {
            keys = SigningKeyPair.generate()
            do { try FileSystem.replace(path, with: KeyText.base64(keys.secretKey) + "\n", permissions: 0o600) } catch {
                throw ReceiverSetupError("cannot write the identity key " + path + ": " + error.reason)
            }
            Log.info("made a new identity: receiver " + ReceiverID(publicKey: keys.publicKey).text)
        }
        return ReceiverIdentity(keys: keys, id: ReceiverID(publicKey: keys.publicKey), stateDirectory: stateDirectory)
    }

    /// Reads `STATE/name` as text without surrounding blanks; nil if it is missing or unreadable.
    public func read(_ name: String) -> String? {
        guard let text = try? FileSystem.readText(stateDirectory + "/" + name, limit: 4096) else { return nil }
        var bytes = Array(text.utf8)[...]
        while let last = bytes.last, last == 10 || last == 13 || last == 32 { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces `STATE/name`; logs (and otherwise ignores) a failure: the box keeps playing.
    public func write(_ name: String, _ text: String) {
        do { try FileSystem.replace(stateDirectory + "/" + name, with: text + "\n") } catch {
            Log.error("cannot write " + stateDirectory + "/" + name + ": " + error.reason)
        }
    }

    /// The next start's epoch: one more than the last, written before it is used.
    public func nextEpoch() -> UInt32 {
        let epoch = (read("epoch").flatMap { UInt32($0) } ?? 0) &+ 1
        write("epoch", String(epoch))
        return epoch
    }
}
