import LoaSystem

/// A receiver's config file (/etc/loa/receiver.conf on a box), written by `Firmware/provision`:
///
///     # hamlet 3, pole by the school
///     zone = hamlet-3
///     group = 239.255.77.3:5004
///     interface = eth0
///     controller = 10.8.0.1:8080
///
/// One `key = value` per line, keys as in `ReceiverSettings.keys`; blank lines and lines starting with `#`
/// are ignored, as is the rest of a line from a ` #`. A value may be wrapped in double quotes. A key may
/// appear once.
public enum ReceiverConfigFile {
    /// Reads the file at `path` and applies its settings over `settings`.
    ///
    /// Throws on the first problem, naming the file and the line: a file that cannot be read, a line that
    /// is not `key = value`, an unknown key, a key given twice, a value that is not valid.
    public static func load(_ path: String, over settings: ReceiverSettings) throws(ConfigFileError)
        -> ReceiverSettings
    {
        let text: String
        do { text = try FileSystem.readText(path) } catch {
            throw ConfigFileError(file: path, line: 0, problem: "cannot read it: " + error.reason)
        }
        return try parse(text, path: path, over: settings)
    }

    /// Applies the settings in `text` (the contents of the file at `path`) over `settings`.
    public static func parse(_ text: String, path: String, over settings: ReceiverSettings) throws(ConfigFileError)
        -> ReceiverSettings
    {
        var settings = settings
        var seen: [(key: String, line: Int)] = []
        let bytes = Array(text.utf8)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            let line = content(of: bytes[start..<end])
            start = end + 1
            if line.isEmpty { continue }
            func fail(_ problem: String) -> ConfigFileError {
                ConfigFileError(file: path, line: lineNumber, problem: problem)
            }
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                throw fail("expected 'key = value', found '" + printable(line) + "'")
            }
            let key = String(decoding: trimmed(line[line.startIndex..<equals]), as: UTF8.self)
            var value = trimmed(line[(equals + 1)...])
            if value.count >= 2 && value.first == UInt8(ascii: "\"") && value.last == UInt8(ascii: "\"") {
                value = value[(value.startIndex + 1)..<(value.endIndex - 1)]
            }
            if let earlier = seen.first(where: { $0.key == key }) {
                throw fail(key + " is already set on line " + String(earlier.line))
            }
            do { try settings.set(key, to: String(decoding: value, as: UTF8.self)) } catch { throw fail(error.problem) }
            seen.append((key, lineNumber))
        }
        return settings
    }

    /// The line without its comment, carriage return and surrounding blanks.
    private static func content(of line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var line = trimmed(line)
        if line.first == UInt8(ascii: "#") { return [] }
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == UInt8(ascii: "#") && isBlank(line[index - 1]) {
                line = trimmed(line[line.startIndex..<index])
                break
            }
            index += 1
        }
        return line
    }

    /// The first 40 bytes of a line for a log message, control characters and non-ASCII bytes as '?'.
    private static func printable(_ line: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in line.prefix(40) { text += byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "?" }
        return line.count > 40 ? text + "…" : text
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = bytes
        while let first = bytes.first, isBlank(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isBlank(last) { bytes = bytes.dropLast() }
        return bytes
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}

/// A config file the receiver cannot use: which file, which line, what is wrong.
public struct ConfigFileError: Error, Sendable {
    public var file: String
    /// 1-based; 0 when the problem is the whole file (missing, unreadable).
    public var line: Int
    public var problem: String

    /// "/etc/loa/receiver.conf line 3: group 'x' is not a multicast ADDR:PORT such as 239.255.77.1:5004".
    public var message: String {
        "config file " + file + (line > 0 ? " line " + String(line) : "") + ": " + problem
    }
}
