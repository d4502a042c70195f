import CLoaSystem

/// Whole-file reads, and writes that survive a power cut: the only way Loa's receiver touches files.
public enum FileSystem {
    /// Reads the file at `path` as UTF-8 text (invalid bytes become U+FFFD).
    ///
    /// Throws if the file cannot be read, or (`code` EFBIG) if it is larger than `limit` bytes.
    public static func readText(_ path: String, limit: Int = 64 * 1024) throws(SystemError) -> String {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 1)
        defer { buffer.deallocate() }
        let size = path.withCString { loa_read_file($0, buffer.baseAddress, limit) }
        guard size >= 0 else { throw SystemError("read " + path) }
        guard size <= limit else {
            throw SystemError("read " + path + " (over " + String(limit) + " bytes)", code: 27 /* EFBIG */)
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<Int(size)]), as: UTF8.self)
    }

    /// Replaces the file at `path` with `text`, atomically: after a power cut at any moment the file holds
    /// either its old content or `text`, never a mix or nothing. The folder must be writable (the
    /// temporary file lives beside the target). `permissions` are the new file's mode bits.
    public static func replace(_ path: String, with text: String, permissions: UInt32 = 0o644) throws(SystemError) {
        var text = text
        let result = text.withUTF8 { bytes in
            path.withCString { loa_replace_file($0, bytes.baseAddress, bytes.count, permissions) }
        }
        guard result == 0 else { throw SystemError("replace " + path) }
    }

    /// `replace(_:with:permissions:)` for bytes that are not text (a signed key list, say).
    public static func replace(_ path: String, with bytes: [UInt8], permissions: UInt32 = 0o644) throws(SystemError) {
        let result = bytes.withUnsafeBytes { raw in
            path.withCString { loa_replace_file($0, raw.baseAddress, raw.count, permissions) }
        }
        guard result == 0 else { throw SystemError("replace " + path) }
    }
}

extension SystemError {
    /// The operating system's words for `code` alone: "No such file or directory".
    public var reason: String { String(cString: loa_strerror(code)) }
}
