import Foundation
import LoaController
import LoaCrypto
import LoaTrust
import LoaWire
import Logging
import Testing

/// The controller's key store on real files: a key list version is never issued twice (stream key replaced,
/// list file lost, damaged or put back older), with the root key on the server or offline. (Secret key files:
/// `KeyFileTests` in LoaTrustTests.)
@Suite("Key store")
struct KeyStoreTests {
    let logger = Logger(label: "test")

    /// A fresh keys folder, removed when `body` returns.
    func withKeysFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder.appendingPathComponent("keys"))
    }

    /// `list` signed by `key`, as bytes.
    func signed(_ list: KeyList, by key: SigningKeyPair) -> [UInt8] { list.signed(by: key).encoded }

    @Test func aNewListAlwaysTakesAVersionAboveEveryOneIssued() throws {
        try withKeysFolder { keys in
            let store = try KeyStore(directory: keys, logger: logger)
            #expect(store.current.version == 1)
            _ = try store.addOperator(
                name: "chu-tich", publicKey: SigningKeyPair.generate().publicKey, mayTriggerEmergencies: true)
            let three = try store.addOperator(
                name: "pho-chu-tich", publicKey: SigningKeyPair.generate().publicKey, mayTriggerEmergencies: false)
            #expect(three.version == 3)
            let listFile = keys.appendingPathComponent("keylist.bin")
            let versionFile = keys.appendingPathComponent("keylist.version")
            #expect(try String(contentsOf: versionFile, encoding: .utf8).hasPrefix("3 "))

            // stream.key replaced: version 4 names the new key and keeps the operators the root signed.
            let replacement = SigningKeyPair.generate()
            try KeyFile.writeSecret(replacement, to: keys.appendingPathComponent("stream.key").path)
            let four = try KeyStore(directory: keys, logger: logger).current
            #expect(four.version == 4)
            #expect(four.streamKey == replacement.publicKey)
            #expect(four.operators == three.operators)

            // The list file lost, then damaged: keylist.version carries the count on.
            try FileManager.default.removeItem(at: listFile)
            #expect(try KeyStore(directory: keys, logger: logger).current.version == 5)
            try Data("not a key list".utf8).write(to: listFile)
            #expect(try KeyStore(directory: keys, logger: logger).current.version == 6)

            // An older root-signed list put back (version 3, naming this stream key) is not served: version 7 is.
            let root = try KeyFile.readSecret(keys.appendingPathComponent("root.key").path)
            var older = three
            older.streamKey = replacement.publicKey
            try Data(signed(older, by: root)).write(to: listFile)
            let seven = try KeyStore(directory: keys, logger: logger).current
            #expect(seven.version == 7 && seven.operators == three.operators)

            // keylist.version lost: the list file still carries the highest version, and the file is written again.
            try FileManager.default.removeItem(at: versionFile)
            #expect(try KeyStore(directory: keys, logger: logger).current == seven)
            #expect(try String(contentsOf: versionFile, encoding: .utf8).hasPrefix("7 "))

            // A list of a version already in force cannot be installed, even signed by the root.
            var again = seven
            again.operators = []
            #expect(throws: SecurityError.listNotNewer(have: 7)) {
                _ = try KeyStore(directory: keys, logger: logger).install(signed(again, by: root))
            }
        }
    }

    /// The root key offline: the controller cannot sign, so it refuses to start with one line naming the stream
    /// key and the lowest version a list signed elsewhere must carry; such a list, put in place, is used.
    @Test func withTheRootOfflineAReplacedStreamKeyNeedsANewerListSignedElsewhere() throws {
        try withKeysFolder { keys in
            let store = try KeyStore(directory: keys, logger: logger)
            let two = try store.addOperator(
                name: "chu-tich", publicKey: SigningKeyPair.generate().publicKey, mayTriggerEmergencies: true)
            let rootFile = keys.appendingPathComponent("root.key")
            let root = try KeyFile.readSecret(rootFile.path)
            try FileManager.default.removeItem(at: rootFile)  // taken offline, as the README asks
            let replacement = SigningKeyPair.generate()
            try KeyFile.writeSecret(replacement, to: keys.appendingPathComponent("stream.key").path)

            #expect {
                _ = try KeyStore(directory: keys, logger: logger)
            } throws: { error in
                "\(error)"
                    == "the key list (version 2) names another stream key than stream.key and the root key is offline: sign a list naming the stream key \(KeyText.base64(replacement.publicKey)) with version 3 or higher where the root key is kept ('loa keys sign-list --root root.key --from keylist.bin --stream \(KeyText.base64(replacement.publicKey)) --version 3 --out keylist.bin'), and put it there as keylist.bin"
            }
            // A list of the same version signed elsewhere is still refused; version 3 is taken.
            var list = two
            list.streamKey = replacement.publicKey
            try Data(signed(list, by: root)).write(to: keys.appendingPathComponent("keylist.bin"))
            #expect(throws: ControllerError.self) { _ = try KeyStore(directory: keys, logger: logger) }
            list.version = 3
            try Data(signed(list, by: root)).write(to: keys.appendingPathComponent("keylist.bin"))
            let three = try KeyStore(directory: keys, logger: logger).current
            #expect(three.version == 3 && three.streamKey == replacement.publicKey)
        }
    }
}
