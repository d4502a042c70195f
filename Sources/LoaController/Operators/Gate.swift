import Foundation
import Hummingbird
import LoaControlAPI
import NIOCore

/// The request context of the control API: Hummingbird's, with the caller's address (for the login throttle and
/// the audit log).
public struct ControlContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The caller's IP address as text ("unknown" when there is none, as in-process).
    var callerAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// Who is calling: the account whose session the request carries, for the handlers of protected routes.
enum Caller {
    @TaskLocal static var account: Account?

    /// The account's name, or "anonymous".
    static var name: String { account?.name ?? "anonymous" }
}

/// Lets a request through to a route only with a live session (`Authorization: Bearer TOKEN`) of an account whose
/// role may call it (`Route.requiredRole`); open routes and unknown paths pass untouched. Refuses with 401 and a
/// line saying how to log in, or 403 and a line naming the role needed, before the handler reads any body.
struct Gate: RouterMiddleware {
    typealias Context = ControlContext
    let accounts: AccountStore
    let clock: any ControllerClock

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let method = Route.Method(rawValue: request.method.rawValue),
            let route = Route.matching(method: method, path: request.uri.path), let required = route.requiredRole
        else { return try await next(request, context) }
        guard let token = Self.bearerToken(request) else {
            throw APIError(
                .unauthorized, "not logged in: log in with 'loa login --controller URL' (or set LOA_TOKEN)")
        }
        let found: Account?
        do { found = try accounts.account(forToken: token, now: clock.now()) } catch {
            throw APIError(.internalServerError, "cannot read the accounts: \(error)")
        }
        guard let account = found else {
            throw APIError(
                .unauthorized, "your session has expired or was revoked: log in again with 'loa login --controller URL'"
            )
        }
        AuditNote.caller(account.name)
        guard account.role.satisfies(required) else {
            throw APIError(
                .forbidden,
                "\(route) needs the role \(required.rawValue) (or admin); account '\(account.name)' is \(account.role.rawValue)"
            )
        }
        return try await Caller.$account.withValue(account) { try await next(request, context) }
    }

    /// The token of `Authorization: Bearer TOKEN`, if the request has one.
    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty || token.count > 256 ? nil : token
    }
}
