import Foundation

/// The controller's error lines and the libraries' words in them (libsndfile's "Format not recognised.", a
/// connection that fails), as the catalogue says them: one sentence in the user's language that says what to do.
/// A line no rule knows is shown as it came.
enum ClientErrorWords {
    /// A pattern of the controller's or client's line, and the message whose arguments are its captures.
    private static let rules: [(pattern: String, message: Message)] = [
        (#"^no controller answers at (\S+) \((.*)\); start it"#, .noController),
        (#"^cannot reach the controller at (\S+) over TLS"#, .noControllerTLS),
        (#"^the controller did not answer within (\d+) s"#, .controllerStillWorking),
        (#"not an audio file Loa can read"#, .clipNotAudio),
        (#"^the audio file is empty"#, .clipEmpty),
        (#"^the audio file is truncated"#, .clipTruncated),
        (#"^unknown zone '([^']*)'; zones are: (.*)$"#, .unknownZone),
        (#"^no item (\d+); 'loa queue --list' shows the queue$"#, .unknownItem),
        (#"^item (\d+) was already cancelled; nothing to cancel$"#, .itemAlreadyCancelled),
        (#"^wrong name or password$"#, .wrongPassword),
        (#"^not logged in: "#, .notLoggedIn),
        (#"^your session has expired or was revoked"#, .sessionExpired),
        (#"^an emergency airs only by a signed command"#, .emergencyNeedsCommand),
        (#"^an emergency item stops only by a signed command"#, .emergencyStopNeedsCommand),
        (#"^(\S+) needs the role (\S+) \(or admin\); account '([^']*)' is (\S+)$"#, .needsRole),
    ]

    /// `line` in the user's language.
    static func translated(_ line: String, in language: Language = .current) -> String {
        for rule in rules {
            guard let regex = try? Regex(rule.pattern), let match = line.firstMatch(of: regex) else { continue }
            let captures = match.output.dropFirst().map { $0.substring.map(String.init) ?? "" }
            return rule.message.filled(captures.map { reason(of: $0, in: language) }, in: language)
        }
        return line
    }

    /// A connection failure's reason in `language` ("connection refused"); any other text as it is.
    private static func reason(of text: String, in language: Language) -> String {
        for message in [Message.connectionRefused, .noAnswerIn10s] where text == message.texts.english {
            return message.filled([], in: language)
        }
        return text
    }
}

/// ArgumentParser's own words in its help and its errors ("USAGE:", "Missing expected argument"), in the
/// user's language; the commands' texts are the catalogue's already.
enum ParserWords {
    private static let words: [Message] = [
        .parserUsage, .parserArguments, .parserOptions, .parserSubcommands, .parserOverview, .parserHelpFlag,
        .parserVersionFlag, .parserSeeHelp, .parserDefault, .parserError, .parserMissing, .parserUnknownOption,
        .parserInvalidValue, .parserShortUsage, .parserMoreInformation, .parserSee,
    ]

    /// `text` with ArgumentParser's English words replaced by the Vietnamese ones when `language` is Vietnamese.
    static func translated(_ text: String, in language: Language = .current) -> String {
        guard language == .vietnamese else { return text }
        return words.reduce(text) { text, message in
            text.replacingOccurrences(of: message.texts.english, with: message.texts.vietnamese)
        }
    }
}
