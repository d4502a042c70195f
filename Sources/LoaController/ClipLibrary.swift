import Foundation
import LoaSource

/// Encoded clips on disk: `STATE_DIR/clips/CLIP.loaclip`, and `CLIP.VARIANT.loaclip` for each other encoding of
/// the same clip (zones with other Opus settings), written atomically (temp file, fsync, rename).
public struct ClipLibrary: Sendable {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Where clip `id` lives (`variant` nil: its first encoding).
    public func url(clip id: Int64, variant: String? = nil) -> URL {
        directory.appendingPathComponent(variant.map { "\(id).\($0).loaclip" } ?? "\(id).loaclip")
    }

    /// Stores an encoded clip; after a crash the file is either whole or absent.
    public func store(_ clip: EncodedClip, clip id: Int64, variant: String? = nil) throws {
        try AtomicFile.write(Data(clip.serialized()), to: url(clip: id, variant: variant))
    }

    /// Whether clip `id` has the encoding `variant`.
    public func has(clip id: Int64, variant: String) -> Bool {
        FileManager.default.fileExists(atPath: url(clip: id, variant: variant).path)
    }

    /// Reads clip `id` back. Throws a `ClipLoadError` saying in words what is wrong with its file.
    public func load(clip id: Int64, variant: String? = nil) throws(ClipLoadError) -> EncodedClip {
        let file = url(clip: id, variant: variant)
        let name = "clips/\(file.lastPathComponent)"
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ClipLoadError(
                "its stored clip \(name) is missing from the state directory; queue the sound file again")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ClipLoadError("its stored clip \(name) cannot be read (permission denied?)")
        }
        do { return try EncodedClip(serialized: [UInt8](data)) } catch {
            let detail =
                switch error {
                case .storage(let detail): detail
                default: error.message
                }
            throw ClipLoadError("its stored clip \(name) is damaged (\(detail)); queue the sound file again")
        }
    }
}

/// Why a stored clip cannot be played, in words for the broadcaster (it goes into the as-played log).
public struct ClipLoadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
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
