import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LoaControlAPI
import LoaController
import LoaCrypto
import LoaTrust
import LoaWire
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

/// A real controller's parts in a temporary state directory, started from a key ceremony (`RootCeremony`) run
/// beside it, as on the chairman's USB stick; its API in-process, and its account store.
struct TestController {
    let directory: URL
    let accounts: AccountStore
    let controller: Controller
    /// The ceremony's folder: `root.key` stays there, never in the state directory.
    var ceremony: URL { directory.appendingPathComponent("ceremony") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-api-\(UUID().uuidString)")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("ceremony"), withIntermediateDirectories: true)
        _ = try RootCeremony.run(
            into: directory.appendingPathComponent("ceremony").path, streamKey: nil,
            now: UInt64(Date().timeIntervalSince1970 * 1000))
        var logger = Logger(label: "loa-api-test")
        logger.logLevel = .error
        controller = Controller(
            stateDirectory: state, configuration: ControllerConfiguration(), host: "127.0.0.1", port: 0,
            logger: logger, keyCeremony: directory.appendingPathComponent("ceremony"))
        accounts = try AccountStore(stateDirectory: state)
    }

    /// The commune root private key the ceremony made.
    func rootKey() throws -> SigningKeyPair {
        try KeyFile.readSecret(ceremony.appendingPathComponent("root.key").path)
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

extension TestClientProtocol {
    /// Adds an operator the only way there is: the served list (`GET /keys/list`), one version up with `name`
    /// added, signed by the offline `root`, installed with `POST /keys/list`. Returns the installed list.
    func installList(adding name: String, key: [UInt8], emergency: Bool, signedBy root: SigningKeyPair)
        async throws -> KeyListView
    {
        let served = try await execute(uri: "/keys/list", method: .get) { Array(buffer: $0.body) }
        var next = try KeyList(decoding: served)
        next.version += 1
        next.operators.append(.init(name: name, mayTriggerEmergencies: emergency, publicKey: key))
        return try await execute(
            uri: "/keys/list", method: .post, body: ByteBuffer(bytes: next.signed(by: root).encoded)
        ) { response in
            #expect(response.status == .ok, "POST /keys/list: \(String(buffer: response.body))")
            return try JSONDecoder().decode(KeyListView.self, from: Data(buffer: response.body))
        }
    }
}
