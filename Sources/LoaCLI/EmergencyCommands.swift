import ArgumentParser
import Foundation
import LoaControlAPI
import LoaCrypto
import LoaTrust
import LoaWire

struct EmergencyCommandLine: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "emergency", abstract: Message.emergencyAbstract.text(),
            subcommands: [Start.self, Stop.self, Presets.self])
    }

    struct Start: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.emergencyStartAbstract.text())
        }
        @Argument(help: Message.presetHelp.help) var preset: String?
        @Option(name: .long, help: Message.emergencyZonesHelp.help) var zones: String?
        @Option(name: .long, help: Message.emergencyClipHelp.help) var clip: String?
        @Option(name: .long, help: Message.emergencyItemHelp.help) var item: Int64?
        @Option(name: .long, help: Message.emergencyKeyHelp.help)
        var key: [String] = []
        @OptionGroup var commune: CommuneOption
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                // A preset fills in what is not given: its clip (unless --item), zones and keys.
                var (zones, clip, key) = (self.zones, self.clip, self.key)
                if let preset {
                    let found = try EmergencyPresets.named(preset, path: EmergencyPresets.path())
                    zones = zones ?? found.zones
                    if clip == nil && item == nil { clip = found.clip }
                    if key.isEmpty { key = found.keys }
                }
                guard let zones else { throw CLIError(.emergencyNeedsZones) }
                guard !key.isEmpty else { throw CLIError(.emergencyNeedsKey) }
                guard (clip == nil) != (item == nil) else { throw CLIError(.emergencyClipOrItem) }
                let data = try clip.map { try readClip($0) }
                let hash = data.map { SHA256.hash([UInt8]($0)) } ?? [UInt8](repeating: 0, count: 32)
                let command = try signed(
                    .start, commune: try await commune.id(options), zones: zones, hash: hash, item: UInt64(item ?? 0),
                    keys: key)
                let title = clip.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "item \(item ?? 0)"
                let decision = try await send(command, clip: clip, title: title, options: options)
                print(Message.emergencyStarted.text(zones, decision.items.map(String.init).joined(separator: ", ")))
            }
        }
    }

    struct Presets: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.presetsAbstract.text())
        }

        func run() async throws {
            try await runReportingErrors {
                let path = EmergencyPresets.path()
                let presets = try EmergencyPresets.load(path: path)
                if presets.isEmpty { throw CLIError(.presetsEmpty, path) }
                for preset in presets {
                    let keys =
                        preset.keys.isEmpty
                        ? ""
                        : " ("
                            + preset.keys.map { URL(fileURLWithPath: $0).lastPathComponent }
                            .joined(separator: ", ") + ")"
                    print(Message.presetLine.text(preset.name, preset.clip, preset.zones, keys))
                }
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.emergencyStopAbstract.text())
        }
        @Option(name: .long, help: Message.emergencyZonesHelp.help) var zones: String = "all"
        @Option(name: .long, help: Message.emergencyStopKeyHelp.help) var key: [String]
        @OptionGroup var commune: CommuneOption
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let command = try signed(
                    .stop, commune: try await commune.id(options), zones: zones, hash: [UInt8](repeating: 0, count: 32),
                    item: 0, keys: key)
                let decision = try await send(command, clip: nil, title: "stop", options: options)
                print(Message.emergencyStopped.text(zones, Message.items(decision.items.count)))
            }
        }
    }
}

/// The commune an emergency command is for: the root public key of `--root FILE`, else the controller's.
struct CommuneOption: ParsableArguments {
    @Option(name: .long, help: Message.rootHelp.help)
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
    guard !keys.isEmpty else { throw CLIError(.signWithKey) }
    let now = UInt64(Date().timeIntervalSince1970 * 1000)
    var command = EmergencyCommand(
        commune: commune, action: action, issuedAt: now, expiresAt: now + 120_000, nonce: RandomBytes.make(16),
        clipSHA256: hash,
        item: item,
        zones: zones.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
    for file in keys {
        guard let pair = try? KeyFile.readSecret(file) else {
            throw CLIError(.notPrivateKey, file)
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
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "audit", abstract: Message.auditAbstract.text(), subcommands: [AuditVerifyCommand.self])
    }
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
        let target = entry.zones.isEmpty ? entry.target : Message.auditZones.text(entry.zones)
        return Message.auditLine.text(
            localText(entry.at, timeZone: timeZone), what, entry.outcome.rawValue, who, from, target, entry.reason)
    }
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "verify", abstract: Message.auditVerifyAbstract.text())
    }
    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let verification = try await options.client().verifyAudit()
            guard verification.intact else { throw CLIError(verification.summary) }
            print(verification.summary)
        }
    }
}
