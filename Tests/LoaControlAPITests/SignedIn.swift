import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LoaControlAPI
import LoaController
import Logging
import NIOCore
import Testing

/// A test client that sends every request with `Authorization: Bearer token` (none for a nil token).
struct SignedIn: TestClientProtocol {
    let base: any TestClientProtocol
    let token: String?

    var port: Int? { base.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)
        async throws -> TestResponse
    {
        var headers = headers
        if let token { headers[.authorization] = "Bearer " + token }
        return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}

/// A real controller's parts in a temporary state directory, its API in-process, and its account store.
struct TestController {
    let directory: URL
    let accounts: AccountStore
    let controller: Controller

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-api-\(UUID().uuidString)")
        var logger = Logger(label: "loa-api-test")
        logger.logLevel = .error
        controller = Controller(
            stateDirectory: directory, configuration: ControllerConfiguration(), host: "127.0.0.1", port: 0,
            logger: logger)
        accounts = try AccountStore(stateDirectory: directory)
    }

    /// A session token for a new account `name` with `role` (password "password-\(name)"), started at `now`.
    func session(_ name: String, _ role: Role, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) throws
        -> String
    {
        try accounts.add(name: name, role: role, password: "password-" + name)
        let account = try #require(try accounts.verify(name: name, password: "password-" + name))
        return try accounts.startSession(for: account, now: now)
    }

    /// Runs `body` with a client (no session) against the API, then removes the state directory.
    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "loa-api-test")
        logger.logLevel = .error
        try await controller.assemble().api.application(logger: logger).test(.router, body)
    }
}
