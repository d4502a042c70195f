import ArgumentParser
import Foundation
import LoaControlAPI
import LoaController

/// `loa-controller admin`: the operators' accounts, changed on the server itself. The first admin is made here;
/// there is no default account and no default password.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Add, list, remove accounts or set their passwords, on this server.",
        subcommands: [Add.self, List.self, Remove.self, Password.self])

    struct StateOption: ParsableArguments {
        @Option(name: .long, help: "The controller's state directory.")
        var stateDir: String = Serve.defaultStateDirectory

        func accounts() -> AccountStore {
            do { return try AccountStore(stateDirectory: URL(fileURLWithPath: stateDir)) } catch {
                fail("loa-controller: cannot open the accounts in \(stateDir): \(error)")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; its password is read from the terminal (or standard input).")
        @Argument(help: "The account's name.") var name: String
        @Option(name: .long, help: "viewer, broadcaster, technician or admin.") var role: String
        @OptionGroup var state: StateOption

        func run() {
            guard let role = Role(rawValue: role) else {
                fail("loa-controller: --role '\(role)' must be viewer, broadcaster, technician or admin")
            }
            let password = newPassword()
            changing { try state.accounts().add(name: name, role: role, password: password) }
            print("account '\(name)' added with the role \(role.rawValue)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts and their roles.")
        @OptionGroup var state: StateOption

        func run() {
            changing {
                for account in try state.accounts().list(now: Int64(Date().timeIntervalSince1970 * 1000)) {
                    print("\(account.name)\t\(account.role.rawValue)\t\(account.sessions) session(s)")
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account and end its sessions.")
        @Argument(help: "The account's name.") var name: String
        @OptionGroup var state: StateOption

        func run() {
            changing { try state.accounts().remove(name: name) }
            print("account '\(name)' removed")
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd", abstract: "Set an account's password and end its sessions.")
        @Argument(help: "The account's name.") var name: String
        @OptionGroup var state: StateOption

        func run() {
            let password = newPassword()
            changing { try state.accounts().setPassword(name: name, password: password) }
            print("password of '\(name)' set; its sessions ended")
        }
    }
}

/// Reads a new password (twice at a terminal).
private func newPassword() -> String {
    guard let password = PasswordPrompt.read("Password: "), !password.isEmpty else {
        fail("loa-controller: no password given (type it, or pipe it on standard input)")
    }
    if isatty(STDIN_FILENO) == 1, PasswordPrompt.read("Again: ") != password {
        fail("loa-controller: the two passwords differ; nothing changed")
    }
    return password
}

/// Runs an account change, failing with the account error's line.
private func changing(_ body: () throws -> Void) {
    do { try body() } catch let error as AccountError { fail("loa-controller: \(error.message)") } catch {
        fail("loa-controller: \(error)")
    }
}
