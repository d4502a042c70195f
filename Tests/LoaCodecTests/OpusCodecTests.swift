import Foundation
import LoaCodec
import Testing

/// A 20 ms frame of a 440 Hz tone, continuous across frames.
func toneFrame(_ index: Int, frequency: Double = 440) -> [Int16] {
    (0..<960).map { n in
        let t = Double(index * 960 + n) / 48_000
        return Int16(12_000 * sin(2 * Double.pi * frequency * t))
    }
}

func correlation(_ a: [Int16], _ b: [Int16]) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for i in 0..<min(a.count, b.count) {
        ab += Double(a[i]) * Double(b[i])
        aa += Double(a[i]) * Double(a[i])
        bb += Double(b[i]) * Double(b[i])
    }
    return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
}

@Suite("Opus encoder and decoder")
struct OpusCodecTests {
    func encode(_ frames: Int) throws -> [[UInt8]] {
        let encoder = try OpusEncoder()
        var packets: [[UInt8]] = []
        var out = [UInt8](repeating: 0, count: OpusFormat.maximumPacketBytes)
        for index in 0..<frames {
            let pcm = toneFrame(index)
            let length = try pcm.withUnsafeBufferPointer { p in
                try out.withUnsafeMutableBytes { try encoder.encode(p, into: $0) }
            }
            packets.append(Array(out[0..<length]))
        }
        return packets
    }

    @Test func toneSurvivesEncodeAndDecode() throws {
        let packets = try encode(50)
        #expect(packets.allSatisfy { $0.count > 10 && $0.count < 400 })
        let decoder = try OpusDecoder()
        var decoded: [Int16] = []
        var pcm = [Int16](repeating: 0, count: 5760)
        for packet in packets {
            let n = try packet.withUnsafeBytes { p in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) }
            }
            #expect(n == 960)
            decoded += pcm[0..<n]
        }
        let source = (0..<50).flatMap { toneFrame($0) }
        // Skip the first frames while the codec settles; the decoded tone lags by the codec's delay.
        let reference = Array(source[(960 * 5)..<(960 * 45)])
        let best = (0..<700).map { lag in correlation(reference, Array(decoded[(960 * 5 + lag)...])) }.max() ?? 0
        #expect(best > 0.95)
    }

    @Test func rebuildsALostFrameFromTheNextPacketsFEC() throws {
        let packets = try encode(30)
        let decoder = try OpusDecoder()
        var pcm = [Int16](repeating: 0, count: 5760)
        for packet in packets[0..<20] {
            _ = try packet.withUnsafeBytes { p in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) }
            }
        }
        // Packet 20 is lost: rebuild it from packet 21.
        let n = try packets[21].withUnsafeBytes { p in
            try pcm.withUnsafeMutableBufferPointer { try decoder.decodeFEC(from: p, frameSize: 960, into: $0) }
        }
        #expect(n == 960)
        let energy = pcm[0..<960].reduce(0.0) { $0 + Double($1) * Double($1) } / 960
        #expect(energy > 1_000_000)  // a tone of amplitude 12 000 has mean energy 7.2e7; silence would be ~0
        let concealed = try pcm.withUnsafeMutableBufferPointer { try decoder.conceal(frameSize: 960, into: $0) }
        #expect(concealed == 960)
    }

    @Test func refusesAPacketThatIsNotOpus() throws {
        let decoder = try OpusDecoder()
        var pcm = [Int16](repeating: 0, count: 5760)
        let garbage: [UInt8] = [0x7B, 0x00]  // code 3 with zero frames
        #expect(throws: CodecError.self) {
            _ = try garbage.withUnsafeBytes { p in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) }
            }
        }
    }
}

@Suite("Jitter buffer")
struct JitterBufferTests {
    func insert(_ buffer: JitterBuffer, _ sequence: Int64, _ byte: UInt8 = 0x78) -> JitterBuffer.Insertion {
        [byte, UInt8(truncatingIfNeeded: sequence)].withUnsafeBytes { buffer.insert(sequence: sequence, payload: $0) }
    }

