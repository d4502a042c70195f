import Foundation
import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

extension RealProcesses {
    /// The controller accepts only what the commune root key signed, and never an older key list:
    /// `POST /keys/list` refuses a list signed by another key, an older one, another of the same version and one
    /// that does not name the controller's stream key, each with one clear line, and the list in force stays as it
    /// was. A controller whose stream key was replaced signs a newer version, never reusing one.
    @Suite("Key list")
    struct KeyListTests {
        func signed(_ list: KeyList, by key: SigningKeyPair) -> [UInt8] { list.signed(by: key).encoded }

        /// POSTs `bytes` to `/keys/list`; returns the HTTP status and body.
        func install(_ harness: Harness, _ bytes: [UInt8]) throws -> (Int, String) {
            let file = harness.path("list-\(UUID().uuidString).bin")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let result = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", "@\(file)",
                    harness.controllerURL + "/keys/list",
                ])
            let lines = result.out.split(separator: "\n")
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }

        @Test func aListNotSignedByTheRootOrNotNewerIsRefusedAndNothingChanges() throws {
            let harness = try Harness(groupOctet: 74)
            try harness.startController()
            for name in ["chu-tich", "pho-chu-tich"] {  // versions 2 and 3
                #expect(
                    try harness.loa(["keys", "new", name, "--dir", harness.directory.path], controller: false).status
                        == 0)
                #expect(try harness.loa(["keys", "add", harness.path("\(name).pub"), "--emergency"]).status == 0)
            }
            let before = try canonicalJSON(harness, "/keys")
            let inForce = try KeyList(
                decoding: [UInt8](try Data(contentsOf: URL(string: harness.controllerURL + "/keys/list")!)))
            try #require(inForce.version == 3 && before.contains("\"version\":3"), "\(before)")
            let rootText = try String(contentsOfFile: harness.path("state/keys/root.key"), encoding: .utf8)
            let root = try #require(KeyText.bytes(base64: rootText).flatMap { SigningKeyPair(secretKey: $0) })

            // What an intruder would want in force: its own key, allowed to trigger emergencies.
            func withIntruder(version: UInt32) -> KeyList {
                var list = inForce
                list.version = version
                list.operators.append(
                    .init(name: "ke-gian", mayTriggerEmergencies: true, publicKey: SigningKeyPair.generate().publicKey))
                return list
            }
            var otherStreamKey = inForce
            otherStreamKey.version = 4
            otherStreamKey.streamKey = SigningKeyPair.generate().publicKey
            let cases: [(String, [UInt8], String)] = [
                (
                    "signed by another key", signed(withIntruder(version: 4), by: .generate()),
                    "the key list is not signed by this commune's root key"
                ),
                (
                    "older", signed(withIntruder(version: 2), by: root),
                    "the key list is not newer than the one in force (version 3)"
                ),
                (
                    "same version", signed(withIntruder(version: 3), by: root),
                    "the key list is not newer than the one in force (version 3)"
                ),
                (
                    // Signed by the root and newer, but naming another stream key: installed, it would make every
                    // receiver refuse the controller's time answers and go silent.
                    "another stream key", signed(otherStreamKey, by: root),
                    "the key list does not name this controller's stream key (\(KeyText.base64(inForce.streamKey))); sign a list that includes it"
                ),
            ]
            for (name, bytes, message) in cases {
                let (status, body) = try install(harness, bytes)
                #expect(status == 400, "\(name): HTTP \(status)")
                let error = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])?["error"]
                #expect(error == message, "\(name): \(body)")
            }
            #expect(try canonicalJSON(harness, "/keys") == before)
            #expect(
                [UInt8](try Data(contentsOf: URL(string: harness.controllerURL + "/keys/list")!)) == inForce.encoded)

            // The same change, signed by the root and newer, is installed: the refusals were for the signature and version.
            let (status, body) = try install(harness, signed(withIntruder(version: 4), by: root))
            #expect(status == 200 && body.contains("\"version\":4") && body.contains("ke-gian"), "\(body)")
        }

        /// The key list the controller serves at `GET /keys/list`.
        func served(_ harness: Harness) throws -> KeyList {
            try KeyList(decoding: [UInt8](try Data(contentsOf: URL(string: harness.controllerURL + "/keys/list")!)))
        }

        /// `stream.key` replaced (here: deleted, so the controller makes a new one) and then `keylist.bin` lost too:
        /// each time the controller signs a list with a version above every one it issued, keeping the operators,
        /// and a receiver that holds the old version on disk takes the new one after a restart. (Reusing version 2
        /// would be refused by the receiver; version 1, as before, too: it would never get trusted time.)
        @Test func aReplacedStreamKeyOrLostListGetsANewerVersion() throws {
            let harness = try Harness(groupOctet: 75)
            try harness.startController()
            let made = try harness.loa(["keys", "new", "chu-tich", "--dir", harness.directory.path], controller: false)
            #expect(made.status == 0)
            #expect(try harness.loa(["keys", "add", harness.path("chu-tich.pub"), "--emergency"]).status == 0)
            let first = try served(harness)
            try #require(first.version == 2 && first.operators.map(\.name) == ["chu-tich"])
            harness.stop(try harness.startReceiver(output: harness.path("box.raw"), name: "box"))
            #expect(try String(contentsOfFile: harness.path("box.log"), encoding: .utf8).contains("key list version 2"))

            let keys = harness.path("state/keys")
            harness.stop(try #require(harness.controller))
            try FileManager.default.removeItem(atPath: keys + "/stream.key")
            try harness.startController()
            let second = try served(harness)
            #expect(second.version == 3)
            #expect(second.streamKey != first.streamKey)
            #expect(second.operators == first.operators)
            let log = try String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)
            let reason = "the key list (version 2) names another stream key than stream.key"
            #expect(log.contains(reason + ": signed key list version 3"), "\(log)")
            // The box restarts holding version 2 and takes version 3 with the controller's time.
            harness.stop(try harness.startReceiver(output: harness.path("box.raw"), name: "box"))
            #expect(
                try String(contentsOfFile: harness.path("box.log"), encoding: .utf8)
                    .contains("key list version 3 from the controller"))

            // Both the stream key and the list file lost: keylist.version carries the count on.
            harness.stop(try #require(harness.controller))
            try FileManager.default.removeItem(atPath: keys + "/stream.key")
            try FileManager.default.removeItem(atPath: keys + "/keylist.bin")
            try harness.startController()
            let third = try served(harness)
            #expect(third.version == 4)
            #expect(third.streamKey != second.streamKey)
            harness.stop(try harness.startReceiver(output: harness.path("box.raw"), name: "box"))
            #expect(
                try String(contentsOfFile: harness.path("box.log"), encoding: .utf8)
                    .contains("key list version 4 from the controller"))
        }
    }
}

/// The JSON the controller answers at `path`, with its keys sorted, to compare two answers.
func canonicalJSON(_ harness: Harness, _ path: String) throws -> String {
    String(
        decoding: try JSONSerialization.data(withJSONObject: try harness.api(path), options: [.sortedKeys]),
        as: UTF8.self)
}
