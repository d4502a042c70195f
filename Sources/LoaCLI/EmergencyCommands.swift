import ArgumentParser
import Foundation
import LoaControlAPI
import LoaCrypto
import LoaTrust
import LoaWire

struct EmergencyCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergency", abstract: "Start or stop an emergency broadcast with a signed command.",
        subcommands: [Start.self, Stop.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Interrupt every targeted zone at once with a clip (or a stored item), signed with your key.")
        @Option(name: .long, help: "all, or zones separated by commas.") var zones: String
        @Option(name: .long, help: "The sound file to broadcast.") var clip: String?
        @Option(name: .long, help: "A stored item to broadcast instead of a file.") var item: Int64?
        @Option(name: .long, help: "Your private key file (twice, for two operators, if the commune requires it).")
        var key: [String]
        @OptionGroup var commune: CommuneOption
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                guard (clip == nil) != (item == nil) else { throw CLIError("give either --clip FILE or --item ID") }
                let data = try clip.map { try readClip($0) }
                let hash = data.map { SHA256.hash([UInt8]($0)) } ?? [UInt8](repeating: 0, count: 32)
                let command = try signed(
                    .start, commune: try await commune.id(options), zones: zones, hash: hash, item: UInt64(item ?? 0),
                    keys: key)
                let title = clip.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "item \(item ?? 0)"
                let decision = try await send(command, clip: clip, title: title, options: options)
                print("emergency started in \(zones): item \(decision.items.map(String.init).joined(separator: ", "))")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End the emergency broadcast; zones go back to the programme.")
        @Option(name: .long, help: "all, or zones separated by commas.") var zones: String = "all"
        @Option(name: .long, help: "Your private key file.") var key: [String]
        @OptionGroup var commune: CommuneOption
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let command = try signed(
                    .stop, commune: try await commune.id(options), zones: zones, hash: [UInt8](repeating: 0, count: 32),
                    item: 0, keys: key)
                let decision = try await send(command, clip: nil, title: "stop", options: options)
                print(
                    "emergency stopped in \(zones) (\(decision.items.count) item\(decision.items.count == 1 ? "" : "s"))"
                )
            }
        }
    }
}

/// The commune an emergency command is for: the root public key of `--root FILE`, else the controller's.
struct CommuneOption: ParsableArguments {
    @Option(
        name: .long,
        help: "The commune's root public key file (root.pub); default: the controller's (GET /keys/root.pub).")
    var root: String?

    /// The commune's id (`EmergencyAuthority.commune(of:)` its root public key), from `--root` or the controller.
    func id(_ options: ControllerOptions) async throws -> UInt32 {
        if let root {
            return EmergencyAuthority.commune(of: try readPublicKey(root, what: "the commune root public key"))
        }
        let text = String(decoding: try await options.client().send(.rootKey), as: UTF8.self)
        return EmergencyAuthority.commune(
            of: try publicKey(text: text, named: "the controller's root public key (GET /keys/root.pub)"))
    }
}

/// Builds a command for `commune`, valid for two minutes from now with a fresh nonce, signed by each key file.
func signed(
    _ action: EmergencyCommand.Action, commune: UInt32, zones: String, hash: [UInt8], item: UInt64, keys: [String]
) throws(CLIError) -> EmergencyCommand {
    guard !keys.isEmpty else { throw CLIError("sign with your key: --key NAME.key") }
    let now = UInt64(Date().timeIntervalSince1970 * 1000)
    var command = EmergencyCommand(
        commune: commune, action: action, issuedAt: now, expiresAt: now + 120_000, nonce: RandomBytes.make(16),
        clipSHA256: hash,
        item: item,
        zones: zones.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
    for file in keys {
        guard let pair = try? KeyFile.readSecret(file) else {
            throw CLIError("'\(file)' is not a Loa private key file (make one with 'loa keys new NAME')")
        }
        command = EmergencyAuthority.sign(command, with: pair)
    }
    return command
}

/// Sends a signed command (and its clip file, streamed) to the controller.
func send(_ command: EmergencyCommand, clip: String?, title: String, options: ControllerOptions) async throws
    -> EmergencyDecision
{
    try await options.client().emergency(command: KeyText.base64(command.encoded), clip: clip, title: title)
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The hash-chained audit log: every state change and refused command, who, from where.",
        subcommands: [AuditVerifyCommand.self])
    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            let timeZone = try await CommuneTimeZone.of(client)
            for entry in try await client.audit() {
                print(Self.line(entry, timeZone: timeZone))
            }
        }
    }
}

extension AuditCommand {
    /// One entry on one line: when, what (×count for a summary), the outcome, by whom, from where, on what, why.
    static func line(_ entry: AuditEntryView, timeZone: TimeZone) -> String {
        let what = entry.action + (entry.count > 1 ? " ×\(entry.count)" : "")
        let who = entry.operators.isEmpty ? (entry.actor.isEmpty ? "?" : entry.actor) : entry.operators
        let from = entry.source.isEmpty ? "?" : entry.source
        let target = entry.zones.isEmpty ? entry.target : "zones " + entry.zones
        return "\(localText(entry.at, timeZone: timeZone))  \(what)  \(entry.outcome.rawValue)  by \(who) from \(from)"
            + "  \(target)  — \(entry.reason)"
    }
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Checks the audit log's hash chain: 'N entries, chain intact', or the first broken row.")
    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let verification = try await options.client().verifyAudit()
            guard verification.intact else { throw CLIError(verification.summary) }
            print(verification.summary)
        }
    }
}
