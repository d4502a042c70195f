/// Operator accounts, their roles and sessions, as JSON; and which role each route needs.

/// What an account may do. `viewer` reads; `broadcaster` queues normal and priority items, cancels non-emergency
/// items and applies schedules; `technician` approves boxes and sends them commands (volume, mute, test tone,
/// refresh); `admin` may do everything, and alone manages accounts and the key list. No role starts or stops an
/// emergency: only a signed command does (`loa emergency`).
public enum Role: String, Codable, Sendable, CaseIterable {
    case viewer, broadcaster, technician, admin
    /// Releases what broadcasters queued when the controller requires approval (`approval: on`); may broadcast too.
    case approver

    /// True if an account with this role may call a route that needs `required`.
    public func satisfies(_ required: Role) -> Bool {
        self == .admin || required == .viewer || self == required || (self == .approver && required == .broadcaster)
    }
}

/// `POST /login`: an account's name and password.
public struct LoginRequest: Codable, Sendable, Equatable {
    public var name: String
    public var password: String

    public init(name: String, password: String) {
        self.name = name
        self.password = password
    }
}

/// A session: the bearer token (shown once; the controller keeps only its SHA-256) and until when it holds.
public struct LoginAnswer: Codable, Sendable, Equatable {
    public var token: String
    public var name: String
    public var role: Role
    /// ISO 8601: unused for 12 hours, or 30 days after login, the token expires.
    public var expiresAt: String

    public init(token: String, name: String, role: Role, expiresAt: String) {
        self.token = token
        self.name = name
        self.role = role
        self.expiresAt = expiresAt
    }
}

/// One account (`GET /accounts`), never its password.
public struct AccountView: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role
    /// Sessions that have not expired nor been revoked.
    public var sessions: Int

    public init(name: String, role: Role, sessions: Int) {
        self.name = name
        self.role = role
        self.sessions = sessions
    }
}

/// `POST /accounts`: a new account.
public struct AccountInput: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role
    public var password: String

    public init(name: String, role: Role, password: String) {
        self.name = name
        self.role = role
        self.password = password
    }
}

extension Route {
    public static let login = Route(.post, "/login")
    public static let logout = Route(.post, "/logout")
    public static let accounts = Route(.get, "/accounts")
    public static let addAccount = Route(.post, "/accounts")
    public static let removeAccount = Route(.delete, "/accounts/{name}")
    public static let setRole = Route(.post, "/accounts/{name}/role", query: [Query.role])
    public static let revokeSessions = Route(.post, "/accounts/{name}/revoke")

    /// The routes of accounts and sessions.
    static let accountRoutes: [Route] = [login, logout, accounts, addAccount, removeAccount, setRole, revokeSessions]

    /// The role a caller needs for this route; nil for the open ones: `GET /health`, the public keys, `POST /login`,
    /// and `POST /emergency`, whose signed command is its own authority (no account may stand in for it).
    public var requiredRole: Role? {
        switch self {
        case .health, .rootKey, .keyList, .signedKeyList, .login, .emergency: return nil
        case .storeClip, .checkClip, .queueItem, .cancelItem, .applySchedule, .say, .storeSpeech, .previewSpeech,
            .startLive, .stopLive, .keepLive, .startRelay, .nameClip, .removeNamedClip:
            return .broadcaster
        case .approveReceiver, .approvePending, .moveReceiver, .renameReceiver, .rejectReceiver, .removeReceiver,
            .command:
            return .technician
        case .installKeyList, .accounts, .addAccount, .removeAccount, .setRole, .revokeSessions:
            return .admin
        case .releaseItem, .releaseSchedule: return .approver
        default: return .viewer
        }
    }

    /// The route `method path` calls (path without its query), or nil if none does. A literal segment wins over a
    /// parameter (`/receivers/approve-pending` is not `/receivers/{id}`).
    public static func matching(method: Method, path: String) -> Route? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (route: Route, literals: Int)?
        for route in all where route.method == method {
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { continue }
            var literals = 0
            var matches = true
            for (part, segment) in zip(template, segments) {
                if part.hasPrefix("{") && part.hasSuffix("}") {
                    matches = !segment.isEmpty
                } else {
                    matches = part == segment
                    literals += 1
                }
                if !matches { break }
            }
            if matches, literals > (best?.literals ?? -1) { best = (route, literals) }
        }
        return best?.route
    }
}

/// Headers of sessions.
extension Header {
    /// `Authorization: Bearer TOKEN` on every request but the open ones.
    public static let authorization = "Authorization"
}
