import Foundation
import Hummingbird
import HummingbirdTesting
import LoaControlAPI
import LoaController
import LoaCrypto
import LoaTrust
import LoaWire
import Testing

/// The attack suite for the operator plane, in-process on a real controller's parts: every protected route
/// refuses a caller without a session (401) or with too small a role (403); sessions expire and are revoked;
/// logins are throttled and audited; no account can start or stop an emergency. Every request that may change
/// state is in the audit log with the account that made it, refused ones too.
@Suite struct OperatorAccessTests {
    /// A URI for `route` with every path parameter filled.
    static func uri(_ route: Route) -> String {
        route.path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.hasPrefix("{") ? "1" : String($0)
        }.joined(separator: "/")
    }

    static func method(_ route: Route) -> HTTPRequest.Method {
        switch route.method {
        case .get: return .get
        case .post: return .post
        case .delete: return .delete
        }
    }

    @Test func everyProtectedRouteRefusesCallersWithoutASessionOrTheRole() async throws {
        let controller = try TestController()
        let viewer = try controller.session("nguoi-xem", .viewer)
        let broadcaster = try controller.session("phat-thanh", .broadcaster)
        let technician = try controller.session("ky-thuat", .technician)
        try await controller.run { client in
            let protected = Route.all.filter { $0.requiredRole != nil }
            #expect(protected.count == Route.all.count - 6)
            for route in protected {
                try await client.expectError(
                    Self.method(route), Self.uri(route), .unauthorized, containing: "loa login")
                try await SignedIn(base: client, token: "not-a-token").expectError(
                    Self.method(route), Self.uri(route), .unauthorized, containing: "log in again")
                let tokens = [(Role.viewer, viewer), (.broadcaster, broadcaster), (.technician, technician)]
                for (role, token) in tokens where !role.satisfies(route.requiredRole!) {
                    try await SignedIn(base: client, token: token).expectError(
                        Self.method(route), Self.uri(route), .forbidden,
                        containing: "needs the role \(route.requiredRole!.rawValue)")
                }
            }
            // Only the open routes answer without a session.
            for route in [Route.health, .rootKey, .keyList, .signedKeyList] {
                try await client.execute(uri: Self.uri(route), method: .get) { #expect($0.status == .ok, "\(route)") }
            }
            // A viewer reads; a broadcaster's role does not reach the fleet's commands nor the key list.
            let asViewer = SignedIn(base: client, token: viewer)
            #expect(try await asViewer.json(StatusView.self, .get, "/status").zones.count == 1)
            try await SignedIn(base: client, token: broadcaster).expectError(
                .post, "/commands?action=mute&zone=all", .forbidden, containing: "technician")
        }
    }

    @Test func everyStateChangeIsAuditedWithWhoAskedAndWhatTheGateRefused() async throws {
        let controller = try TestController()
        let viewer = try controller.session("nguoi-xem", .viewer)
        let admin = try controller.session("quan-tri", .admin)
        try await controller.run { client in
            try await client.expectError(.post, "/schedule", .unauthorized, containing: "loa login")
            try await SignedIn(base: client, token: viewer).expectError(
                .post, "/commands?action=mute&zone=all", .forbidden, containing: "technician")
            let added = try await SignedIn(base: client, token: admin).json(
                AccountView.self, .post, "/accounts",
                body: try Sound.json(AccountInput(name: "moi", role: .viewer, password: "mat-khau-dai-du")),
                status: .created)
            #expect(added.name == "moi")
            // Reading changes nothing and is not an entry.
            _ = try await SignedIn(base: client, token: viewer).json(StatusView.self, .get, "/status")
            let asAdmin = SignedIn(base: client, token: admin)
            let audit = try await asAdmin.json([AuditEntryView].self, .get, "/audit")
            #expect(audit.map(\.action) == ["schedule applied", "box command", "account changed"])
            #expect(audit.map(\.actor) == ["anonymous", "nguoi-xem", "quan-tri"])
            #expect(audit.map(\.code) == ["401", "403", "accepted"])
            #expect(audit.allSatisfy { !$0.source.isEmpty })
            #expect(audit[1].target == "/commands?action=mute&zone=all")
            let verification = try await asAdmin.json(AuditVerificationView.self, .get, "/audit/verify")
            #expect(verification.intact && verification.entries == 3, "\(verification)")
        }
    }

    @Test func expiredRevokedAndLoggedOutSessionsAreRefusedWithTheirLine() async throws {
        let controller = try TestController()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let idle = try controller.session("cu", .admin, now: now - AccountStore.idleLimit - 1000)
        let revoked = try controller.session("bi-thu-hoi", .admin)
        let admin = try controller.session("quan-tri", .admin)
        try await controller.run { client in
            let asAdmin = SignedIn(base: client, token: admin)
            try await SignedIn(base: client, token: idle).expectError(
                .get, "/status", .unauthorized, containing: "expired or was revoked: log in again with 'loa login")
            #expect(
                try await SignedIn(base: client, token: revoked).json(StatusView.self, .get, "/status").zones.count == 1
            )
            try await asAdmin.execute(uri: "/accounts/bi-thu-hoi/revoke", method: .post) {
                #expect($0.status == .noContent)
            }
            try await SignedIn(base: client, token: revoked).expectError(
                .get, "/status", .unauthorized, containing: "log in again")
            // Logging out ends the session it carries.
            try await asAdmin.execute(uri: "/logout", method: .post) { #expect($0.status == .noContent) }
            try await asAdmin.expectError(.get, "/status", .unauthorized, containing: "log in again")
        }
    }

    @Test func loginsWithAWrongPasswordAreRefusedThrottledAndAudited() async throws {
        let controller = try TestController()
        let admin = try controller.session("quan-tri", .admin)
        try await controller.run { client in
            let right = try Sound.json(LoginRequest(name: "quan-tri", password: "password-quan-tri"))
            let answer = try await client.json(LoginAnswer.self, .post, "/login", body: right)
            #expect(answer.role == .admin && answer.token.count == 43)
            let wrong = try Sound.json(LoginRequest(name: "quan-tri", password: "doan-mo"))
            for _ in 0..<LoginThrottleLimits.freeFailures {
                try await client.expectError(.post, "/login", .unauthorized, body: wrong, containing: "wrong")
            }
            // Locked now: even the right password waits.
            try await client.expectError(.post, "/login", .tooManyRequests, body: right, containing: "try again in")
            let audit = try await SignedIn(base: client, token: admin).json([AuditEntryView].self, .get, "/audit")
            let refused = audit.filter { $0.action == "login" && $0.outcome == .refused }
            #expect(refused.map(\.code) == Array(repeating: "bad-password", count: 5) + ["429"])
            #expect(refused.allSatisfy { $0.actor == "quan-tri" })
        }
    }

    @Test func noAccountStartsOrStopsAnEmergency() async throws {
        let controller = try TestController()
        let admin = try controller.session("quan-tri", .admin)
        try await controller.run { base in
            let client = SignedIn(base: base, token: admin)
            let clip = try await client.json(
                ClipView.self, .post, "/clips?title=canh-bao", body: Sound.wav(seconds: 1), status: .created)
            try await client.expectError(
                .post, "/items?clip=\(clip.id)&priority=emergency", .forbidden, containing: "loa emergency start")
            let status = try await client.json(StatusView.self, .get, "/status")
            #expect(status.zones.allSatisfy { $0.playing == nil && $0.queued.isEmpty })
            var audit = try await client.json([AuditEntryView].self, .get, "/audit")
            // The state changes are in the audit log (the clip stored), and the refusal with who asked.
            #expect(audit.map(\.action) == ["clip stored", "queue emergency item"])
            #expect(audit.last?.actor == "quan-tri" && audit.last?.code == "needs-signed-command")

            // A signed command airs one; no account, not even an admin, cancels it: that takes a signed stop.
            let officer = SigningKeyPair.generate()
            _ = try await client.installList(
                adding: "chu-tich", key: officer.publicKey, emergency: true, signedBy: controller.rootKey())
            let wav = Sound.wav(seconds: 1)
            let now = UInt64(Date().timeIntervalSince1970 * 1000)
            let command = EmergencyAuthority.sign(
                EmergencyCommand(
                    commune: EmergencyAuthority.commune(of: try controller.rootKey().publicKey), action: .start,
                    issuedAt: now, expiresAt: now + 60_000, nonce: RandomBytes.make(16),
                    clipSHA256: SHA256.hash(Array(buffer: wav)), item: 0, zones: ["all"]),
                with: officer)
            let decision = try await base.executeRequest(
                uri: "/emergency?title=lu", method: .post,
                headers: [.init("X-Loa-Command")!: KeyText.base64(command.encoded)], body: wav)
            #expect(decision.status == .ok, "\(String(buffer: decision.body))")
            let started = try JSONDecoder().decode(EmergencyDecision.self, from: Data(buffer: decision.body))
            let item = try #require(started.items.first)
            try await client.expectError(.delete, "/items/\(item)", .forbidden, containing: "loa emergency stop")
            let still = try await client.json(ItemView.self, .get, "/items/\(item)")
            #expect(still.priority == .emergency && !still.states.values.contains(.cancelled))
            audit = try await client.json([AuditEntryView].self, .get, "/audit")
            #expect(audit.last?.action == "cancel emergency item" && audit.last?.target == "item \(item)")
            #expect(audit.last?.outcome == .refused && audit.last?.actor == "quan-tri")
        }
    }
}

/// The throttle's numbers as the tests see them.
enum LoginThrottleLimits {
    static let freeFailures = 5
}
