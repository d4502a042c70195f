import LoaCodec

/// The send path's first half, run once when a clip is queued: file → mono → 48 kHz → Opus frames.
///
/// The result is complete or the call throws: a clip that cannot be read to its end is refused whole.
public enum ClipEncoder {
    /// Encodes the sound file at `path` with `settings`, at its own level.
    public static func encode(path: String, settings: EncoderSettings) throws(ClipError) -> EncodedClip {
        try encode(path: path, settings: settings, level: nil)
    }

    /// Encodes the sound file at `path` with `settings`, its level changed by `level` (from `LevelPlan.measure` of
    /// the same file) on the way to the encoder; nil leaves it as it is.
    public static func encode(path: String, settings: EncoderSettings, level: LevelPlan?) throws(ClipError)
        -> EncodedClip
    {
        let encoder: OpusEncoder
        do { encoder = try OpusEncoder(settings: settings) } catch { throw .encoding(detail: error.message) }
        let framer = Framer(encoder: encoder, clip: EncodedClip(frameMilliseconds: settings.frameMilliseconds))
        if let level {
            try level.applied(path: path) { samples throws(ClipError) in try framer.push(samples) }
        } else {
            try samples(path: path) { samples throws(ClipError) in try framer.push(samples) }
        }
        return try framer.finish()
    }

    /// Reads the sound file at `path` as mono 48 kHz audio, handing it to `body` block by block: what the
    /// encoder is given, and what `LevelPlan` measures.
    static func samples(path: String, _ body: (UnsafeBufferPointer<Float>) throws(ClipError) -> Void)
        throws(ClipError)
    {
        let file = try ClipFile(path: path)
        let resampler = try Resampler(inputRate: file.sampleRate, outputRate: OpusFormat.sampleRate)
        var input = [Float](repeating: 0, count: 4096)
        while true {
            let count = try input.withUnsafeMutableBufferPointer { buffer throws(ClipError) in
                try file.read(into: buffer)
            }
            if count == 0 { break }
            try input.withUnsafeBufferPointer { buffer throws(ClipError) in
                try resampler.process(UnsafeBufferPointer(rebasing: buffer[0..<count]), emit: body)
            }
        }
        try resampler.process(UnsafeBufferPointer(start: nil, count: 0), emit: body)
    }
}

/// Cuts 48 kHz float audio into frames of 16-bit samples and encodes each.
final class Framer {
    let encoder: OpusEncoder
    var clip: EncodedClip
    private let frame: UnsafeMutableBufferPointer<Int16>
    private var filled = 0
    private let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: OpusFormat.maximumPacketBytes, alignment: 8)

    init(encoder: OpusEncoder, clip: EncodedClip) {
        self.encoder = encoder
        self.clip = clip
        frame = .allocate(capacity: encoder.settings.frameSamples)
        frame.initialize(repeating: 0)
    }

    deinit {
        frame.deallocate()
        packet.deallocate()
    }

    func push(_ samples: UnsafeBufferPointer<Float>) throws(ClipError) {
        clip.sourceSamples += samples.count
        for sample in samples {
            let scaled = (sample * 32767).rounded()
            frame[filled] = Int16(max(-32768, min(32767, scaled)))
            filled += 1
            if filled == frame.count { try encodeFrame() }
        }
    }

    /// Flushes the encoder's look-ahead with silence and pads the last frame.
    func finish() throws(ClipError) -> EncodedClip {
        guard clip.sourceSamples > 0 else { throw .empty }
        var tail = encoder.lookahead
        while filled > 0 || tail > 0 {
            while filled < frame.count {
                frame[filled] = 0
                filled += 1
                tail -= 1
            }
            try encodeFrame()
        }
        return clip
    }

    private func encodeFrame() throws(ClipError) {
        let length: Int
        do {
            length = try encoder.encode(UnsafeBufferPointer(frame), into: packet)
        } catch {
            throw .encoding(detail: error.message)
        }
        clip.append(UnsafeRawBufferPointer(rebasing: packet[0..<length]))
        filled = 0
    }
}
