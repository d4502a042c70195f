import ArgumentParser
import Foundation
import LoaController

/// `loa-controller audit verify`: checks the audit log's hash chain in the database file, without a running
/// controller (also with the controller stopped, or on a copy of the state directory).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log in the state directory.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Checks the hash chain: 'N entries, chain intact', or the first broken row (exit 1).")

        @OptionGroup var state: AdminCommand.StateOption

        func run() throws {
            let path = state.stateDir + "/loa.sqlite"
            guard FileManager.default.fileExists(atPath: path) else {
                fail("loa-controller: no database at \(path); give the controller's --state-dir")
            }
            let verification: AuditVerification
            do { verification = try AuditLog.verify(databaseAt: path) } catch {
                fail("loa-controller: cannot read the audit log in \(path): \(error)")
            }
            guard verification.firstBrokenRow == nil else { fail("loa-controller: \(verification)") }
            print(verification)
        }
    }
}
