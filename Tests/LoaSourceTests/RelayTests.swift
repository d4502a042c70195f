import Foundation
import LoaCodec
import LoaSource
import Testing

/// The relay's rules on decoded audio (`RelaySelection`), and FFmpeg's decoding of compressed sound
/// (`StreamDecoder`) on files made by the `ffmpeg` program.
@Suite("Relay rules and stream decoding")
struct RelayTests {
    /// Feeds `selection` `milliseconds` of 20 ms frames where source `index` has `levels[index]` (nil: nothing),
    /// and returns every change of choice.
    func run(_ selection: inout RelaySelection, _ levels: [Double?], for milliseconds: Int) -> [RelaySelection.Choice] {
        var changes: [RelaySelection.Choice] = []
        for _ in 0..<(milliseconds / 20) {
            for (index, level) in levels.enumerated() { selection.observe(index, level: level, milliseconds: 20) }
            if let change = selection.decide(after: 20) { changes.append(change) }
        }
        return changes
    }

    @Test func aSourceWithoutAudioForOneAndAHalfSecondsGivesWayToTheNextBackup() {
        var selection = RelaySelection(sources: 3)
        #expect(run(&selection, [-20, -20, -20], for: 5000).isEmpty)
        // The primary stops: at 1.48 s nothing yet, at 1.5 s the first backup with audio.
        #expect(run(&selection, [nil, -20, -20], for: 1480).isEmpty)
        #expect(run(&selection, [nil, -20, -20], for: 20) == [.source(1)])
    }

