import Foundation

/// The language `loa` speaks: Vietnamese for a Vietnamese locale, English otherwise.
///
/// Chosen once, when the process starts, before any command's help is built: `LOA_LANG` (`vi` or `en`) if set,
/// else the locale the C library would use for messages (`LC_ALL`, else `LC_MESSAGES`, else `LANG`): Vietnamese
/// when it starts with `vi`.
public enum Language: String, Sendable, CaseIterable {
    case english = "en"
    case vietnamese = "vi"

    /// The language of this process, from its environment (see `chosen(environment:)`).
    public static let current = chosen(environment: ProcessInfo.processInfo.environment)

    /// `LOA_LANG` when it names a language; else Vietnamese when the effective message locale starts with `vi`.
    public static func chosen(environment: [String: String]) -> Language {
        if let setting = environment["LOA_LANG"]?.lowercased(), !setting.isEmpty {
            if setting.hasPrefix("vi") { return .vietnamese }
            if setting.hasPrefix("en") { return .english }
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return locale?.lowercased().hasPrefix("vi") == true ? .vietnamese : .english
    }
}
