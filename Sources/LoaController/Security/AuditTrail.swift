import Hummingbird
import LoaControlAPI

/// Records every control API request that may change state (every method but GET) in the audit log: the
/// action (from its route), the path and query as target, the caller's address and the outcome (accepted, or
/// refused with the HTTP status and the error line). `POST /emergency` is left to the emergency desk, which
/// records the signed command itself.
struct AuditTrail<Context: RequestContext>: RouterMiddleware {
    let log: AuditLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method != .get, request.method != .head, request.uri.path != Route.emergency.path else {
            return try await next(request, context)
        }
        let action = Self.action(request)
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let source = RequestSource.address(context)
        // A request for no route (404, 405) changes nothing: it is not an entry.
        func record(_ status: HTTPResponse.Status, _ reason: String) {
            guard action != .other || ![404, 405].contains(status.code) else { return }
            let result: AuditResult =
                status.code < 400 ? .accepted : .refused(code: String(status.code), reason: String(reason.prefix(256)))
            log.record(actor: .anonymous, action: action, target: target, from: source, result: result)
        }
        do {
            let response = try await next(request, context)
            record(response.status, "")
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(status, (error as? APIError)?.message ?? "\(status)")
            throw error
        }
    }

    /// The audited action a request asks for, by its route.
    static func action(_ request: Request) -> AuditAction {
        let method = request.method.rawValue
        let path = request.uri.path
        func matches(_ route: Route) -> Bool {
            guard route.method.rawValue == method else { return false }
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == parts.count
                && zip(pattern, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        let actions: [(Route, AuditAction)] = [
            (.storeClip, .clipStored), (.queueItem, .itemQueued), (.cancelItem, .itemCancelled),
            (.applySchedule, .scheduleApplied), (.approvePending, .pendingApproved), (.approveReceiver, .boxApproved),
            (.command, .boxCommand), (.addOperator, .operatorAdded), (.installKeyList, .keyListInstalled),
        ]
        return actions.first { matches($0.0) }?.1 ?? .other
    }
}

/// Where a request came from, for the audit log.
enum RequestSource {
    /// The caller's IP address, or "unknown" when the request context does not carry it.
    static func address(_ context: some RequestContext) -> String {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress else { return "unknown" }
        return address.ipAddress ?? address.description
    }
}
