import AsyncHTTPClient
import Foundation
import NIOCore

/// Told how much of an uploaded file has been read for sending: (bytes so far, the file's size).
public typealias UploadProgress = @Sendable (_ sent: Int64, _ total: Int64) -> Void

/// A request body: a file streamed from disk in chunks (never read whole into memory), or a few bytes.
public struct Upload: Sendable {
    let contentType: String
    let requestBody: HTTPClientRequest.Body

    /// `data` as it is.
    public init(data: Data, contentType: String) {
        self.contentType = contentType
        requestBody = .bytes(ByteBuffer(bytes: data))
    }

    init(json: Data) { self.init(data: json, contentType: "application/json") }

    /// A text read aloud, as UTF-8.
    init(text: String) { self.init(data: Data(text.utf8), contentType: "text/plain; charset=utf-8") }

    /// The sound file at `file`, refused here, before the controller is bothered, if it is plainly not one or
    /// is larger than the controller takes (`Limits.uploadBytes`). `progress` is called after each chunk is read.
    public init(file: String, progress: UploadProgress? = nil) throws(ControlClientError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw ControlClientError("no file '\(file)'; check the path")
        }
        guard !isDirectory.boolValue else { throw ControlClientError("'\(file)' is a folder, not a sound file") }
        guard FileManager.default.isReadableFile(atPath: file),
            let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber
        else {
            throw ControlClientError("cannot read '\(file)' (permission denied?)")
        }
        guard size.int64Value > 0 else {
            throw ControlClientError("'\(file)' is empty; record or export the clip again")
        }
        guard size.int64Value <= Limits.uploadBytes else {
            throw ControlClientError(
                "'\(file)' is \(size.int64Value >> 20) MiB; the controller takes clips up to \(Limits.uploadBytes >> 20) MiB: shorten it or export it at a lower bit rate"
            )
        }
        contentType = "application/octet-stream"
        requestBody = .stream(
            FileChunks(path: file, total: size.int64Value, progress: progress), length: .known(size.int64Value))
    }
}

/// The bytes of a file, read 64 KiB at a time as they are sent.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let total: Int64
    let progress: UploadProgress?

    struct AsyncIterator: AsyncIteratorProtocol {
        var handle: FileHandle?
        let path: String
        let total: Int64
        let progress: UploadProgress?
        var sent: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: path) else {
                    throw ControlClientError("cannot read '\(path)' (permission denied?)")
                }
                handle = opened
            }
            guard let data = try handle?.read(upToCount: 1 << 16), !data.isEmpty else {
                try? handle?.close()
                return nil
            }
            sent += Int64(data.count)
            progress?(sent, total)
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: nil, path: path, total: total, progress: progress)
    }
}
