import Foundation

/// Where `loa login` keeps its session tokens: `$XDG_CONFIG_HOME/loa/tokens` (else `~/.config/loa/tokens`), a JSON
/// object from controller URL to token, readable only by the user (folder 0700, file 0600).
struct TokenFile {
    let path: String

    /// The user's token file.
    static var user: TokenFile {
        let environment = ProcessInfo.processInfo.environment
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.config"
        return TokenFile(path: config + "/loa/tokens")
    }

    /// Every saved token by controller URL (empty if there is no file or it cannot be read).
    func tokens() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
            let tokens = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [:] }
        return tokens
    }

    /// Saves `token` for `controller` (nil forgets it), keeping the file 0600.
    func save(_ token: String?, for controller: String) throws(CLIError) {
        var tokens = tokens()
        tokens[controller] = token
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(tokens)
            let temporary = path + ".new"
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
            else { throw CLIError(.cannotWrite, temporary, String(cString: strerror(errno))) }
            guard rename(temporary, path) == 0 else {
                throw CLIError(.cannotSaveSession, path, String(cString: strerror(errno)))
            }
        } catch let error as CLIError { throw error } catch {
            throw CLIError(.cannotSaveSession, path, error.localizedDescription)
        }
    }
}
