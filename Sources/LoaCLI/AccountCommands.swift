import ArgumentParser
import Foundation
import LoaControlAPI

struct Login: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(abstract: Message.loginAbstract.text(), discussion: Message.loginDiscussion.text())
    }

    @Option(name: .long, help: Message.userHelp.help)
    var user: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            var client = try options.client()
            client.token = nil
            let name = user ?? ProcessInfo.processInfo.environment["USER"] ?? ""
            guard !name.isEmpty else { throw CLIError(.sayWhichAccount) }
            try await client.trustController()  // the fingerprint question, if any, before the password
            guard let password = PasswordPrompt.read(Message.passwordPrompt.text(name, client.baseURL.absoluteString))
            else { throw CLIError(.noPassword) }
            let answer = try await client.login(name: name, password: password)
            try TokenFile.user.save(answer.token, for: client.baseURL.absoluteString)
            let expiry = localText(iso: answer.expiresAt, timeZone: try await CommuneTimeZone.of(client))
            print(Message.loggedIn.text(answer.name, answer.role.rawValue, expiry))
        }
    }
}

struct Logout: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(abstract: Message.logoutAbstract.text())
    }

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if client.token != nil { try? await client.logout() }
            try TokenFile.user.save(nil, for: client.baseURL.absoluteString)
            print(Message.loggedOut.text(client.baseURL.absoluteString))
        }
    }
}

struct AccountsCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "accounts", abstract: Message.accountsAbstract.text(),
            subcommands: [Add.self, List.self, Remove.self, SetRole.self, Revoke.self], defaultSubcommand: List.self)
    }

    struct Add: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.accountAddAbstract.text())
        }
        @Argument(help: Message.accountNameHelp.help) var name: String
        @Option(name: .long, help: Message.roleHelp.help) var role: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let role = try parsedRole(role)
                guard let password = PasswordPrompt.read(Message.newAccountPrompt.text(name)) else {
                    throw CLIError(.noPassword)
                }
                let account = try await options.client().addAccount(
                    AccountInput(name: name, role: role, password: password))
                print(Message.accountAdded.text(account.name, account.role.rawValue))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.accountsListAbstract.text())
        }
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                for account in try await options.client().accounts() {
                    print(Message.accountLine.text(account.name, account.role.rawValue, account.sessions))
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.accountRemoveAbstract.text())
        }
        @Argument(help: Message.accountNameHelp.help) var name: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                try await options.client().removeAccount(name)
                print(Message.accountRemoved.text(name))
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "role", abstract: Message.accountRoleAbstract.text())
        }
        @Argument(help: Message.accountNameHelp.help) var name: String
        @Argument(help: Message.roleHelp.help) var role: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                let role = try parsedRole(role)
                try await options.client().setRole(name, role: role)
                print(Message.accountRoleSet.text(name, role.rawValue))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: Message.accountRevokeAbstract.text())
        }
        @Argument(help: Message.accountNameHelp.help) var name: String
        @OptionGroup var options: ControllerOptions

        func run() async throws {
            try await runReportingErrors {
                try await options.client().revokeSessions(name)
                print(Message.sessionsEnded.text(name))
            }
        }
    }
}

private func parsedRole(_ text: String) throws(CLIError) -> Role {
    guard let role = Role(rawValue: text) else {
        throw CLIError(.badRole, text)
    }
    return role
}
