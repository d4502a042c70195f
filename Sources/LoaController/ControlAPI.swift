import Foundation
import Hummingbird
import HummingbirdCore
import LoaControlAPI
import LoaSchedule
import LoaSource
import LoaTrust
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP+JSON control API on the commune server (127.0.0.1 by default). `loa` is its client.
///
/// Its routes, bodies and enums are defined once, in LoaControlAPI (`Route.all`), and described in
/// `docs/api/openapi.yaml`. Errors are `ErrorBody` (`{"error": "one line for the broadcaster"}`) with a 4xx/5xx
/// status. Every request input is bounded (`Limits`): nothing a request carries can crash the controller.
public struct ControlAPI: Sendable {
    let programme: Programme
    let pacer: Pacer?
    let sessionDescriptions: [String: String]
    let uploadDirectory: URL
    let keys: KeyStore
    let desk: EmergencyDesk
    let fleet: Fleet
    let accounts: AccountStore
    /// Failed logins per account and address, for the life of the controller.
    let throttle = LoginThrottle.Shared()
    let limits: RequestLimits
    /// The controller serves HTTPS (`tls:`): the dashboard's session cookie is marked Secure.
    var secure = false
    /// The emergencies the dashboard offers (`emergency-presets:`).
    var emergencyPresets: [EmergencyPresetSetting] = []
    /// `approval: on`: broadcasters' items wait for an approver.
    var requireApproval = false
    /// The key of the dashboard's form tokens, made at start.
    let csrf = CSRFKey()

    /// The router with every route of the API, each behind the `Gate` (a session with the role it needs), and
    /// every request that may change state recorded by the `AuditTrail` (refusals by the Gate too).
    public func router() -> Router<ControlContext> {
        let router = Router(context: ControlContext.self)
        router.add(middleware: AuditTrail(log: desk.auditLog))
        router.add(middleware: Gate(accounts: accounts, clock: programme.clock))
        AccountsAPI(accounts: accounts, clock: programme.clock, desk: desk, throttle: throttle).addRoutes(to: router)
        let programmeAPI = ProgrammeAPI(
            programme: programme, pacer: pacer, sessionDescriptions: sessionDescriptions,
            uploads: UploadReceiver(directory: uploadDirectory, maximumBytes: limits.uploadBytes), desk: desk,
            requireApproval: requireApproval)
        programmeAPI.addRoutes(to: router)
        let fleetAPI = FleetAPI(fleet: fleet, localTime: programme.localTime)
        fleetAPI.addRoutes(to: router)
        Dashboard(
            programme: programme, fleet: fleet, accounts: accounts,
            login: AccountsAPI(accounts: accounts, clock: programme.clock, desk: desk, throttle: throttle),
            programmeAPI: programmeAPI, auditLog: desk.auditLog, fleetAPI: fleetAPI,
            cookie: SessionCookie(secure: secure), csrf: csrf, desk: desk,
            commune: EmergencyAuthority.commune(of: keys.rootPublicKey), presets: emergencyPresets,
            uploadBytes: limits.uploadBytes
        ).addRoutes(to: router)
        SecurityAPI(
            keys: keys, desk: desk,
            uploads: UploadReceiver(directory: uploadDirectory, maximumBytes: limits.uploadBytes)
        ).addRoutes(to: router)
        return router
    }

    /// The Hummingbird application `loa-controller` runs (and tests drive in-process).
    public func application(
        server: HTTPServerBuilder = .http1(), configuration: ApplicationConfiguration = .init(),
        services: [any Service] = [], onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        logger: Logger
    ) -> Application<RouterResponder<ControlContext>> {
        Application(
            router: router(), server: server, configuration: configuration, services: services,
            onServerRunning: onServerRunning, logger: logger)
    }
}

/// An error answered as `ErrorBody`.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(ErrorBody(error: message))
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data))
        )
    }
}

/// Reads and bounds request inputs, answering 400 with one line when one is out of bounds.
struct RequestInput {
    let request: Request

    func text(_ name: String) -> String? { request.uri.queryParameters[Substring(name)].map(String.init) }

    /// A text parameter of at most `Limits.titleCharacters`.
    func title(_ name: String, default fallback: String) throws -> String {
        guard let text = text(name) else { return fallback }
        guard Limits.titleCharacters.contains(text.count) else {
            throw APIError(.badRequest, "\(name) must be 1 to \(Limits.titleCharacters.upperBound) characters")
        }
        return text
    }

    /// A whole number within `range`.
    func integer<T: FixedWidthInteger>(_ name: String, in range: ClosedRange<T>) throws -> T? {
        guard let text = text(name) else { return nil }
        guard let value = T(text), range.contains(value) else {
            throw APIError(
                .badRequest,
                "\(name) '\(text.prefix(40))' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

/// Streams a request body to a file in the upload directory as it arrives (a chunk at a time, never whole in
/// memory), refusing it past `maximumBytes` (`limits: upload-mib:`).
struct UploadReceiver: Sendable {
    let directory: URL
    let maximumBytes: Int64

    /// Calls `body` with the path of the saved upload (nil if the request has no body) and removes it after.
    func withUpload<T>(_ request: Request, _ body: (String?) async throws -> T) async throws -> T {
        let tooLarge = APIError(
            .contentTooLarge, "the clip is larger than \(maximumBytes >> 20) MiB (the controller's limits: upload-mib:)"
        )
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > maximumBytes {
            throw tooLarge
        }
        let path = directory.appendingPathComponent("upload-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw APIError(.internalServerError, "cannot save the upload in \(directory.path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        var size: Int64 = 0
        do {
            defer { try? handle.close() }
            for try await buffer in request.body {
                size += Int64(buffer.readableBytes)
                guard size <= maximumBytes else { throw tooLarge }
                try handle.write(contentsOf: Data(buffer.readableBytesView))
            }
        }
        return try await body(size > 0 ? path : nil)
    }
}
