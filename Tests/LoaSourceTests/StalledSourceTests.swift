import Foundation
import LoaSystem
import Synchronization
import Testing

@testable import LoaSource

/// Issue 16 point 6: a decoder that stops returning audio is restarted. A local HTTP server (python3, loopback)
/// sends a few seconds of an MP3 stream, then holds the connection open and sends nothing: the reader, driven as
/// `RelaySource` drives it, gives up on the stalled connection and opens the station again, and hears it again.
@Suite("A stalled station")
struct StalledSourceTests {
    @Test func aDecoderThatStopsGivingAudioIsOpenedAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-stall-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let mp3 = folder.appendingPathComponent("tone.mp3").path
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        made.standardInput = FileHandle.nullDevice
        made.arguments = [
            "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=600:duration=3", "-c:a",
            "libmp3lame", "-b:a", "64k", "-y", mp3,
        ]
        try made.run()
        made.waitUntilExit()
        #expect(made.terminationStatus == 0)
        let connections = folder.appendingPathComponent("connections").path
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [
            "-c",
            """
            import socket, sys, threading, time
            data = open(sys.argv[1], 'rb').read()
            listener = socket.socket(); listener.bind(('127.0.0.1', 0)); listener.listen(8)
            print(listener.getsockname()[1], flush=True)
            def serve(connection):
                connection.recv(4096)
                with open(sys.argv[2], 'a') as log: log.write('connected\\n')
                connection.sendall(b'HTTP/1.0 200 OK\\r\\nContent-Type: audio/mpeg\\r\\n\\r\\n' + data)
                time.sleep(120)  # the station stalls: the connection stays open, nothing more comes
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=serve, args=(connection,), daemon=True).start()
            """, mp3, connections,
        ]
        let output = Pipe()
        server.standardInput = FileHandle.nullDevice
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let port = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(port) != nil, "the server did not start: \(port)")

        let logged = Mutex<[String]>([])
        let reader = SourceReader(url: "http://127.0.0.1:\(port)/stream.mp3")
        reader.start { line in logged.withLock { $0.append(line) } }
        defer { reader.stop() }
        var frame = [Float](repeating: 0, count: 960)
        var heard = 0
        var reconnected = false
        // Driven as RelaySource drives it, a frame at a time, for at most a minute.
        for _ in 0..<3000 {
            if reconnected && heard >= 20 { break }
            if frame.withUnsafeMutableBufferPointer({ reader.take(into: $0) }) { heard += 1 }
            reader.restartIfStalled(now: MonotonicClock.now())
            let count = ((try? String(contentsOfFile: connections, encoding: .utf8)) ?? "").split(separator: "\n").count
            if count >= 2 && !reconnected {
                reconnected = true
                heard = 0
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(reconnected, "the stalled station was never opened again: \(logged.withLock { $0 })")
        #expect(heard >= 20, "no audio after opening it again")
        #expect(logged.withLock { $0 }.contains { $0.contains("127.0.0.1:\(port)") }, "the stall was not logged")
    }
}
