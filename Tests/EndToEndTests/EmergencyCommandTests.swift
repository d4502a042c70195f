import Foundation
import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

extension RealProcesses {
    /// The attack suite for commands: each forged, misused or replayed emergency command is refused (and
    /// audited), and a valid one pre-empts every targeted zone until a signed stop.
    @Suite("Emergency commands")
    struct EmergencyCommandTests {
        let config = """
            zones:
              - name: thon-a
                group: 239.255.78.111:6300
                interface: 127.0.0.1
                ttl: 0
              - name: thon-b
                group: 239.255.78.112:6302
                interface: 127.0.0.1
                ttl: 0
            """

        struct Operator {
            let pair: SigningKeyPair
            let file: String
        }

        func makeOperator(_ harness: Harness, _ name: String, role: String?) throws -> Operator {
            // Under the usual umask 022, which would leave a plain new file readable by everyone.
            let loa = Harness.binaries.appendingPathComponent("loa").path
            let made = try harness.run(
                "/bin/sh",
                ["-c", "umask 022 && exec \"$0\" \"$@\"", loa, "keys", "new", name, "--dir", harness.directory.path])
            #expect(made.status == 0, "\(made.err)")
            // The private half is for its owner alone: mode 0600.
            let mode =
                try FileManager.default.attributesOfItem(atPath: harness.path("\(name).key"))[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name).key has mode \(String(mode ?? 0, radix: 8))")
            if let role {
                let added = try harness.addOperator(harness.path("\(name).pub"), emergency: role == "emergency")
                #expect(added.status == 0, "\(added.err)")
            }
            let text = try String(contentsOfFile: harness.path("\(name).key"), encoding: .utf8)
            return Operator(
                pair: SigningKeyPair(secretKey: KeyText.bytes(base64: text)!)!, file: harness.path("\(name).key"))
        }

        /// A command for `harness`'s commune, signed by each of `signers`.
        func command(
            _ harness: Harness, _ action: EmergencyCommand.Action = .start, zones: [String] = ["all"], clip: [UInt8],
            by signers: [Operator],
            issued: Int64 = 0, validFor: Int64 = 120_000
        ) throws -> EmergencyCommand {
            let now = UInt64(Int64(Date().timeIntervalSince1970 * 1000) + issued)
            var command = EmergencyCommand(
                commune: try harness.commune(), action: action, issuedAt: now, expiresAt: UInt64(Int64(now) + validFor),
                nonce: RandomBytes.make(16),
                clipSHA256: SHA256.hash(clip), item: 0, zones: zones)
            for signer in signers { command = EmergencyAuthority.sign(command, with: signer.pair) }
            return command
        }

