import Foundation
import LoaSource

/// Encoded clips on disk: `STATE_DIR/clips/CLIP.loaclip`, written atomically (temp file, fsync, rename).
public struct ClipLibrary: Sendable {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Where clip `id` lives.
    public func url(clip id: Int64) -> URL { directory.appendingPathComponent("\(id).loaclip") }

    /// Stores an encoded clip; after a crash the file is either whole or absent.
    public func store(_ clip: EncodedClip, clip id: Int64) throws {
        try AtomicFile.write(Data(clip.serialized()), to: url(clip: id))
    }

    /// Reads clip `id` back.
    public func load(clip id: Int64) throws -> EncodedClip {
        let data = try Data(contentsOf: url(clip: id))
        return try EncodedClip(serialized: [UInt8](data))
    }
}

/// Writes a file so that a power cut leaves the old version or the new one, never a broken one.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
