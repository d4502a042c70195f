import Foundation

/// The dashboard's session cookie: the same session token `POST /login` hands `loa`, kept by the browser where
/// scripts cannot read it (HttpOnly), never sent with a request another site starts (SameSite=Strict), and only
/// over HTTPS when the controller serves it (Secure).
struct SessionCookie: Sendable {
    static let name = "loa_session"
    /// True when the controller serves HTTPS (`tls:`): the cookie is marked Secure.
    let secure: Bool

    /// The `Set-Cookie` value that keeps `token` for `maxAgeSeconds`.
    func setting(_ token: String, maxAgeSeconds: Int64) -> String {
        "\(Self.name)=\(token); Path=/; Max-Age=\(maxAgeSeconds); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that removes it.
    func clearing() -> String {
        "\(Self.name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The value of the cookie `name` in a `Cookie` header (`a=1; b=2`), if present and not empty.
    static func value(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            return value.isEmpty || value.count > 256 ? nil : value
        }
        return nil
    }
}
