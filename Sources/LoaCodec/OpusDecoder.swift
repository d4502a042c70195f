import CLoaAudio
import COpus

/// A libopus decoder for one mono 48 kHz stream, with the three ways a frame can be produced:
/// from its packet, from the in-band FEC of the next packet, or by concealment.
///
/// Not thread-safe. Decoding allocates nothing.
public final class OpusDecoder {
    private let state: OpaquePointer

    public init() throws(CodecError) {
        var error: Int32 = 0
        guard let state = opus_decoder_create(Int32(OpusFormat.sampleRate), Int32(OpusFormat.channels), &error)
        else { throw CodecError("create the Opus decoder", code: error) }
        self.state = state
    }

    deinit { opus_decoder_destroy(state) }

    /// Decodes `packet` into `pcm`; returns the samples written. Throws on a corrupt packet.
    public func decode(
        _ packet: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>
    ) throws(CodecError) -> Int {
        try run(packet, pcm, frameSize: pcm.count, fec: false)
    }

    /// Rebuilds the frame *before* `nextPacket` from that packet's in-band FEC data, `frameSize` samples.
    /// Where the next packet carries no FEC, libopus conceals instead.
    public func decodeFEC(
        from nextPacket: UnsafeRawBufferPointer, frameSize: Int, into pcm: UnsafeMutableBufferPointer<Int16>
    ) throws(CodecError) -> Int {
        try run(nextPacket, UnsafeMutableBufferPointer(rebasing: pcm[0..<frameSize]), frameSize: frameSize, fec: true)
    }

    /// Produces `frameSize` samples of concealment for a frame that never arrived.
    public func conceal(frameSize: Int, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        try run(
            UnsafeRawBufferPointer(start: nil, count: 0), UnsafeMutableBufferPointer(rebasing: pcm[0..<frameSize]),
            frameSize: frameSize, fec: false)
    }

    /// Forgets the previous stream, so that a new one does not start with the old one's echo.
    public func reset() { loa_opus_decoder_reset(state) }

    private func run(
        _ packet: UnsafeRawBufferPointer, _ pcm: UnsafeMutableBufferPointer<Int16>, frameSize: Int, fec: Bool
    ) throws(CodecError) -> Int {
        let samples = opus_decode(
            state, packet.count == 0 ? nil : packet.baseAddress!.assumingMemoryBound(to: UInt8.self),
            Int32(packet.count), pcm.baseAddress!, Int32(frameSize), fec ? 1 : 0)
        guard samples >= 0 else { throw CodecError("decode", code: samples) }
        return Int(samples)
    }
}
