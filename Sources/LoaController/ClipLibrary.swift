import Foundation
import LoaSource
import LoaSystem

/// Encoded clips on disk: `STATE_DIR/clips/CLIP.loaclip`, and `CLIP.VARIANT.loaclip` for each other encoding of
/// the same clip (zones with other Opus settings), written atomically (`FileSystem.replace`).
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
        try FileSystem.replace(url(clip: id, variant: variant).path, with: clip.serialized())
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
