import ArgumentParser
import Foundation
import LoaControlAPI

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in to the controller; the session is kept in ~/.config/loa/tokens for the next commands.",
        discussion: "The password is read without echo from the terminal, or from standard input in scripts.")

    @Option(name: .long, help: "The account's name (default: $USER).")
    var user: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            var client = try options.client()
            client.token = nil
            let name = user ?? ProcessInfo.processInfo.environment["USER"] ?? ""
            guard !name.isEmpty else { throw CLIError("say which account with --user NAME") }
            try await client.trustController()  // the fingerprint question, if any, before the password
            guard let password = PasswordPrompt.read("Password for \(name) at \(client.baseURL.absoluteString): ")
            else { throw CLIError("no password given (type it, or pipe it on standard input)") }
            let answer = try await client.login(name: name, password: password)
            try TokenFile.user.save(answer.token, for: client.baseURL.absoluteString)
            print("logged in as \(answer.name) (\(answer.role.rawValue)) until \(answer.expiresAt) if unused")
        }
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End this session and forget its token.")

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if client.token != nil { try? await client.logout() }
            try TokenFile.user.save(nil, for: client.baseURL.absoluteString)
            print("logged out of \(client.baseURL.absoluteString)")
        }
    }
}

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Manage the operators' accounts (admin).",
        subcommands: [Add.self, List.self, Remove.self, SetRole.self, Revoke.self], defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; its password is read without echo (or from standard input).")
        @Argument(help: "The account's name.") var name: String
        @Option(name: .long, help: "viewer, broadcaster, technician or admin.") var role: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let role = try parsedRole(role)
                guard let password = PasswordPrompt.read("Password for the new account \(name): ") else {
                    throw CLIError("no password given (type it, or pipe it on standard input)")
                }
                let account = try await options.client().addAccount(
                    AccountInput(name: name, role: role, password: password))
                print("account '\(account.name)' added with the role \(account.role.rawValue)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts, roles and live sessions.")
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                for account in try await options.client().accounts() {
                    print("\(account.name)\t\(account.role.rawValue)\t\(account.sessions) session(s)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account and end its sessions.")
        @Argument(help: "The account's name.") var name: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                try await options.client().removeAccount(name)
                print("account '\(name)' removed")
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "role", abstract: "Give an account another role (its sessions end).")
        @Argument(help: "The account's name.") var name: String
        @Argument(help: "viewer, broadcaster, technician or admin.") var role: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let role = try parsedRole(role)
                try await options.client().setRole(name, role: role)
                print("account '\(name)' is now \(role.rawValue)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End every session of an account.")
        @Argument(help: "The account's name.") var name: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                try await options.client().revokeSessions(name)
                print("every session of '\(name)' ended")
            }
        }
    }
}

private func parsedRole(_ text: String) throws(CLIError) -> Role {
    guard let role = Role(rawValue: text) else {
        throw CLIError("the role '\(text)' must be viewer, broadcaster, technician or admin")
    }
    return role
}
