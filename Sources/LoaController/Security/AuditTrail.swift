import Hummingbird
import LoaControlAPI
import Synchronization

/// Records every control API request that may change state (every method but GET) in the audit log: the
/// action (from its route), the path and query as target, who (the account the `Gate` found, or "anonymous"),
/// the caller's address and the outcome (accepted, or refused with the HTTP status and the error line). It stands
/// before the `Gate`, so requests the Gate refuses (401, 403) are recorded too. A request for no route changes
/// nothing and is not recorded; `POST /emergency` is left to the emergency desk, which records the signed command
/// itself; a handler that writes its own entry for a request (`AuditLog.record`) is not recorded twice.
struct AuditTrail: RouterMiddleware {
    typealias Context = ControlContext
    let log: AuditLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method != .get, request.method != .head,
            let method = Route.Method(rawValue: request.method.rawValue),
            let route = Route.matching(method: method, path: request.uri.path), route != .emergency
        else { return try await next(request, context) }
        let action = Self.actions[route] ?? .other
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let note = AuditNote()
        func record(_ status: HTTPResponse.Status, _ reason: String) {
            guard !note.isRecorded else { return }
            let result: AuditResult =
                status.code < 400 ? .accepted : .refused(code: String(status.code), reason: String(reason.prefix(256)))
            log.record(
                actor: note.caller.map(AuditActor.account) ?? .anonymous, action: action, target: target,
                from: context.callerAddress, result: result)
        }
        do {
            let response = try await AuditNote.$current.withValue(note) { try await next(request, context) }
            record(response.status, "")
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(status, (error as? APIError)?.message ?? "\(status)")
            throw error
        }
    }

    /// The audited action of each route that changes state.
    static let actions: [Route: AuditAction] = [
        .storeClip: .clipStored, .storeSpeech: .clipStored, .nameClip: .clipNamed, .removeNamedClip: .clipUnnamed,
        .queueItem: .itemQueued, .say: .itemQueued,
        .cancelItem: .itemCancelled, .releaseItem: .itemReleased, .releaseSchedule: .scheduleReleased,
        .startLive: .liveStarted, .startRelay: .relayStarted, .stopLive: .liveStopped,
        .applySchedule: .scheduleApplied, .approvePending: .pendingApproved, .approveReceiver: .boxApproved,
        .moveReceiver: .boxMoved, .renameReceiver: .boxRenamed, .rejectReceiver: .boxRejected,
        .removeReceiver: .boxRemoved, .command: .boxCommand,
        .installKeyList: .keyListInstalled, .login: .login, .logout: .logout, .addAccount: .accountChanged,
        .removeAccount: .accountChanged, .setRole: .accountChanged, .revokeSessions: .accountChanged,
    ]
}

/// What the handling of one request tells the `AuditTrail` about it: the caller's name (the `Gate` knows the
/// account; a login, the name tried) and whether a handler wrote its own, more telling entry for it.
final class AuditNote: Sendable {
    /// The note of the request being handled (nil outside the `AuditTrail`).
    @TaskLocal static var current: AuditNote?
    private let state = Mutex<(caller: String?, recorded: Bool)>((nil, false))

    var caller: String? { state.withLock { $0.caller } }
    var isRecorded: Bool { state.withLock { $0.recorded } }

    /// Names the caller of the request being handled.
    static func caller(_ name: String) { current?.state.withLock { $0.caller = name } }

    /// Marks the request being handled as recorded.
    static func recorded() { current?.state.withLock { $0.recorded = true } }
}
