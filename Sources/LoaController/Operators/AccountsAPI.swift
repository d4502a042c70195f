import Foundation
import Hummingbird
import LoaControlAPI

/// The routes of accounts and sessions:
///
/// - `POST /login` — body `LoginRequest`; answers `LoginAnswer` with a new token. Failures are throttled per
///   account and per address (`LoginThrottle`) and written to the audit log.
/// - `POST /logout` — ends the session the request carries
/// - `GET /accounts`, `POST /accounts` (body `AccountInput`), `DELETE /accounts/NAME`,
///   `POST /accounts/NAME/role?role=R`, `POST /accounts/NAME/revoke` (ends its sessions) — admin only (`Gate`)
struct AccountsAPI {
    let accounts: AccountStore
    let clock: any ControllerClock
    let desk: EmergencyDesk
    let throttle: LoginThrottle.Shared

    func addRoutes(to router: Router<ControlContext>) {
        router.on(Route.login) { request, context -> LoginAnswer in
            let login: LoginRequest = try await Self.body(request)
            return try await logIn(login, from: context.callerAddress)
        }
        router.on(Route.logout) { request, _ -> Response in
            if let token = Gate.bearerToken(request) { try accounts.endSession(token: token) }
            return Response(status: .noContent)
        }
        router.on(Route.accounts) { _, _ in try accounts.list(now: clock.now()) }
        router.on(Route.addAccount) { request, _ -> EditedResponse<AccountView> in
            let input: AccountInput = try await Self.body(request)
            try changing { try accounts.add(name: input.name, role: input.role, password: input.password) }
            return EditedResponse(
                status: .created, response: AccountView(name: input.name, role: input.role, sessions: 0))
        }
        router.on(Route.removeAccount) { _, context -> Response in
            let name = try context.parameters.require("name")
            guard name != Caller.name else { throw APIError(.conflict, "you cannot remove your own account") }
            try changing { try accounts.remove(name: name) }
            return Response(status: .noContent)
        }
        router.on(Route.setRole) { request, context -> Response in
            let name = try context.parameters.require("name")
            let text = RequestInput(request: request).text(Query.role) ?? ""
            guard let role = Role(rawValue: text) else {
                throw APIError(
                    .badRequest, "role '\(text.prefix(40))' must be viewer, broadcaster, technician or admin")
            }
            try changing { try accounts.setRole(name: name, role: role) }
            return Response(status: .noContent)
        }
        router.on(Route.revokeSessions) { _, context -> Response in
            try changing { try accounts.revokeSessions(name: try context.parameters.require("name")) }
            return Response(status: .noContent)
        }
    }

    /// Checks a login against the throttle and the account's password hash; records a failure in the audit log.
    func logIn(_ login: LoginRequest, from address: String) async throws -> LoginAnswer {
        AuditNote.caller(String(login.name.prefix(64)))
        let keys = ["account:" + login.name, "address:" + address]
        let now = clock.now()
        let wait = throttle.withLock { $0.wait(keys, now: now) }
        guard wait == 0 else {
            throw APIError(
                .tooManyRequests, "too many failed logins: try again in \((wait + 999) / 1000) s")
        }
        guard let account = try accounts.verify(name: login.name, password: login.password) else {
            throttle.withLock { $0.failed(keys, now: now) }
            desk.auditLog.record(
                actor: .account(login.name), action: .login, target: "", from: address,
                result: .refused(code: "bad-password", reason: "wrong name or password"))
            throw APIError(.unauthorized, "wrong name or password")
        }
        throttle.withLock { $0.succeeded(keys[0]) }
        let token = try accounts.startSession(for: account, now: now)
        return LoginAnswer(
            token: token, name: account.name, role: account.role,
            expiresAt: isoTime(AccountStore.expiry(startedAt: now)))
    }

    /// Decodes a JSON body of at most 4 KiB.
    private static func body<T: Decodable>(_ request: Request) async throws -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 4096) } catch {
            throw APIError(.contentTooLarge, "the body is larger than 4 KiB")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(buffer: buffer)) } catch {
            throw APIError(.badRequest, "the body is not the JSON this route takes (see docs/api/openapi.yaml)")
        }
    }

    /// Runs an account change, answering an `AccountError` as 404 (unknown account) or 400/409 with its line.
    private func changing(_ body: () throws -> Void) throws {
        do { try body() } catch let error as AccountError {
            switch error {
            case .unknown: throw APIError(.notFound, error.message)
            case .exists: throw APIError(.conflict, error.message)
            default: throw APIError(.badRequest, error.message)
            }
        }
    }
}

extension LoginAnswer: ResponseEncodable {}
extension AccountView: ResponseEncodable {}
