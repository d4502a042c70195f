import Foundation
import LoaTestSupport
import Testing

/// The broadcaster's CLI links no audio library: no ALSA (it plays nothing), no Opus and no resampler (it
/// encodes nothing; the controller does), no libsndfile (the controller reads a schedule's clips to check them).
@Suite("Libraries the CLI links")
struct LinkedLibrariesTests {
    /// What `program` prints for `arguments` on stdout; its exit status must be 0.
    func output(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(program) \(arguments) failed")
        return String(decoding: data, as: UTF8.self)
    }

    /// The shared libraries `ldd` lists for `path`, by file name ("libasound.so.2").
    func loaded(_ path: String) throws -> [String] {
        try output("/usr/bin/ldd", [path]).split(separator: "\n").compactMap {
            $0.split(separator: " ").first.map { String($0.trimmingCharacters(in: .whitespaces)) }
        }
    }

    /// The libraries `path` itself asks for (its ELF NEEDED entries), by file name.
    func needed(_ path: String) throws -> [String] {
        try output("/usr/bin/readelf", ["-d", path]).split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]")
            else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    @Test func theCLILinksNoAudioLibrary() throws {
        let loa = Harness.binaries.appendingPathComponent("loa").path
        let all = try loaded(loa)
        #expect(all.contains { $0.hasPrefix("libc.so") }, "ldd listed nothing sensible: \(all)")
        #expect(!all.contains { $0.hasPrefix("libasound") }, "loa loads ALSA: \(all)")
        #expect(!all.contains { $0.hasPrefix("libsoxr") }, "loa loads the resampler: \(all)")
        #expect(!all.contains { $0.hasPrefix("libopus") }, "loa loads Opus: \(all)")
        #expect(!all.contains { $0.hasPrefix("libsndfile") }, "loa reads sound files itself: \(all)")
    }

    @Test func theReceiverAndControllerStillLinkWhatTheyPlayAndEncodeWith() throws {
        let receiver = try needed(Harness.binaries.appendingPathComponent("loa-receiver").path)
        #expect(receiver.contains { $0.hasPrefix("libasound") })
        #expect(receiver.contains { $0.hasPrefix("libopus") })
        let controller = try needed(Harness.binaries.appendingPathComponent("loa-controller").path)
        #expect(controller.contains { $0.hasPrefix("libopus") })
    }
}
