import Foundation
import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

extension RealProcesses {
    /// The audit log as an attacker with the database file meets it: every state change is in a hash chain that
    /// shows a deleted or altered row; and a full disk never stops a valid emergency from airing.
    @Suite("Audit log")
    struct AuditTests {
        @Test func theChainShowsADeletedAndAnAlteredRow() throws {
            let harness = try Harness(groupOctet: 90)
            try harness.startController()
            // State changes through the API, and a refused command: each is an entry.
            let clipFile = try harness.speech("tin.wav", "Thông báo.")
            #expect(try harness.loa(["queue", clipFile]).status == 0)
            #expect(try harness.loa(["queue", clipFile]).status == 0)
            let last = try harness.loa(["queue", clipFile, "--priority", "priority"])
            #expect(try harness.loa(["cancel", last.out.trimmingCharacters(in: .whitespacesAndNewlines)]).status == 0)
            let junk = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-X", "POST", "-H", "X-Loa-Command: AAAAAAAA",
                    harness.controllerURL + "/emergency",
                ])
            #expect(junk.status == 0)
            let listed = try harness.loa(["audit"])
            #expect(
                listed.out.contains("item queued") && listed.out.contains("item cancelled")
                    && listed.out.contains("unreadable"), "\(listed.out)")
            let verified = try harness.loa(["audit", "verify"])
            #expect(verified.status == 0, "\(verified.err)")
            let entries = try #require(Int(verified.out.prefix { $0.isNumber }), "\(verified.out)")
            #expect(entries >= 5 && verified.out.contains("entries, chain intact"), "\(verified.out)")
            harness.stop(try #require(harness.controller))

            let offline = Harness.binaries.appendingPathComponent("loa-controller").path
            let intact = try harness.run(offline, ["audit", "verify", "--state-dir", harness.path("state")])
            #expect(intact.status == 0 && intact.out == "\(entries) entries, chain intact\n", "\(intact)")

            // An attacker with the file drops the triggers and deletes a row in one copy, alters one in another.
            for copy in ["deleted", "altered"] {
                #expect(try harness.run("/bin/cp", ["-a", harness.path("state"), harness.path(copy)]).status == 0)
            }
            let deleted = try harness.run(
                "/usr/bin/sqlite3",
                [harness.path("deleted/loa.sqlite"), "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2;"])
            #expect(deleted.status == 0, "\(deleted.err)")
            let altered = try harness.run(
                "/usr/bin/sqlite3",
                [
                    harness.path("altered/loa.sqlite"),
                    "DROP TRIGGER audit_no_update; UPDATE audit SET source = '10.0.0.9' WHERE id = 4;",
                ])
            #expect(altered.status == 0, "\(altered.err)")
            let afterDelete = try harness.run(offline, ["audit", "verify", "--state-dir", harness.path("deleted")])
            #expect(afterDelete.status == 1 && afterDelete.err.contains("chain broken at row 3"), "\(afterDelete)")
            let afterAlter = try harness.run(offline, ["audit", "verify", "--state-dir", harness.path("altered")])
            #expect(afterAlter.status == 1 && afterAlter.err.contains("chain broken at row 4"), "\(afterAlter)")

            // The running controller says the same through the API and `loa audit verify`.
            try harness.run("/bin/rm", ["-rf", harness.path("state")])
            #expect(try harness.run("/bin/mv", [harness.path("altered"), harness.path("state")]).status == 0)
            try harness.startController()
            let online = try harness.loa(["audit", "verify"])
            #expect(online.status == 1 && online.err.contains("chain broken at row 4"), "\(online)")
        }

        @Test func aFullDiskDoesNotStopAValidEmergency() throws {
            let harness = try Harness(groupOctet: 91)
            let state = harness.path("state")
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            let mounted = try harness.run("/bin/mount", ["-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", state])
            try #require(mounted.status == 0, "cannot mount a tmpfs (run as root): \(mounted.err)")
            defer {
                if let controller = harness.controller { harness.stop(controller) }
                _ = try? harness.run("/bin/umount", ["-l", state])
            }
            try harness.startController()
            let officer = try EmergencyCommandTests().makeOperator(harness, "chu-tich", role: "emergency")
            // A bulletin stored and queued while there is room; the emergency will air its clip.
            let clipFile = try harness.speech("canh-bao.wav", "Cảnh báo lũ.")
            let queued = try harness.loa(["queue", clipFile])
            let item = try #require(Int(queued.out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(queued)")

            // The disk fills up (a flood of refused commands would do it; a file does it at once).
            let filled = try harness.run("/bin/dd", ["if=/dev/zero", "of=\(state)/filler", "bs=1M"])
            #expect(filled.err.contains("No space left on device"), "\(filled.err)")

            let now = UInt64(Date().timeIntervalSince1970 * 1000)
            var command = EmergencyCommand(
                commune: try harness.commune(), action: .start, issuedAt: now, expiresAt: now + 60_000,
                nonce: RandomBytes.make(16),
                clipSHA256: [UInt8](repeating: 0, count: 32), item: UInt64(item), zones: ["all"])
            command = EmergencyAuthority.sign(command, with: officer.pair)
            let posted = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H",
                    "X-Loa-Command: \(KeyText.base64(command.encoded))", harness.controllerURL + "/emergency",
                ])
            #expect(posted.out.hasSuffix("\n200"), "the emergency is accepted: \(posted.out)")
            let status = try harness.loa(["status", "--json"])
            #expect(status.out.contains("\"emergency\""), "the emergency is on the air or next: \(status.out)")
            // The failure to record it is an alert.
            let alerted = try harness.waitFor("the audit-failed alert", timeout: 30) { () -> Bool? in
                let log = (try? String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)) ?? ""
                return log.contains("alert: audit-failed") ? true : nil
            }
            #expect(alerted)
            // The same command again is still a replay: its nonce was spent in memory.
            let replayed = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "-", "-X", "POST", "-H", "X-Loa-Command: \(KeyText.base64(command.encoded))",
                    harness.controllerURL + "/emergency",
                ])
            #expect(replayed.out.contains("replayed"), "\(replayed.out)")
        }
    }
}
