import Foundation
import LoaController
import LoaCrypto
import LoaTrust
import LoaWire
import Logging
import Testing

/// The controller's key store on real files: it starts from a key ceremony's folder and never holds the root
/// private key, and a key list version is never issued twice (stream key replaced, list file lost, damaged or put
/// back older). (Secret key files: `KeyFileTests` in LoaTrustTests.)
@Suite("Key store")
struct KeyStoreTests {
    let logger = Logger(label: "test")

    /// A fresh keys folder and a ceremony folder (`RootCeremony` run in it) with its root key, removed when
    /// `body` returns.
    func withKeysFolder(_ body: (_ keys: URL, _ ceremony: URL, _ root: SigningKeyPair) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ceremony = folder.appendingPathComponent("ceremony")
        try FileManager.default.createDirectory(at: ceremony, withIntermediateDirectories: true)
        _ = try RootCeremony.run(
            into: ceremony.path, streamKey: nil, now: UInt64(Date().timeIntervalSince1970 * 1000))
        let root = try KeyFile.readSecret(ceremony.appendingPathComponent("root.key").path)
        try body(folder.appendingPathComponent("keys"), ceremony, root)
    }

    /// `list` signed by `key`, as bytes.
    func signed(_ list: KeyList, by key: SigningKeyPair) -> [UInt8] { list.signed(by: key).encoded }

    /// The one line `KeyStore` stops with when it needs a list signed offline.
    func needsList(_ why: String, stream: [UInt8], version: UInt32, from: String) -> String {
        let key = KeyText.base64(stream)
        return "\(why) and the root key is offline: sign a list naming the stream key \(key) with version \(version) "
            + "or higher where the root key is kept ('loa keys sign-list --root root.key --from \(from) --stream \(key) "
            + "--version \(version) --out keylist.bin'), and put it there as keylist.bin"
    }

    @Test func theControllerStartsFromTheCeremonyAndNeverHoldsTheRootKey() throws {
        try withKeysFolder { keys, ceremony, root in
            #expect(throws: SecurityError.noRoot(keys.path)) { _ = try KeyStore(directory: keys, logger: logger) }
            let empty = ceremony.deletingLastPathComponent().appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            #expect(throws: SecurityError.badCeremony(empty.path, "root.pub")) {
                _ = try KeyStore(directory: keys, ceremony: empty, logger: logger)
            }
            let store = try KeyStore(directory: keys, ceremony: ceremony, logger: logger)
            #expect(store.rootPublicKey == root.publicKey && store.current.version == 1)
            #expect(!FileManager.default.fileExists(atPath: keys.appendingPathComponent("root.key").path))
            let mode = try FileManager.default.attributesOfItem(atPath: keys.path)[.posixPermissions] as? Int
            #expect(mode == 0o700)
            // A root key put in the state: refused, whatever else is there.
            try KeyFile.writeSecret(root, to: keys.appendingPathComponent("root.key").path)
            #expect(throws: SecurityError.rootKeyOnController(keys.appendingPathComponent("root.key").path)) {
                _ = try KeyStore(directory: keys, ceremony: ceremony, logger: logger)
            }
        }
    }

    @Test func aListMustAlwaysTakeAVersionAboveEveryOneIssued() throws {
        try withKeysFolder { keys, ceremony, root in
            let store = try KeyStore(directory: keys, ceremony: ceremony, logger: logger)
            var next = store.current
            next.version = 3
            next.operators = [
                .init(name: "chu-tich", mayTriggerEmergencies: true, publicKey: SigningKeyPair.generate().publicKey)
            ]
            let three = try store.install(signed(next, by: root))
            let listFile = keys.appendingPathComponent("keylist.bin")
            let versionFile = keys.appendingPathComponent("keylist.version")
            #expect(try String(contentsOf: versionFile, encoding: .utf8).hasPrefix("3 "))

            // The list file lost, then damaged: the start stops and names version 4.
            try FileManager.default.removeItem(at: listFile)
            let why = "there is no valid signed key list in \(keys.path)"
            #expect {
                _ = try KeyStore(directory: keys, logger: logger)
            } throws: {
                "\($0)" == needsList(why, stream: store.streamKey.publicKey, version: 4, from: "LAST-LIST.bin")
            }
            try Data("not a key list".utf8).write(to: listFile)
            #expect(throws: ControllerError.self) { _ = try KeyStore(directory: keys, logger: logger) }

            // An older root-signed list put back (version 1): refused too; version 4 is taken.
            try Data(contentsOf: ceremony.appendingPathComponent("keylist.bin")).write(to: listFile)
            #expect {
                _ = try KeyStore(directory: keys, logger: logger)
            } throws: {
                "\($0)"
                    == needsList(
                        "the key list is version 1 but version 3 was issued before", stream: store.streamKey.publicKey,
                        version: 4, from: "keylist.bin")
            }
            next.version = 4
            try Data(signed(next, by: root)).write(to: listFile)
            let four = try KeyStore(directory: keys, logger: logger).current
            #expect(four.version == 4 && four.operators == three.operators)

            // keylist.version lost: the list file still carries the highest version, and the file is written again.
            try FileManager.default.removeItem(at: versionFile)
            #expect(try KeyStore(directory: keys, logger: logger).current == four)
            #expect(try String(contentsOf: versionFile, encoding: .utf8).hasPrefix("4 "))

            // A list of a version already in force cannot be installed, even signed by the root.
            next.operators = []
            #expect(throws: SecurityError.listNotNewer(have: 4)) {
                _ = try KeyStore(directory: keys, logger: logger).install(signed(next, by: root))
            }
        }
    }

    /// A replaced stream key: the controller cannot sign, so it refuses to start with one line naming the stream
    /// key and the lowest version a list signed elsewhere must carry; such a list, put in place, is used.
    /// A list past its signed expiry is refused (boxes would never adopt it) and changes nothing; the ceremony's
    /// first list is valid for 180 days.
    @Test func anExpiredListIsRefused() throws {
        try withKeysFolder { keys, ceremony, root in
            let store = try KeyStore(directory: keys, ceremony: ceremony, logger: logger)
            #expect(store.current.expiresAt == store.current.issuedAt + KeyList.defaultValidity)
            var next = store.current
            next.version = 2
            // A minute ago: the controller's clock may be a millisecond behind the wall clock.
            next.expiresAt = UInt64(Date().timeIntervalSince1970 * 1000) - 60_000
            #expect(throws: SecurityError.listExpired(2)) { _ = try store.install(signed(next, by: root)) }
            #expect(store.current.version == 1)
        }
    }

    @Test func aReplacedStreamKeyNeedsANewerListSignedElsewhere() throws {
        try withKeysFolder { keys, ceremony, root in
            let store = try KeyStore(directory: keys, ceremony: ceremony, logger: logger)
            var two = store.current
            two.version = 2
            two = try store.install(signed(two, by: root))
            let replacement = SigningKeyPair.generate()
            try KeyFile.writeSecret(replacement, to: keys.appendingPathComponent("stream.key").path)

            #expect {
                _ = try KeyStore(directory: keys, ceremony: ceremony, logger: logger)
            } throws: { error in
                "\(error)"
                    == needsList(
                        "the key list (version 2) names another stream key than stream.key",
                        stream: replacement.publicKey, version: 3, from: "keylist.bin")
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
