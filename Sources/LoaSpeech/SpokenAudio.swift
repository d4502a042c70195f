/// Speech as mono 16-bit samples in memory, as a voice produced it.
public struct SpokenAudio: Sendable {
    public var samples: [Int16]
    public var sampleRate: Int

    public init(samples: [Int16], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Playing time in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    /// The audio as a WAV file image (RIFF, PCM, 16-bit, mono) that libsndfile reads like any uploaded clip.
    public func wav() -> [UInt8] {
        let dataBytes = samples.count * 2
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataBytes)
        func append(_ text: String) { out.append(contentsOf: Array(text.utf8)) }
        func append(_ value: Int, bytes: Int) {
            for index in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        append("RIFF")
        append(36 + dataBytes, bytes: 4)
        append("WAVEfmt ")
        append(16, bytes: 4)
        append(1, bytes: 2)  // PCM
        append(1, bytes: 2)  // mono
        append(sampleRate, bytes: 4)
        append(sampleRate * 2, bytes: 4)
        append(2, bytes: 2)
        append(16, bytes: 2)
        append("data")
        append(dataBytes, bytes: 4)
        for sample in samples { append(Int(sample), bytes: 2) }
        return out
    }
}
