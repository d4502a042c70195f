import Crypto
import Foundation

/// The dashboard's protection against cross-site forms: every form carries a token bound to the session (an
/// HMAC of the session token under a key made at the controller's start), and every POST is refused unless the
/// token it carries is the session's. A page from another site cannot read it (the session cookie is HttpOnly and
/// SameSite=Strict), so it cannot forge a form.
struct CSRFKey: Sendable {
    private let key: SymmetricKey

    /// A new random key (tokens made with another key, e.g. before a restart, are refused).
    init() { key = SymmetricKey(size: .bits256) }

    init(key: SymmetricKey) { self.key = key }

    /// The token the forms of `session` carry (64 hex digits).
    func token(forSession session: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(("csrf:" + session).utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// True only if `token` is the one of `session` (compared in constant time).
    func check(_ token: String?, session: String) -> Bool {
        guard let token, token.utf8.count == 64 else { return false }
        let expected = Array(self.token(forSession: session).utf8)
        return zip(expected, token.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