        /// POSTs a command with a clip; returns the HTTP status and body.
        func post(_ harness: Harness, _ command: [UInt8], clip: String) throws -> (Int, String) {
            let result = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H",
                    "X-Loa-Command: \(KeyText.base64(command))",
                    "--data-binary", "@\(clip)", harness.controllerURL + "/emergency?title=canh-bao",
                ])
            let lines = result.out.split(separator: "\n")
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }

        @Test func forgedMisusedAndReplayedCommandsAreRefused() throws {
            let harness = try Harness(groupOctet: 11)
            try config.write(toFile: harness.path("zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("zones.yaml"))
            // The key ceremony made the root key (0600) off the controller; the controller holds only root.pub.
            #expect(
                try FileManager.default.attributesOfItem(atPath: harness.rootKey)[.posixPermissions] as? Int == 0o600)
            #expect(!FileManager.default.fileExists(atPath: harness.path("state/keys/root.key")))
            let officer = try makeOperator(harness, "chu-tich", role: "emergency")
            let clerk = try makeOperator(harness, "van-thu", role: "plain")
            let stranger = try makeOperator(harness, "la", role: nil)
            let clipFile = try harness.speech("canh-bao.wav", "Cảnh báo lũ.")
            let clip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clipFile)))
            let otherFile = try harness.speech("khac.wav", "Một thông báo khác.")

            var forged = try command(harness, clip: clip, by: [officer])
            forged.signatures[0].signature = RandomBytes.make(64)
            var bitFlipped = try command(harness, clip: clip, by: [officer])
            bitFlipped.signatures[0].signature[7] ^= 0x01
            var zonesAltered = try command(harness, zones: ["thon-a"], clip: clip, by: [officer])
            zonesAltered.zones = ["thon-a", "thon-b"]
            let cases: [(String, [UInt8], String, String)] = [
                ("forged", forged.encoded, clipFile, "does not verify"),
                ("one bit flipped", bitFlipped.encoded, clipFile, "does not verify"),
                ("unknown key", try command(harness, clip: clip, by: [stranger]).encoded, clipFile, "unknown key"),
                (
                    "no emergency role", try command(harness, clip: clip, by: [clerk]).encoded, clipFile,
                    "may not trigger emergencies"
                ),
                (
                    "expired", try command(harness, clip: clip, by: [officer], issued: -200_000).encoded, clipFile,
                    "expired"
                ),
                (
                    "not yet valid", try command(harness, clip: clip, by: [officer], issued: 60_000).encoded, clipFile,
                    "not yet valid"
                ),
                (
                    "too long", try command(harness, clip: clip, by: [officer], validFor: 600_000).encoded, clipFile,
                    "more than 2 minutes"
                ),
                ("zones altered", zonesAltered.encoded, clipFile, "does not verify"),
                (
                    "clip swapped", try command(harness, clip: clip, by: [officer]).encoded, otherFile,
                    "not the one that was signed"
                ),
                ("garbage", RandomBytes.make(200), clipFile, "malformed"),
            ]
            for (name, bytes, file, reason) in cases {
                let (status, body) = try post(harness, bytes, clip: file)
                #expect(status == 403 || status == 400, "\(name): HTTP \(status)")
                #expect(body.contains(reason), "\(name): \(body)")
            }
            // Nothing aired or queued.
            let state = try harness.loa(["status", "--json"])
            #expect(!state.out.contains("\"playing\"") && !state.out.contains("\"id\""))

            // A valid command is accepted once; the same bytes again are a replay, also after a restart.
            let valid = try command(harness, clip: clip, by: [officer]).encoded
            #expect(try post(harness, valid, clip: clipFile).0 == 200)
            let (again, againBody) = try post(harness, valid, clip: clipFile)
            #expect(again == 403 && againBody.contains("replayed"))
            harness.stop(try #require(harness.controller))
            try harness.startController(config: harness.path("zones.yaml"))
            let (afterRestart, restartBody) = try post(harness, valid, clip: clipFile)
            #expect(afterRestart == 403 && restartBody.contains("replayed"))

            // Every attempt is in the audit log, refused ones with their reason.
            // (The keys added above are entries too; the desk's are those of emergency commands.)
            let audit = try harness.loa(["audit"])
            #expect(audit.out.split(separator: "\n").filter(Self.isDeskLine).count == cases.count + 3)
            #expect(
                audit.out.split(separator: "\n").filter(Self.isDeskLine).filter { $0.contains(" accepted ") }.count == 1
            )
            let entries = try deskEntries(harness)
            let refused = entries.filter { $0["outcome"] as? String == "refused" }
            try #require(entries.count == cases.count + 3 && refused.count == cases.count + 2)
            for (index, (name, _, _, reason)) in cases.enumerated() {
                #expect((refused[index]["reason"] as? String)?.contains(reason) == true, "\(name): \(refused[index])")
            }
            for entry in refused.suffix(2) {
                #expect(entry["reason"] as? String == "replayed: this command's nonce was used before", "\(entry)")
                #expect(entry["code"] as? String == "replayed", "\(entry)")
            }
            // Each refusal carries its code, an accepted command "accepted".
            #expect(
                refused.allSatisfy { !(($0["code"] as? String) ?? "").isEmpty && $0["code"] as? String != "accepted" })
            #expect(entries.filter { $0["code"] as? String == "accepted" }.count == 1)
            #expect(
                audit.out.contains("emergency start  refused  by ")
                    && audit.out.contains("— replayed: this command's nonce"))
            try expectAuditCannotBeChanged(harness)
        }

        /// The audit log's entries of emergency commands (the emergency desk's), oldest first.
        func deskEntries(_ harness: Harness) throws -> [[String: Any]] {
            try #require(try harness.api("/audit") as? [[String: Any]]).filter {
                ["emergency start", "emergency stop", "unreadable"].contains($0["action"] as? String ?? "")
            }
        }

        static func isDeskLine(_ line: Substring) -> Bool {
            line.contains("  emergency st") || line.contains("  unreadable")
        }

        /// The audit log cannot be changed: the API has no route to edit or delete it (404/405), and SQLite's
        /// triggers refuse an UPDATE or DELETE on the real database file. Afterwards it reads exactly as before.
        func expectAuditCannotBeChanged(_ harness: Harness) throws {
            let before = try canonicalJSON(harness, "/audit")
            for method in ["PUT", "PATCH", "DELETE", "POST"] {
                for route in ["/audit", "/audit/1"] {
                    let answer = try harness.run(
                        "/usr/bin/curl",
                        [
                            "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "-H",
                            "Content-Type: application/json",
                            "--data", #"{"outcome":"accepted","reason":"edited"}"#, harness.controllerURL + route,
                        ])
                    #expect(answer.out == "404" || answer.out == "405", "\(method) \(route): HTTP \(answer.out)")
                }
            }
            let database = harness.path("state/loa.sqlite")
            for statement in ["UPDATE audit SET outcome = 'accepted', reason = 'edited'", "DELETE FROM audit"] {
                let result = try harness.run("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", database, statement])
                #expect(
                    result.status != 0 && result.err.contains("the audit log is append-only"),
                    "\(statement): \(result.err)")
            }
            let count = try harness.run(
                "/usr/bin/sqlite3", ["-cmd", ".timeout 5000", database, "SELECT count(*) FROM audit"])
            #expect(Int(count.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 0)
            #expect(try canonicalJSON(harness, "/audit") == before)
        }

        @Test func aSignedEmergencyInterruptsEveryTargetedZoneAndStopReturnsToTheProgramme() throws {
            let harness = try Harness(groupOctet: 12)
            try config.write(toFile: harness.path("zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("zones.yaml"))
            let officer = try makeOperator(harness, "chu-tich", role: "emergency")
            // A speaker box in thon-a, turned down to 20 %: an emergency must be heard at full volume.
            let receiver = try harness.startReceiver(output: harness.path("thon-a.raw"), group: "239.255.78.111:6300")
            try "20".write(toFile: harness.path("receiver/state/volume"), atomically: true, encoding: .utf8)
            harness.stop(receiver)
            let box = try harness.startReceiver(output: harness.path("thon-a.raw"), group: "239.255.78.111:6300")
            let bulletin = try harness.sweep("ban-tin.wav", seconds: 30)
            let queued = try harness.loa(["queue", bulletin, "--zones", "thon-a,thon-b"])
            let bulletinId = Int(queued.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            func playing() throws -> [Int] {
                let status = try harness.api("/status") as? [String: Any]
                return ((status?["zones"] as? [[String: Any]]) ?? []).map {
                    (($0["playing"] as? [String: Any])?["id"] as? Int) ?? 0
                }
            }
            _ = try harness.waitFor("the bulletin to play", timeout: 30) {
                try playing() == [bulletinId, bulletinId] ? true : nil
            }
            let warning = try harness.speech("lu.wav", "Cảnh báo: lũ đang về. Bà con di chuyển lên vùng cao ngay.")
            let started = try harness.loa([
                "emergency", "start", "--zones", "all", "--clip", warning, "--key", officer.file,
            ])
            #expect(started.status == 0, "\(started.err)")
            let now = try playing()
            #expect(now.count == 2 && now.allSatisfy { $0 != bulletinId && $0 != 0 })
            let boxLog = harness.path("receiver.log")
            _ = try harness.waitFor("the box to go to the emergency volume", timeout: 30) { () -> Bool? in
                (try? String(contentsOfFile: boxLog, encoding: .utf8))?.contains(
                    "emergency broadcast: volume 100%, unmuted") == true ? true : nil
            }
            let stopped = try harness.loa(["emergency", "stop", "--zones", "all", "--key", officer.file])
            #expect(stopped.status == 0, "\(stopped.err)")
            _ = try harness.waitFor("the bulletin to resume", timeout: 30) {
                try playing() == [bulletinId, bulletinId] ? true : nil
            }
            _ = try harness.waitFor("the box's own volume to come back", timeout: 30) { () -> Bool? in
                (try? String(contentsOfFile: boxLog, encoding: .utf8))?.contains("emergency over: volume back to 20%")
                    == true ? true : nil
            }
            harness.stop(box)
            let log = try harness.api("/log?since=0") as? [[String: Any]] ?? []
            for zone in ["thon-a", "thon-b"] {
                let rows = log.filter { $0["itemId"] as? Int == bulletinId && $0["zone"] as? String == zone }
                #expect(rows.first?["outcome"] as? String == "interrupted")
                #expect((rows.first?["reason"] as? String)?.contains("pre-empted by emergency") == true)
                #expect((rows.last?["fromFrame"] as? Int ?? 0) > 0)  // resumed where it was cut
            }
        }

        @Test func aCommuneCanRequireTwoOperatorsForAnEmergency() throws {
            let harness = try Harness(groupOctet: 16)
            try (config + "\nemergency-signatures: 2\n").write(
                toFile: harness.path("zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("zones.yaml"))
            let chairman = try makeOperator(harness, "chu-tich", role: "emergency")
            let deputy = try makeOperator(harness, "pho-chu-tich", role: "emergency")
            let clipFile = try harness.speech("canh-bao.wav", "Cảnh báo cháy rừng.")
            let clip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clipFile)))
            let alone = try post(harness, try command(harness, clip: clip, by: [chairman]).encoded, clip: clipFile)
            #expect(alone.0 == 403 && alone.1.contains("needs the signatures of 2 different operators, has 1"))
            let twice = try post(
                harness, try command(harness, clip: clip, by: [chairman, chairman]).encoded, clip: clipFile)
            #expect(twice.0 == 403 && twice.1.contains("has 1"))
            let both = try harness.loa(
                [
                    "emergency", "start", "--zones", "thon-a", "--clip", clipFile, "--key", chairman.file, "--key",
                    deputy.file,
                ])
            #expect(both.status == 0, "\(both.err)")
        }
    }
}
