import Foundation
import LoaCodec
import LoaSource
import Testing

/// LoaSoundFile and LoaSource on real sound files made with sox: what a good file reads as, what a bad one
/// is refused with, and that encoding gives the frames the clip's length calls for.
@Suite("Sound files and encoding")
final class SoundFileTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-source-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Makes `name` with sox: a 440 Hz tone of `seconds` at `rate` Hz with `channels` channels.
    func tone(_ name: String, seconds: Double, rate: Int, channels: Int) throws -> String {
        let path = folder + "/" + name
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = [
            "-n", "-r", String(rate), "-c", String(channels), path, "synth", String(seconds), "sine", "440", "vol",
            "0.5",
        ]
        try sox.run()
        sox.waitUntilExit()
        #expect(sox.terminationStatus == 0)
        return path
    }

    func littleEndian(_ value: Int, bytes: Int) -> Data {
        Data((0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }

    func refusal(_ path: String) -> ClipError? {
        do {
            _ = try AudioFile(path: path)
            return nil
        } catch { return error }
    }

    @Test func readsAStereoFileAsMonoAtItsRate() throws {
        let file = try AudioFile(path: try tone("stereo.wav", seconds: 1.5, rate: 44_100, channels: 2))
        #expect(file.sampleRate == 44_100)
        #expect(file.channels == 2)
        #expect(file.frames == 66_150)
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 4096)
        defer { buffer.deallocate() }
        var total = 0
        var peak: Float = 0
        while true {
            let count = try file.read(into: buffer)
            if count == 0 { break }
            for sample in buffer[0..<count] { peak = max(peak, abs(sample)) }
            total += count
        }
        #expect(total == 66_150)
        #expect(peak > 0.45 && peak < 0.55)
    }

    @Test func refusesWhatIsNotAudioEmptyOrTruncated() throws {
        let text = folder + "/notes.wav"
        try "not audio at all".write(toFile: text, atomically: true, encoding: .utf8)
        guard case .notAudio = refusal(text) else {
            Issue.record("a text file was read as audio")
            return
        }
        guard case .notAudio = refusal(folder + "/missing.wav") else {
            Issue.record("a missing file was read as audio")
            return
        }
        // A WAV header that announces no samples (sox cannot write one: "synth 0" means forever).
        let empty = folder + "/empty.wav"
        var header = Data("RIFF".utf8) + littleEndian(36, bytes: 4) + Data("WAVEfmt ".utf8) + littleEndian(16, bytes: 4)
        header += littleEndian(1, bytes: 2) + littleEndian(1, bytes: 2) + littleEndian(48_000, bytes: 4)
        header += littleEndian(96_000, bytes: 4) + littleEndian(2, bytes: 2) + littleEndian(16, bytes: 2)
        header += Data("data".utf8) + littleEndian(0, bytes: 4)
        try header.write(to: URL(fileURLWithPath: empty))
        #expect(refusal(empty) == .empty)
        let whole = try Data(
            contentsOf: URL(fileURLWithPath: try tone("long.wav", seconds: 2, rate: 48_000, channels: 1)))
        let cut = folder + "/cut.wav"
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        guard case .truncated(let detail) = refusal(cut) else {
            Issue.record("a truncated file was read whole")
            return
        }
        #expect(detail.contains("its header announces"))
        #expect(ClipError.empty.message == "the audio file is empty (no samples); record or export the clip again")
    }

    @Test func encodesAFileToTheFramesItsLengthCallsFor() throws {
        let settings = EncoderSettings()
        let clip = try ClipEncoder.encode(
            path: try tone("tin.wav", seconds: 2, rate: 22_050, channels: 1), settings: settings)
        #expect(clip.frameMilliseconds == settings.frameMilliseconds)
        // 2 s at 48 kHz, plus the encoder's look-ahead, padded to whole frames.
        #expect(abs(clip.sourceSamples - 96_000) < 100)
        #expect(clip.frameCount >= 100 && clip.frameCount <= 102)
        let decoder = try OpusDecoder()
        let pcm = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 5760)
        defer { pcm.deallocate() }
        let decoded = try clip.withPacket(50) { packet in try decoder.decode(packet, into: pcm) }
        #expect(decoded == settings.frameSamples)
        #expect(pcm[0..<decoded].contains { abs(Int($0)) > 8_000 })
        let stored = try EncodedClip(serialized: clip.serialized())
        #expect(stored.bytes == clip.bytes && stored.offsets == clip.offsets)
        #expect(stored.sourceSamples == clip.sourceSamples)
        #expect(throws: ClipError.self) { try EncodedClip(serialized: Array(clip.serialized().dropLast())) }
    }
}
