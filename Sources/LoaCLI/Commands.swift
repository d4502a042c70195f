import ArgumentParser
import Foundation
import LoaControlAPI
import LoaSystem

/// `loa`: the broadcaster's command line.
public struct Loa: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "loa",
            abstract: Message.loaAbstract.text(),
            discussion: Message.loaDiscussion.text(),
            version: LoaRelease.version,
            subcommands: [
                Queue.self, ClipsCommand.self, ApproveCommand.self, SayCommand.self, LiveCommand.self,
                RelayCommand.self, Cancel.self,
                StatusCommand.self,
                ScheduleCommand.self,
                LogCommand.self,
                Report.self,
                ReceiversCommand.self, ZonesCommand.self, AlertsCommand.self, VolumeCommand.self, MuteCommand.self,
                UnmuteCommand.self,
                TestToneCommand.self,
                RefreshCommand.self, KeysCommand.self, EmergencyCommandLine.self, AuditCommand.self, Login.self,
                Logout.self, AccountsCommand.self,
            ]
        )
    }

    public init() {}
}

/// Options every command that talks to the controller shares.
struct ControllerOptions: ParsableArguments {
    @Option(name: .long, help: Message.controllerHelp.help)
    var controller: String?

    @OptionGroup var tls: TLSOptions

    /// The controller named by `--controller`, else `LOA_CONTROLLER`, else http://127.0.0.1:8750, with the
    /// session token of `LOA_TOKEN`, else the one `loa login` saved for that controller, and the way an https
    /// controller is trusted (`TLSOptions`).
    func client() throws(CLIError) -> ControlClient {
        let environment = ProcessInfo.processInfo.environment
        let address = controller ?? environment["LOA_CONTROLLER"] ?? "http://127.0.0.1:8750"
        var client: ControlClient
        do { client = try ControlClient(address: address) } catch { throw CLIError(error) }
        client.token =
            environment["LOA_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? TokenFile.user.tokens()[client.baseURL.absoluteString]
        client.trust = try tls.trust()
        if isatty(2) == 1 { client.uploadProgress = UploadLine.show }
        return client
    }
}

extension ControlClient {
    /// Prints the controller's JSON answer to `route` as it came, on one line (`--json`).
    func printJSON(_ route: Route, path: String? = nil) async throws(ControlClientError) {
        FileHandle.standardOutput.write(try await send(route, path: path))
        print()
    }
}

/// Prints a `CLIError` (or the control client's error, in the user's language: `CLIError.init(_:)`) as one line
/// on stderr and exits 1.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch let error as CLIError {
        FileHandle.standardError.write(Data("loa: \(error.description)\n".utf8))
        throw ExitCode(1)
    } catch let error as ControlClientError {
        FileHandle.standardError.write(Data("loa: \(CLIError(error).description)\n".utf8))
        throw ExitCode(1)
    }
}

extension Loa {
    /// Runs `loa` with `arguments` (default: the process's) and exits: as `main()`, but ArgumentParser's own
    /// words (headings of `--help`, its errors) are in the user's language too (`ParserWords`).
    public static func mainInUsersLanguage(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = ParserWords.translated(fullMessage(for: error))
            if !message.isEmpty {
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
