import ArgumentParser
import Foundation
import LoaControlAPI
import LoaCrypto
import LoaTrust
import LoaWire

extension KeysCommand {
    /// `loa keys sign-list`: the next key list, signed where the root key is kept (a laptop with the USB stick).
    ///
    /// Contract: reads the list to change (`--from`, else the controller's `GET /keys/list`), which must verify
    /// against the root key given; applies `--remove`, then `--add` (a name or key already listed is replaced),
    /// then `--stream`; signs it with a version above the old one (old + 1 unless `--version`), valid for
    /// `--valid-days` (180 by default) from now, and writes it to
    /// `--out` atomically. With `--from` it never contacts the controller. Any bad input: one line, exit 1, no file.
    struct SignList: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "sign-list", abstract: Message.signListAbstract.text())
        }
        @Option(name: .long, help: "The commune root private key file (root.key, from the USB stick).") var root: String
        @Option(name: .long, help: "The list to change (default: the controller's list in force, GET /keys/list).")
        var from: String?
        @Option(name: .long, help: "An operator's NAME.pub to add (or replace); each needs a --role.") var add:
            [String] = []
        @Option(name: .long, help: "emergency or plain: the role of the --add at the same place.") var role: [String] =
            []
        @Option(name: .long, help: "The name of an operator to remove.") var remove: [String] = []
        @Option(name: .long, help: "The controller's stream public key: a file, or the key in base64.") var stream:
            String?
        @Option(name: .long, help: "The new list's version (default: the old one + 1).") var version: UInt32?
        @Option(name: .long, help: "Days the new list is valid; boxes adopt no list past it (default 180, 1 to 3650).")
        var validDays: Int = Int(KeyList.defaultValidity / 86_400_000)
        @Option(name: .long, help: "Where to write the signed list.") var out: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let rootKey = try readRootKey(root)
                let old = try await baseList()
                guard old.isSigned(by: rootKey.publicKey) else {
                    throw CLIError(
                        "\(from.map { "'\($0)'" } ?? "the controller's key list") (version \(old.version)) is not signed by "
                            + "the root key in '\(root)': give this commune's root key")
                }
                let next = try edited(old).signed(by: rootKey)
                try writeAtomically(next.encoded, to: out)
                print(
                    Message.signedListWritten.text(out, next.version, old.version, keyID(rootKey.publicKey)))
                print(Message.streamKeyLine.text(keyID(next.streamKey)))
                // In the commune's time (LOA_TIMEZONE, else Asia/Ho_Chi_Minh): this may run on a laptop offline.
                let expiry = localText(Int64(next.expiresAt), timeZone: try CommuneTimeZone.offline())
                print(Message.validUntil.text(expiry))
                print(next.operators.isEmpty ? Message.noOperators.text() : Message.operatorsHeading.text())
                for entry in next.operators {
                    print(
                        "  \(entry.name)  \(entry.mayTriggerEmergencies ? "emergency" : "plain")  \(keyID(entry.publicKey))"
                    )
                }
                print(Message.installWith.text(out))
            }
        }

        /// The list to change: `--from`, else the controller's.
        func baseList() async throws -> KeyList {
            let bytes: [UInt8]
            let what: String
            if let from {
                guard let data = FileManager.default.contents(atPath: from) else {
                    throw CLIError(.cannotReadFile, from)
                }
                (bytes, what) = ([UInt8](data), "'\(from)'")
            } else {
                (bytes, what) = (
                    try await options.client().signedKeyList(), "the controller's key list"
                )
            }
            guard let list = try? KeyList(decoding: bytes) else { throw CLIError("\(what) is not a Loa key list") }
            return list
        }

        /// `old` with the changes asked for, a new version and issued-at now; unsigned (its signature empty).
        func edited(_ old: KeyList) throws(CLIError) -> KeyList {
            guard add.count == role.count else {
                throw CLIError(
                    "give one --role emergency|plain for each --add NAME.pub (\(add.count) --add, \(role.count) --role)"
                )
            }
            var next = old
            for name in remove {
                guard next.operators.contains(where: { $0.name == name }) else {
                    throw CLIError(.noOperator, name, old.version)
                }
                next.operators.removeAll { $0.name == name }
            }
            for (file, role) in zip(add, role) {
                guard role == "emergency" || role == "plain" else {
                    throw CLIError(.badKeyRole, role)
                }
                let key = try readPublicKey(file, what: "an operator's public key")
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                guard !name.isEmpty, name.utf8.count <= 255 else {
                    throw CLIError(.fileNamesNoOperator, file)
                }
                next.operators.removeAll { $0.name == name || $0.publicKey == key }
                next.operators.append(.init(name: name, mayTriggerEmergencies: role == "emergency", publicKey: key))
            }
            guard next.operators.count <= KeyList.maximumOperators else {
                throw CLIError(
                    "a key list holds at most \(KeyList.maximumOperators) operators (this one would hold \(next.operators.count)): remove some with --remove"
                )
            }
            if let stream {
                next.streamKey =
                    FileManager.default.fileExists(atPath: stream)
                    ? try readPublicKey(stream, what: "the stream public key")
                    : try publicKey(text: stream, named: "'\(stream)' (neither a file nor a key in base64)")
            }
            if let version {
                guard version > old.version else {
                    throw CLIError(
                        "version \(version) is not above the current key list's version \(old.version); receivers would refuse it"
                    )
                }
                next.version = version
            } else {
                guard old.version < UInt32.max else {
                    throw CLIError(.lastKeyListVersion, old.version)
                }
                next.version = old.version + 1
            }
            guard (1...3650).contains(validDays) else {
                throw CLIError(.badValidDays, validDays)
            }
            next.issuedAt = UInt64(Date().timeIntervalSince1970 * 1000)
            next.expiresAt = next.issuedAt + UInt64(validDays) * 86_400_000
            next.signature = []
            let size = next.signedBytes.count + 64
            guard size <= KeyList.maximumBytes else {
                throw CLIError(
                    "the key list would be \(size) bytes, more than the \(KeyList.maximumBytes) a speaker box accepts in its trust answer: "
                        + "remove operators (--remove) or give them shorter names")
            }
            return next
        }
    }

    /// `loa keys install`: puts a list signed with `loa keys sign-list` in force on the controller
    /// (`POST /keys/list`). Contract: prints "key list version N in force", or the controller's one-line reason for
    /// refusing it (exit 1; the controller's list stays as it was).
    struct Install: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.installAbstract.text())
        }
        @Argument(help: "The signed list, e.g. new.bin.") var file: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError(.cannotReadFile, file)
                }
                let list = try await options.client().installKeyList([UInt8](data))
                print(Message.keyListInForce.text(list.version))
            }
        }
    }
}