    /// The primary's station dies with a second of its audio still buffered: it fails 1.5 s after its decoder's
    /// last audio, while that audio still airs, not 1.5 s after the buffer ran dry; it counts again once its decoder
    /// gives audio.
    @Test func aSourceFailsOneAndAHalfSecondsAfterItsDecoderWentQuiet() {
        var selection = RelaySelection(sources: 2)
        _ = run(&selection, [-20, -20], for: 1000)
        var changes: [RelaySelection.Choice] = []
        for frame in 0...75 {
            // 1 s of buffered frames still come; the decoder has been quiet since frame 0.
            selection.observe(0, level: frame < 50 ? -20 : nil, milliseconds: 20, quietMilliseconds: frame * 20)
            selection.observe(1, level: -20, milliseconds: 20, quietMilliseconds: 0)
            if let change = selection.decide(after: 20) { changes.append(change) }
            if frame == 74 { #expect(changes.isEmpty, "not before 1.5 s") }
            if frame == 75 { #expect(changes == [.source(1)], "switched at 1.5 s") }
        }
        // A segmented source (nil) or a decoder giving audio again (0 ms quiet) is judged on its frames.
        selection.observe(0, level: -20, milliseconds: 20, quietMilliseconds: 0)
        #expect(!selection.isFailing(0))
        selection.observe(0, level: -20, milliseconds: 20, quietMilliseconds: nil)
        #expect(!selection.isFailing(0))
    }

    @Test func silenceForTwoSecondsCountsAsFailing() {
        var selection = RelaySelection(sources: 2)
        _ = run(&selection, [-20, -20], for: 1000)
        #expect(run(&selection, [-60, -20], for: 1980).isEmpty)
        #expect(run(&selection, [-60, -20], for: 20) == [.source(1)])
    }

    @Test func aBackupThatIsDeadTooIsSkippedAndThenTheFallbackAirs() {
        var selection = RelaySelection(sources: 3)
        _ = run(&selection, [-20, nil, -20], for: 1000)
        #expect(run(&selection, [nil, nil, -20], for: 1500) == [.source(2)])
        #expect(run(&selection, [nil, nil, nil], for: 1500) == [.fallback])
    }

    @Test func thePrimaryComesBackAfterTenSecondsOfHealthyAudio() {
        var selection = RelaySelection(sources: 2)
        _ = run(&selection, [nil, -20], for: 1500)
        #expect(selection.choice == .source(1))
        // Healthy again, but interrupted by a gap at 6 s: the ten seconds start again.
        #expect(run(&selection, [-20, -20], for: 6000).isEmpty)
        #expect(run(&selection, [nil, -20], for: 100).isEmpty)
        #expect(run(&selection, [-20, -20], for: 9980).isEmpty)
        #expect(run(&selection, [-20, -20], for: 20) == [.source(0)])
    }

    @Test func onceASourceHasAiredTheFallbackGivesWayOnlyAfterTenHealthySeconds() {
        var selection = RelaySelection(sources: 2)
        _ = run(&selection, [-20, nil], for: 1000)
        #expect(run(&selection, [nil, nil], for: 1500) == [.fallback])
        #expect(run(&selection, [nil, -20], for: 9980).isEmpty)
        #expect(run(&selection, [nil, -20], for: 20) == [.source(1)])
    }

    /// Sources still connecting at the start: the primary gets 1.5 s before a backup with audio airs instead, and
    /// the fallback waits 5 s for any source; the first to give audio then airs at once.
    @Test func atTheStartSourcesHaveTimeToConnect() {
        var selection = RelaySelection(sources: 2)
        #expect(run(&selection, [nil, -20], for: 1480).isEmpty)
        #expect(run(&selection, [nil, -20], for: 20) == [.source(1)])
        var late = RelaySelection(sources: 2)
        #expect(run(&late, [nil, nil], for: 4980).isEmpty)
        #expect(run(&late, [nil, nil], for: 20) == [.fallback])
        #expect(run(&late, [nil, -20], for: 20) == [.source(1)])
        var prompt = RelaySelection(sources: 2)
        #expect(run(&prompt, [nil, nil], for: 1000).isEmpty)
        #expect(run(&prompt, [-20, -20], for: 1000).isEmpty)
        #expect(prompt.choice == .source(0) && prompt.started)
    }

    /// `seconds` of a `frequency` Hz tone at `rate` Hz encoded by ffmpeg into `file` (its options after the input).
    func tone(_ frequency: Int, seconds: Int, rate: Int, channels: Int, into file: URL, _ options: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments =
            [
                "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=\(frequency):sample_rate=\(rate):duration=\(seconds)", "-ac", "\(channels)",
            ]
            + options + [file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// The dominant frequency of `samples` at 48 kHz, by zero crossings.
    func frequency(_ samples: ArraySlice<Float>) -> Double {
        var crossings = 0
        var previous = samples.first ?? 0
        for sample in samples {
            if previous < 0, sample >= 0 { crossings += 1 }
            previous = sample
        }
        return Double(crossings) / (Double(samples.count) / 48_000)
    }

    @Test(arguments: [("m4a", ["-c:a", "aac", "-b:a", "96k"]), ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"])])
    func aCompressedFileDecodesToFortyEightKilohertzMono(_ format: String, _ options: [String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-stream-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("tone.\(format)")
        try tone(750, seconds: 3, rate: 44_100, channels: 2, into: file, options)
        let samples = try decoded(file.path)
        // 3 s at 48 kHz, give or take the codec's priming and padding.
        #expect(abs(samples.count - 144_000) < 4_800, "\(samples.count) samples")
        #expect(abs(frequency(samples[24_000..<120_000]) - 750) < 5)
        let peak = samples[24_000..<120_000].map(abs).max() ?? 0
        // ffmpeg's sine is at 1/8 full scale; stereo to mono keeps it.
        #expect(peak > 0.09 && peak < 0.16, "peak \(peak)")
    }

    @Test func aFileThatIsNotSoundIsOneLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loa-stream-\(UUID()).m4a")
        try Data("không phải âm thanh\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: StreamError.self) { try decoded(file.path) }
        do {
            _ = try decoded(file.path)
        } catch {
            #expect(error.message.hasPrefix(file.path + ": "))
            #expect(!error.message.contains("\n"))
        }
        // As a clip: refused as not audio, in one line.
        #expect {
            _ = try ClipFile(path: file.path)
        } throws: { error in
            guard case .notAudio(let detail) = error as? ClipError else { return false }
            return !detail.contains("\n")
        }
    }

    /// An AAC clip in an M4A file (a phone's recording): libsndfile cannot read it, so `ClipFile` reads it through
    /// FFmpeg, as 48 kHz mono, and it is measured and encoded as any clip.
    @Test func anAACClipIsMeasuredAndEncoded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loa-clip-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ghi-am: zalo.m4a")
        try tone(750, seconds: 3, rate: 44_100, channels: 2, into: file, ["-c:a", "aac", "-b:a", "96k"])
        #expect(throws: ClipError.self) { try AudioFile(path: file.path) }
        let measured = try ClipFile.measure(path: file.path)
        #expect(measured.sampleRate == 48_000 && measured.channels == 1)
        #expect(abs(measured.frames - 144_000) < 4_800, "\(measured.frames) samples")
        let clip = try ClipEncoder.encode(path: file.path, settings: EncoderSettings())
        #expect(abs(clip.frameCount - 150) <= 3, "\(clip.frameCount) frames of 20 ms")
        let level = try LevelPlan.measure(path: file.path, target: LoudnessTarget())
        #expect(level.summary.contains("LUFS"), "\(level.summary)")
    }

    /// Every sample of the file at `path`, decoded by `StreamDecoder`.
    func decoded(_ path: String) throws(StreamError) -> [Float] {
        let decoder = try StreamDecoder(url: path)
        var samples: [Float] = []
        var block = [Float](repeating: 0, count: 4096)
        while true {
            let count = try block.withUnsafeMutableBufferPointer { buffer throws(StreamError) in
                try decoder.read(into: buffer)
            }
            if count == 0 { return samples }
            samples += block[0..<count]
        }
    }
}
