import ArgumentParser
import Foundation

/// `loa`: the broadcaster's command line.
public struct Loa: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "loa",
        abstract: "Broadcast announcements to the commune's loudspeakers.",
        subcommands: [
            Queue.self, Cancel.self, StatusCommand.self, ScheduleCommand.self, LogCommand.self, Report.self,
            ReceiversCommand.self, ZonesCommand.self, VolumeCommand.self, MuteCommand.self, UnmuteCommand.self,
            TestToneCommand.self,
            RefreshCommand.self, KeysCommand.self, EmergencyCommandLine.self, AuditCommand.self,
        ]
    )

    public init() {}
}

/// Options every command that talks to the controller shares.
struct ControllerOptions: ParsableArguments {
    @Option(name: .long, help: "The controller's URL (default: $LOA_CONTROLLER, else http://127.0.0.1:8750).")
    var controller: String?

    func client() throws(CLIError) -> ControllerClient { try ControllerClient(option: controller) }
}

/// Prints a `CLIError` as one line on stderr and exits 1.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch let error as CLIError {
        FileHandle.standardError.write(Data("loa: \(error.description)\n".utf8))
        throw ExitCode(1)
    }
}

/// Decodes a JSON answer of the controller.
func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(CLIError) -> T {
    do { return try JSONDecoder().decode(T.self, from: data) } catch {
        throw CLIError("the controller's answer is not what this loa expects: \(error)")
    }
}
