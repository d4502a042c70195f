import Foundation
import LoaCrypto
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

extension RealProcesses.EmergencyCommandTests {
    /// Two communes (two controllers, two key ceremonies) both list one official's key: a command he signs for
    /// commune A airs in A and is refused in B as `other-commune`, audited there, with nothing aired; the CLI
    /// signs for the commune of the controller it talks to, or of `--root FILE`.
    @Test func aCommandForOneCommuneIsRefusedByAnotherThatListsTheSameOperator() throws {
        let communeA = try Harness(groupOctet: 131)
        let communeB = try Harness(groupOctet: 132)
        try communeA.startController()
        try communeB.startController()
        let idA = EmergencyAuthority.communeText(try communeA.commune())
        let idB = EmergencyAuthority.communeText(try communeB.commune())
        #expect(idA != idB)
        let official = try makeOperator(communeA, "chu-tich", role: "emergency")
        let listedInB = try communeB.addOperator(communeA.path("chu-tich.pub"), emergency: true)
        try #require(listedInB.status == 0, "\(listedInB.err)")
        let clipFile = try communeA.sweep("canh-bao.wav", seconds: 20)
        let clip = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clipFile)))

        // The command signed for A, replayed into B first (so that B cannot be refusing a spent nonce).
        let forA = try command(communeA, clip: clip, by: [official]).encoded
        let (inB, inBBody) = try post(communeB, forA, clip: clipFile)
        #expect(inB == 403, "\(inBBody)")
        #expect(
            inBBody.contains("signed for commune \(idA), but this controller serves commune \(idB)"), "\(inBBody)")
        let (inA, inABody) = try post(communeA, forA, clip: clipFile)
        #expect(inA == 200, "\(inABody)")
        _ = try communeA.waitFor("commune A to air its emergency", timeout: 30) {
            try playingEmergency(communeA) ? true : nil
        }

        // The CLI signing for A (`--root` A's root.pub) but talking to B: one line, exit 1.
        let cli = try communeB.loa([
            "emergency", "start", "--zones", "all", "--clip", clipFile, "--key", official.file, "--root",
            communeA.path("ceremony/root.pub"),
        ])
        #expect(cli.status == 1, "\(cli)")
        #expect(cli.err.hasPrefix("loa: ") && cli.err.contains("signed for commune \(idA)"), "\(cli.err)")
        #expect(cli.err.split(separator: "\n").count == 1, "\(cli.err)")

        // Nothing aired or queued in B; both refusals are in B's audit log with their own code.
        let stateB = try communeB.loa(["status", "--json"])
        #expect(!stateB.out.contains("\"playing\"") && !stateB.out.contains("\"id\""), "\(stateB.out)")
        let refusedInB = try deskEntries(communeB)
        #expect(refusedInB.count == 2, "\(refusedInB)")
        #expect(
            refusedInB.allSatisfy { $0["outcome"] as? String == "refused" && $0["code"] as? String == "other-commune" },
            "\(refusedInB)")
        let auditB = try communeB.loa(["audit"])
        #expect(
            auditB.out.contains("emergency start  refused  by ") && auditB.out.contains("— signed for commune \(idA)"))

        // Without --root the CLI asks the controller for its commune: a stop for B is B's, and A's stop ends A's.
        let stopB = try communeB.loa(["emergency", "stop", "--zones", "all", "--key", official.file])
        #expect(stopB.status == 0 && stopB.out.contains("(0 items)"), "\(stopB)")
        let stopA = try communeA.loa(["emergency", "stop", "--zones", "all", "--key", official.file])
        #expect(stopA.status == 0 && stopA.out.contains("(1 item)"), "\(stopA)")
        #expect(try deskEntries(communeA).map { $0["code"] as? String } == ["accepted", "accepted"])
    }

    /// True while an emergency item plays in the zone `all`.
    func playingEmergency(_ harness: Harness) throws -> Bool {
        let status = try harness.api("/status") as? [String: Any]
        let zones = (status?["zones"] as? [[String: Any]]) ?? []
        return zones.contains { ($0["playing"] as? [String: Any])?["priority"] as? String == "emergency" }
    }
}
