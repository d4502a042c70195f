import ArgumentParser
import Foundation
import LoaControlAPI
import LoaCrypto
import LoaTrust

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Operator keys and the commune's signed key list.",
        subcommands: [New.self, Add.self, List.self, SignList.self, Install.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an operator key pair: NAME.key (private, mode 0600: keep it to yourself) and NAME.pub.")
        @Argument(help: "The operator's name, e.g. chu-tich.") var name: String
        @Option(name: .long, help: "The folder to write the two files in.") var dir: String = "."

        func run() throws {
            let folder = URL(fileURLWithPath: dir)
            let secret = folder.appendingPathComponent("\(name).key")
            let publicFile = folder.appendingPathComponent("\(name).pub")
            guard !FileManager.default.fileExists(atPath: secret.path) else {
                FileHandle.standardError.write(
                    Data("loa: '\(secret.path)' exists already; choose another name or folder\n".utf8))
                throw ExitCode(1)
            }
            let pair = SigningKeyPair.generate()
            do {
                try KeyFile.writeSecret(pair, to: secret.path)
                try KeyFile.writePublic(pair.publicKey, to: publicFile.path)
            } catch {
                FileHandle.standardError.write(Data("loa: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
            print(
                "wrote \(secret.path) (private, keep it safe) and \(publicFile.path) (give it to the commune's key keeper)"
            )
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an operator's public key to the key list (signed by the root key on the controller).")
        @Argument(help: "The operator's NAME.pub file.") var file: String
        @Option(name: .long, help: "The operator's name (default: the file's name).") var name: String?
        @Flag(name: .long, help: "The operator may trigger emergencies.") var emergency = false
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                guard let key = try? KeyFile.readPublic(file) else {
                    throw CLIError("'\(file)' is not a Loa public key file (make one with 'loa keys new NAME')")
                }
                let operatorName = name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let list = try await options.client().addOperator(
                    name: operatorName, emergency: emergency, publicKey: KeyText.base64(key))
                print(
                    "key list version \(list.version): \(operatorName) added\(emergency ? ", may trigger emergencies" : "")"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the key list in force.")
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let list = try await options.client().keyList()
                print("key list version \(list.version); stream key \(list.streamKey)")
                for entry in list.operators {
                    print("  \(entry.name)\(entry.emergency ? " (emergency)" : "")  \(entry.key)")
                }
            }
        }
    }
}
