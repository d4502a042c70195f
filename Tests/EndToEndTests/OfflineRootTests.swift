import Foundation
import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

extension RealProcesses {
    /// The commune root key offline from birth: the key ceremony (`loa keys init-root`, run by the harness into
    /// its `ceremony` folder, the chairman's USB stick) makes it; the controller starts from root.pub and the first
    /// list and never holds root.key (it refuses to start if it finds one) and never signs a list. The official
    /// signs the next list with `loa keys sign-list` (also on a laptop without the controller) and installs it with
    /// `loa keys install`; the controller takes only what the root signed, newer than its list.
    @Suite("Offline root key")
    struct OfflineRootTests {
        /// Starts a controller from the key ceremony; returns the root key's path on the stick.
        func controllerWithRootOffline(_ harness: Harness) throws -> String {
            try harness.startController()
            #expect(!FileManager.default.fileExists(atPath: harness.path("state/keys/root.key")))
            return harness.rootKey
        }

        /// A root private key in the state dir stops the start with one line saying how to move it offline; with
        /// no root.pub and no ceremony folder the start stops with one line naming the ceremony. The state dir's
        /// keys folder is 0700, its private keys and database 0600.
        @Test func aControllerHoldingTheRootKeyOrNoRootRefusesToStart() throws {
            let harness = try Harness(groupOctet: 92)
            try harness.startController()
            let state = harness.path("state")
            for (file, mode) in [
                ("", 0o700), ("keys", 0o700), ("keys/stream.key", 0o600), ("loa.sqlite", 0o600),
            ] {
                let found = try FileManager.default.attributesOfItem(atPath: state + "/" + file)[.posixPermissions]
                #expect(found as? Int == mode, "\(file): \(String(found as? Int ?? 0, radix: 8))")
            }
            harness.stop(try #require(harness.controller))
            let copied = try harness.run("/bin/cp", [harness.rootKey, state + "/keys/root.key"])
            try #require(copied.status == 0)
            let controller = Harness.binaries.appendingPathComponent("loa-controller").path
            let arguments = [
                "--state-dir", state, "--config", harness.path("controller.yaml"), "--listen", "127.0.0.1:0",
            ]
            let refused = try harness.run(controller, arguments)
            #expect(refused.status == 1, "\(refused)")
            #expect(
                refused.err
                    == "loa-controller: cannot load the keys: the commune root private key is on the controller ('\(state)/keys/root.key'): move it offline (copy it to the chairman's USB stick, check the copy, then delete it here) and start again; the controller needs only root.pub\n",
                "\(refused.err)")

            let empty = harness.path("empty")
            let none = try harness.run(controller, ["--state-dir", empty] + arguments.dropFirst(2))
            #expect(none.status == 1, "\(none)")
            #expect(
                none.err
                    == "loa-controller: cannot load the keys: there is no commune root key in '\(empty)/keys': run the key ceremony 'loa keys init-root --out DIR' where the root key will be kept (a laptop with the chairman's USB stick), then start with '--keys DIR'\n",
                "\(none.err)")
        }

