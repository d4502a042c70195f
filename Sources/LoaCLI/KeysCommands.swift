import ArgumentParser
import Foundation
import LoaControlAPI
import LoaCrypto
import LoaTrust

struct KeysCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "keys", abstract: Message.keysAbstract.text(),
            subcommands: [New.self, InitRoot.self, List.self, SignList.self, Install.self])
    }

    struct New: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.keysNewAbstract.text())
        }
        @Argument(help: Message.operatorNameHelp.help) var name: String
        @Option(name: .long, help: Message.keysDirHelp.help) var dir: String = "."

        func run() throws {
            let folder = URL(fileURLWithPath: dir)
            let secret = folder.appendingPathComponent("\(name).key")
            let publicFile = folder.appendingPathComponent("\(name).pub")
            guard !FileManager.default.fileExists(atPath: secret.path) else {
                FileHandle.standardError.write(
                    Data("loa: \(Message.keyExists.text(secret.path))\n".utf8))
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
            print(Message.keysWritten.text(secret.path, publicFile.path))
        }
    }

    /// `loa keys init-root`: the key ceremony, where the root key is to be kept (a laptop with the chairman's
    /// USB stick), never on the controller. Contract: see `RootCeremony`; the folder is made (0700) if absent;
    /// prints the root fingerprint and what to do with each file. Bad input: one line, exit 1.
    struct InitRoot: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "init-root", abstract: Message.initRootAbstract.text())
        }
        @Option(name: .long, help: "The folder to write root.key, root.pub, stream.key and keylist.bin in.") var out:
            String
        @Option(
            name: .long,
            help: "The controller's stream public key (a file, or base64), if it keeps its own; else one is made here.")
        var stream: String?

        func run() throws {
            do { try makeRoot() } catch {
                FileHandle.standardError.write(Data("loa: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
        }

        func makeRoot() throws(CLIError) {
            let streamKey = try stream.map { stream throws(CLIError) in
                FileManager.default.fileExists(atPath: stream)
                    ? try readPublicKey(stream, what: "the stream public key")
                    : try publicKey(text: stream, named: "'\(stream)' (neither a file nor a key in base64)")
            }
            do {
                try FileManager.default.createDirectory(
                    atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch { throw CLIError(.cannotMakeFolder, out, error.localizedDescription) }
            let made: RootCeremony.Outcome
            do {
                made = try RootCeremony.run(
                    into: out, streamKey: streamKey, now: UInt64(Date().timeIntervalSince1970 * 1000))
            } catch { throw CLIError(error.description) }
            print(Message.rootFingerprint.text(RootCeremony.fingerprint(made.rootPublicKey)))
            print(Message.rootKeyWritten.text(out))
            print(Message.rootFilesWritten.text(out, streamKey == nil ? Message.andStreamKey.text() : ""))
        }
    }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.keysListAbstract.text())
        }
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let list = try await options.client().keyList()
                print(Message.keyListVersion.text(list.version, list.streamKey))
                for entry in list.operators {
                    print("  \(entry.name)\(entry.emergency ? Message.emergencyMark.text() : "")  \(entry.key)")
                }
            }
        }
    }
}
