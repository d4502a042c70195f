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

extension FileSystem {
    /// Reads the whole file at `path` as bytes. Throws if it cannot be read or (`code` EFBIG) holds more than
    /// `limit` bytes.
    public static func readBytes(_ path: String, limit: Int) throws(SystemError) -> [UInt8] {
        let expected = path.withCString { loa_file_size($0) }
        guard expected >= 0 else { throw SystemError("read " + path) }
        guard expected <= limit else {
            throw SystemError("read " + path + " (over " + String(limit) + " bytes)", code: 27 /* EFBIG */)
        }
        var size = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: max(expected, 1)) { buffer, count in
            size = path.withCString { loa_read_file($0, buffer.baseAddress, expected) }
            count = size >= 0 ? min(size, expected) : 0
        }
        guard size >= 0 else { throw SystemError("read " + path) }
        return bytes
    }

    /// The size of the regular file at `path`, or nil if there is none (or it cannot be read).
    public static func size(_ path: String) -> Int? {
        let size = path.withCString { loa_file_size($0) }
        return size >= 0 ? size : nil
    }

    /// Appends `bytes` to the file at `path` (made with `permissions` if absent), in the page cache when it returns
    /// (not flushed: a power cut may lose or damage the last appends; check a digest, and `commit` when finished).
    public static func append(_ path: String, bytes: [UInt8], permissions: UInt32 = 0o600) throws(SystemError) {
        let result = bytes.withUnsafeBytes { raw in
            path.withCString { loa_append_file($0, raw.baseAddress, raw.count, permissions) }
        }
        guard result == 0 else { throw SystemError("append to " + path) }
    }

    /// Makes the finished file at `from` the file at `to`, flushed to the disk first: after a power cut `to` is as
    /// it was or the whole new file. On failure `from` stays where it was.
    public static func commit(_ from: String, to: String) throws(SystemError) {
        let result = from.withCString { source in to.withCString { loa_commit_file(source, $0) } }
        guard result == 0 else { throw SystemError("move " + from + " to " + to) }
    }

    /// Removes the file at `path`; a file already gone is fine.
    public static func remove(_ path: String) throws(SystemError) {
        guard path.withCString({ loa_remove_file($0) }) == 0 else { throw SystemError("remove " + path) }
    }

    /// Makes the folder at `path` (mode `permissions`) unless it exists.
    public static func makeFolder(_ path: String, permissions: UInt32 = 0o700) throws(SystemError) {
        guard path.withCString({ loa_make_folder($0, permissions) }) == 0 else { throw SystemError("make " + path) }
    }

    /// The names of the entries of the folder at `path` (at most `limit` bytes of names), in no order.
    public static func names(in path: String, limit: Int = 64 * 1024) throws(SystemError) -> [String] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 1)
        defer { buffer.deallocate() }
        let needed = path.withCString {
            loa_list_folder($0, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), limit)
        }
        guard needed >= 0 else { throw SystemError("list " + path) }
        var names: [String] = []
        var start = 0
        for index in 0..<min(needed, limit) where buffer[index] == 0 {
            names.append(String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self))
            start = index + 1
        }
        return names
    }
}

extension SystemError {
    /// The operating system's words for `code` alone: "No such file or directory".
    public var reason: String { String(cString: loa_strerror(code)) }
}