        /// A stream key that exists but cannot be read (here: a folder in its place, which also root cannot read as
        /// a file) stops the start with one line; no new key is made in its place.
        @Test func anUnreadableKeyFileStopsTheStartAndIsNotReplaced() throws {
            let harness = try Harness(groupOctet: 93)
            try harness.startController()
            harness.stop(try #require(harness.controller))
            let streamKey = harness.path("state/keys/stream.key")
            try FileManager.default.removeItem(atPath: streamKey)
            try FileManager.default.createDirectory(atPath: streamKey, withIntermediateDirectories: false)
            #expect(throws: HarnessError.self) { try harness.startController() }
            let log = try String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)
            #expect(
                log.hasPrefix("loa-controller: cannot load the keys: cannot read the key file '\(streamKey)': "),
                "\(log)")
            #expect(
                log.hasSuffix("; fix its owner or mode (a new key would lock the boxes out)\n")
                    && log.split(separator: "\n").count == 1, "\(log)")
            var isFolder: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: streamKey, isDirectory: &isFolder) && isFolder.boolValue)
        }

        func keys(_ harness: Harness) throws -> [String: Any] {
            try #require(try harness.api("/keys") as? [String: Any])
        }

        func operators(_ harness: Harness) throws -> [String] {
            try ((keys(harness)["operators"] as? [[String: Any]]) ?? []).map {
                "\($0["name"] as? String ?? "?") \(($0["emergency"] as? Bool) == true ? "emergency" : "plain")"
            }
        }

        @Test func anOfficialSignsKeyListsWithTheRootKeyOffTheServer() throws {
            let harness = try Harness(groupOctet: 55)
            let root = try controllerWithRootOffline(harness)
            for name in ["chu-tich", "van-thu"] {
                #expect(
                    try harness.loa(["keys", "new", name, "--dir", harness.directory.path], controller: false).status
                        == 0)
            }
            // The server cannot sign: there is no route that would (the old POST /keys/operators is gone).
            let posted = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary",
                    "@" + harness.path("chu-tich.pub"),
                    harness.controllerURL + "/keys/operators?name=chu-tich&emergency=1",
                ])
            #expect(posted.out == "404", "\(posted)")
            #expect(try keys(harness)["version"] as? Int == 1)
            // It keeps running with the list it has after a restart, and does not make a new root key.
            harness.stop(try #require(harness.controller))
            try harness.startController()
            #expect(try keys(harness)["version"] as? Int == 1)
            #expect(!FileManager.default.fileExists(atPath: harness.path("state/keys/root.key")))

            // Where the root key is: sign the next list from the controller's, then install it.
            let signed = try harness.loa(
                [
                    "keys", "sign-list", "--root", root, "--add", harness.path("chu-tich.pub"), "--role", "emergency",
                    "--out", harness.path("new.bin"),
                ])
            #expect(signed.status == 0, "\(signed.err)")
            let streamKey = try #require(keys(harness)["streamKey"] as? String)
            let streamID = KeyText.hex(Array(try #require(KeyText.bytes(base64: streamKey)).prefix(4)))
            #expect(signed.out.contains("key list version 2 (was 1)"), "\(signed.out)")
            #expect(signed.out.contains("stream key \(streamID)\n") && signed.out.contains("\n  chu-tich  emergency  "))
            let installed = try harness.loa(["keys", "install", harness.path("new.bin")])
            #expect(installed.status == 0 && installed.out == "key list version 2 in force\n", "\(installed.err)")
            #expect(try keys(harness)["version"] as? Int == 2)
            #expect(try operators(harness) == ["chu-tich emergency"])

            // A box takes the new list with the controller's time, and the operator's emergency is heard.
            let box = try harness.startReceiver(output: harness.path("box.raw"), name: "box")
            let boxLog = harness.path("box.log")
            #expect(
                try String(contentsOfFile: boxLog, encoding: .utf8).contains("key list version 2 from the controller"))
            let clip = try harness.speech("canh-bao.wav", "Cảnh báo lũ, mời bà con di dời.")
            let started = try harness.loa([
                "emergency", "start", "--zones", "all", "--clip", clip, "--key", harness.path("chu-tich.key"),
            ])
            #expect(started.status == 0, "\(started.err)")
            _ = try harness.waitFor("the box to play the emergency", timeout: 30) { () -> Bool? in
                (try? String(contentsOfFile: boxLog, encoding: .utf8))?.contains("emergency broadcast: volume") == true
                    ? true : nil
            }
            _ = try harness.waitFor("the box to play 1 s of it", timeout: 30) { () -> Bool? in
                ((try? FileManager.default.attributesOfItem(atPath: harness.path("box.raw")))?[.size] as? Int ?? 0)
                    >= 96_000
                    ? true : nil
            }
            harness.stop(box)

            // On a laptop with the stick: from the last list, no controller reachable (port 9 answers nothing).
            try (streamKey + "\n").write(toFile: harness.path("stream.pub"), atomically: true, encoding: .utf8)
            let laptop = try harness.loa(
                [
                    "keys", "sign-list", "--root", root, "--from", harness.path("new.bin"), "--stream",
                    harness.path("stream.pub"),
                    "--add", harness.path("van-thu.pub"), "--role", "plain", "--out", harness.path("v3.bin"),
                    "--controller", "http://127.0.0.1:9",
                ], controller: false)
            #expect(laptop.status == 0 && laptop.out.contains("key list version 3 (was 2)"), "\(laptop.err)")
            #expect(
                try harness.loa(["keys", "install", harness.path("v3.bin")]).out == "key list version 3 in force\n")
            harness.stop(try #require(harness.controller))
            try harness.startController()
            #expect(try keys(harness)["version"] as? Int == 3)
            #expect(try operators(harness) == ["chu-tich emergency", "van-thu plain"])
        }

        /// `result` failed with exactly `line` on stderr (one line), and `file`, if given, was not written.
        func expectRefused(_ result: (status: Int32, out: String, err: String), _ line: String, file: String? = nil) {
            #expect(result.status == 1, "\(result)")
            #expect(result.err == "loa: \(line)\n", "\(result.err)")
            if let file { #expect(!FileManager.default.fileExists(atPath: file), "\(file) was written") }
        }

        @Test func listsTheRootDidNotSignOrNotNewerAreRefused() throws {
            let harness = try Harness(groupOctet: 55)
            let root = try controllerWithRootOffline(harness)
            let first = [UInt8](try Data(contentsOf: URL(string: harness.controllerURL + "/keys/list")!))
            try Data(first).write(to: URL(fileURLWithPath: harness.path("v1.bin")))
            for name in ["chu-tich", "ke-gian"] {
                #expect(
                    try harness.loa(["keys", "new", name, "--dir", harness.directory.path], controller: false).status
                        == 0)
            }
            let chairman = ["--add", harness.path("chu-tich.pub"), "--role", "emergency"]
            let bad = harness.path("bad.bin")

            // Another key than the commune's root: refused where it is signed...
            let wrong = harness.path("ke-gian.key")
            expectRefused(
                try harness.loa(["keys", "sign-list", "--root", wrong] + chairman + ["--out", bad]),
                "the controller's key list (version 1) is not signed by the root key in '\(wrong)': give this commune's root key",
                file: bad)
            // ... and by the controller, if signed some other way.
            var forged = try KeyList(decoding: first)
            forged.version = 2
            forged.operators = [
                .init(name: "ke-gian", mayTriggerEmergencies: true, publicKey: SigningKeyPair.generate().publicKey)
            ]
            let intruder = try #require(
                KeyText.bytes(base64: try String(contentsOfFile: wrong, encoding: .utf8)).flatMap {
                    SigningKeyPair(secretKey: $0)
                })
            forged = forged.signed(by: intruder)
            try Data(forged.encoded).write(to: URL(fileURLWithPath: bad))
            expectRefused(
                try harness.loa(["keys", "install", bad]), "the key list is not signed by this commune's root key")
            #expect(try keys(harness)["version"] as? Int == 1)

            // The root's public half, a missing --role: one line each, nothing written.
            let pub = harness.path("state/keys/root.pub")
            expectRefused(
                try harness.loa(["keys", "sign-list", "--root", pub] + chairman + ["--out", bad + "2"]),
                "'\(pub)' is a public key; sign with the commune root's private key (root.key)", file: bad + "2")
            expectRefused(
                try harness.loa([
                    "keys", "sign-list", "--root", root, "--add", harness.path("chu-tich.pub"), "--out", bad + "2",
                ]),
                "give one --role emergency|plain for each --add NAME.pub (1 --add, 0 --role)", file: bad + "2")

            // The real root, newer: installed. Then a version not above it is refused where it is signed, and an
            // older list by the controller.
            #expect(
                try harness.loa(["keys", "sign-list", "--root", root] + chairman + ["--out", harness.path("v2.bin")])
                    .status == 0)
            #expect(
                try harness.loa(["keys", "install", harness.path("v2.bin")]).out == "key list version 2 in force\n")
            for version in ["2", "1"] {
                expectRefused(
                    try harness.loa([
                        "keys", "sign-list", "--root", root, "--remove", "chu-tich", "--version", version, "--out",
                        bad + "3",
                    ]),
                    "version \(version) is not above the current key list's version 2; receivers would refuse it",
                    file: bad + "3")
            }
            expectRefused(
                try harness.loa(["keys", "install", harness.path("v1.bin")]),
                "the key list is not newer than the one in force (version 2)")
            #expect(try keys(harness)["version"] as? Int == 2)
            #expect(try operators(harness) == ["chu-tich emergency"])
        }
    }
}
