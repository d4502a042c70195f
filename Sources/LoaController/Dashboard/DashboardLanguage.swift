import Foundation

/// The dashboard's language: Vietnamese first; English when the `lang` cookie says so (the language links on
/// every page set it) or, without the cookie, when the browser's Accept-Language prefers English to Vietnamese.
enum DashboardLanguage: String, Sendable, CaseIterable {
    case vi, en

    static let cookie = "loa_lang"

    /// The language for a request with this `lang` cookie and Accept-Language header.
    static func preferred(cookie: String?, acceptLanguage: String?) -> DashboardLanguage {
        if let cookie, let chosen = DashboardLanguage(rawValue: cookie) { return chosen }
        for entry in (acceptLanguage ?? "").lowercased().split(separator: ",") {
            let tag = entry.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            if tag.hasPrefix("vi") { return .vi }
            if tag.hasPrefix("en") { return .en }
        }
        return .vi
    }
}