    @Test func ordersFramesAndDropsDuplicatesAndLateOnes() {
        let buffer = JitterBuffer(capacity: 8)
        #expect(insert(buffer, 100) == .stored)
        #expect(insert(buffer, 102) == .stored)
        #expect(insert(buffer, 101) == .stored)
        #expect(insert(buffer, 101) == .duplicate)
        #expect(buffer.nextSequence == 100)
        #expect(buffer.frame(100).map(Array.init) == [0x78, 100])
        buffer.advance()
        #expect(insert(buffer, 100) == .late)
        #expect(buffer.frame(101).map(Array.init) == [0x78, 101])
        #expect(buffer.count == 2)
        #expect(insert(buffer, 101 + 8) == .tooFarAhead)
        #expect(buffer.span == 2)
    }

    @Test func knowsWhenTheNextFrameIsLost() {
        let buffer = JitterBuffer(capacity: 16)
        _ = insert(buffer, 5)
        buffer.advance()
        #expect(!buffer.hasLaterFrame)
        _ = insert(buffer, 8)
        #expect(buffer.hasLaterFrame)
        #expect(buffer.frame(6) == nil)
        #expect(buffer.skip(to: 8) == 0)
        #expect(buffer.nextSequence == 8)
        #expect(buffer.frame(8) != nil)
        // A jump past the whole buffer drops what it holds at once and lands on the new sequence.
        #expect(buffer.skip(to: 8 + 1_000_000) == 1)
        #expect(buffer.nextSequence == 8 + 1_000_000 && buffer.count == 0 && !buffer.hasLaterFrame)
        #expect(insert(buffer, 8 + 1_000_000) == .stored)
    }

    @Test func refusesOversizedPayloads() {
        let buffer = JitterBuffer(capacity: 4)
        let big = [UInt8](repeating: 0, count: OpusFormat.maximumPacketBytes + 1)
        #expect(big.withUnsafeBytes { buffer.insert(sequence: 1, payload: $0) } == .oversized)
    }
}

/// In-band FEC really carries the lost frame: a frame whose sound differs from the frames before it (so that
/// concealment, which continues the past, cannot guess it) is rebuilt from the next packet only when the
/// encoder was asked for FEC.
@Suite("Opus in-band FEC")
struct OpusFECTests {
    /// Frames 0–19 a low hum, frame 20 on a new, higher voice (the frame to lose), then that voice again.
    func signal(_ index: Int) -> [Int16] {
        index < 20 ? toneFrame(index, frequency: 200) : toneFrame(index, frequency: 700)
    }

    func encode(fec: Bool) throws -> [[UInt8]] {
        let encoder = try OpusEncoder(settings: EncoderSettings(inbandFEC: fec, expectedLossPercent: fec ? 10 : 0))
        var out = [UInt8](repeating: 0, count: OpusFormat.maximumPacketBytes)
        return try (0..<30).map { index in
            let pcm = signal(index)
            let length = try pcm.withUnsafeBufferPointer { p in
                try out.withUnsafeMutableBytes { try encoder.encode(p, into: $0) }
            }
            return Array(out[0..<length])
        }
    }

    /// Frame 20 as a decoder that lost packet 20 rebuilds it from packet 21, and as one that had packet 20.
    func rebuilt(_ packets: [[UInt8]]) throws -> (rebuilt: [Int16], received: [Int16]) {
        var pcm = [Int16](repeating: 0, count: 5760)
        let lossy = try OpusDecoder()
        let whole = try OpusDecoder()
        var received: [Int16] = []
        for (index, packet) in packets[0...20].enumerated() {
            let n = try packet.withUnsafeBytes { p in
                try pcm.withUnsafeMutableBufferPointer { try whole.decode(p, into: $0) }
            }
            if index == 20 { received = Array(pcm[0..<n]) }
            guard index < 20 else { continue }
            _ = try packet.withUnsafeBytes { p in
                try pcm.withUnsafeMutableBufferPointer { try lossy.decode(p, into: $0) }
            }
        }
        let n = try packets[21].withUnsafeBytes { p in
            try pcm.withUnsafeMutableBufferPointer { try lossy.decodeFEC(from: p, frameSize: 960, into: $0) }
        }
        return (Array(pcm[0..<n]), received)
    }

    @Test func aLostFrameOfNewSoundIsRebuiltOnlyWithFEC() throws {
        let withFEC = try rebuilt(try encode(fec: true))
        let withoutFEC = try rebuilt(try encode(fec: false))
        let recovered = correlation(withFEC.rebuilt, withFEC.received)
        let concealed = correlation(withoutFEC.rebuilt, withoutFEC.received)
        #expect(recovered > 0.8, "FEC: \(recovered)")
        #expect(concealed < 0.5, "concealment: \(concealed)")
    }
}
