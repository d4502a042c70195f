import Foundation

/// EBU R128 loudness measured by ffmpeg's `ebur128` filter: a measure independent of Loa's own (libebur128).
public enum FFmpegLoudness {
    /// Integrated loudness (LUFS) and true peak (dBTP) of a sound file, or of raw signed 16-bit mono 48 kHz
    /// samples (`raw`), as ffmpeg's summary states them.
    public static func measure(_ file: String, raw: Bool = false) throws -> (integrated: Double, truePeak: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments =
            ["-nostats", "-hide_banner"] + (raw ? ["-f", "s16le", "-ar", "48000", "-ac", "1"] : [])
            + ["-i", file, "-af", "ebur128=peak=true", "-f", "null", "-"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let summary = text.range(of: "Summary:") else {
            throw HarnessError("ffmpeg could not measure \(file): \(text.suffix(300))")
        }
        let tail = text[summary.upperBound...]
        func value(after label: String) throws -> Double {
            guard let range = tail.range(of: label) else { throw HarnessError("no '\(label)' in ffmpeg's summary") }
            let word = tail[range.upperBound...].split(separator: " ", omittingEmptySubsequences: true).first ?? ""
            guard let number = Double(word) else { return -.infinity }  // "-inf" for silence
            return number
        }
        return (try value(after: "I:"), try value(after: "Peak:"))
    }

    /// Writes `samples` (−1…1) as a 16-bit mono WAV at `rate`, clipping at full scale.
    public static func writeWAV(_ samples: [Float], rate: Int = 48_000, to path: String) throws {
        var data = Data()
        func append(_ value: Int, _ bytes: Int) {
            for index in 0..<bytes { data.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        data.append(contentsOf: Array("RIFF".utf8))
        append(36 + samples.count * 2, 4)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(16, 4)
        append(1, 2)
        append(1, 2)
        append(rate, 4)
        append(rate * 2, 4)
        append(2, 2)
        append(16, 2)
        data.append(contentsOf: Array("data".utf8))
        append(samples.count * 2, 4)
        for sample in samples { append(Int(max(-32768, min(32767, (sample * 32767).rounded()))), 2) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The samples of a 16-bit mono WAV (as `writeWAV` and sox write it: a 44-byte header).
    public static func readWAV(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let range = data.range(of: Data("data".utf8)) else { throw HarnessError("\(path) has no data chunk") }
        let start = range.upperBound + 4
        return data[start...].withUnsafeBytes { raw in
            (0..<raw.count / 2).map {
                Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self))) / 32768
            }
        }
    }

    /// Runs sox with `arguments`; throws with its words if it fails.
    public static func sox(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("sox \(arguments) failed: \(text)") }
    }

    /// Makes `path`, a copy of the sound file `source` brought to `loudness` LUFS (measured by ffmpeg) with sox,
    /// as 16-bit mono at 48 kHz.
    public static func scaled(_ source: String, to loudness: Double, path: String) throws {
        let measured = try measure(source).integrated
        try sox([source, "-r", "48000", "-c", "1", "-b", "16", path, "vol", String(loudness - measured), "dB"])
    }
}
