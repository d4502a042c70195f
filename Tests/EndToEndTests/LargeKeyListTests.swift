import Foundation
import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

extension RealProcesses {
    /// Issue 12, point 11, with real processes: a key list of 200 operators (signed with the harness's root key by
    /// `loa keys sign-list` and installed) reaches a box started fresh, which gets trusted time from it and plays a
    /// clip (with the 1,024-byte buffer it had, the answer was dropped and the box never trusted the time); a box
    /// given a wrong trust anchor says so in its heartbeats (`GET /receivers/ID`) and the controller alerts.
    @Suite("Large key list")
    struct LargeKeyListTests {
        @Test func aFreshBoxTrustsTheTimeFromATwoHundredOperatorListAndPlays() throws {
            let harness = try Harness(groupOctet: 125)
            try harness.startController()
            var arguments = ["keys", "sign-list", "--root", harness.rootKey, "--out", harness.path("big.bin")]
            for index in 0..<200 {
                let file = harness.path("can-bo-thon-\(index).pub")
                try (KeyText.base64(SigningKeyPair.generate().publicKey) + "\n").write(
                    toFile: file, atomically: true, encoding: .utf8)
                arguments += ["--add", file, "--role", index < 5 ? "emergency" : "plain"]
            }
            let signed = try harness.loa(arguments)
            #expect(signed.status == 0, "\(signed.err)")
            let list = try KeyList(
                decoding: [UInt8](try Data(contentsOf: URL(fileURLWithPath: harness.path("big.bin")))))
            #expect(list.operators.count == 200)
            #expect(list.encoded.count > FleetMessage.maximumBytes)
            let installed = try harness.loa(["keys", "install", harness.path("big.bin")])
            #expect(installed.status == 0, "\(installed.err)")

            // A list longer than a box accepts (250 operators with 120-byte names, 38 KiB) is refused by sign-list and by
            // the controller, each with one line, and nothing is written or installed.
            let rootText = try String(contentsOfFile: harness.rootKey, encoding: .utf8)
            let root = try #require(KeyText.bytes(base64: rootText).flatMap { SigningKeyPair(secretKey: $0) })
            var long = list
            long.version = list.version + 1
            long.operators = (0..<250).map { index in
                .init(
                    name: String(repeating: "n", count: 117) + String(1000 + index).suffix(3),
                    mayTriggerEmergencies: false, publicKey: SigningKeyPair.generate().publicKey)
            }
            let longFile = harness.path("long.bin")
            try Data(long.signed(by: root).encoded).write(to: URL(fileURLWithPath: longFile))
            let resigned = try harness.loa(
                ["keys", "sign-list", "--root", harness.rootKey, "--from", longFile, "--out", harness.path("no.bin")],
                controller: false)
            #expect(resigned.status != 0)
            #expect(
                resigned.err.hasSuffix(
                    "more than the 32768 a speaker box accepts in its trust answer: remove operators (--remove) or give them shorter names\n"
                ),
                "\(resigned.err)")
            #expect(resigned.err.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: harness.path("no.bin")))
            let refused = try harness.loa(["keys", "install", longFile])
            #expect(refused.status != 0)
            #expect(refused.err.contains("more than the 32768 a speaker box accepts"), "\(refused.err)")
            #expect(
                try KeyList(decoding: [UInt8](try Data(contentsOf: URL(string: harness.controllerURL + "/keys/list")!)))
                    == list)

            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output, name: "box")  // waits for trusted time
            let log = try String(contentsOfFile: harness.path("box.log"), encoding: .utf8)
            #expect(log.contains("key list version \(list.version) from the controller"), "\(log)")
            let clip = try harness.sweep("clip.wav", seconds: 3)
            try harness.queueAndWait([clip])
            harness.stop(receiver)
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(output)
            #expect(AudioComparison.compare(source: source, played: played).correlation >= 0.9)
        }

        @Test func aBoxThatCannotTrustTheTimeShowsItAndTheControllerAlerts() throws {
            let harness = try Harness(groupOctet: 126)
            try FleetTests.startController(harness)
            let wrong = harness.path("other-commune.pub")
            try (KeyText.base64(SigningKeyPair.generate().publicKey) + "\n").write(
                toFile: wrong, atomically: true, encoding: .utf8)
            let receiver = try harness.startReceiver(
                output: harness.path("box.raw"), name: "box", waitForTrust: false, trust: wrong)
            let id = try harness.waitFor("the box to appear", timeout: 30) { () -> String? in
                try FleetTests.receivers(harness).first { $0["state"] as? String == "pending" }?["id"] as? String
            }
            #expect(try harness.loa(["receivers", "approve", id, "--name", "nha-van-hoa"]).status == 0)
            _ = try harness.waitFor("the no-trusted-time alert", timeout: 60) {
                FleetTests.alerts(harness).contains("\"kind\":\"no-trusted-time\"") ? true : nil
            }
            let detail = try #require(try harness.api("/receivers/\(id)") as? [String: Any])
            #expect((detail["receiver"] as? [String: Any])?["noTrustedTime"] as? Bool == true, "\(detail)")
            #expect((detail["heartbeat"] as? [String: Any])?["noTrustedTime"] as? Bool == true, "\(detail)")
            #expect(try harness.loa(["receivers", "show", id]).out.contains("NO TRUSTED TIME"))
            let log = try String(contentsOfFile: harness.path("box.log"), encoding: .utf8)
            #expect(log.contains("no trusted time from the controller after"), "\(log)")
            #expect(!log.contains("trusted time from the controller (±"))
            harness.stop(receiver)
        }
    }
}
