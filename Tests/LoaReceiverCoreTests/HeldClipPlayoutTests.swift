import LoaCodec
import LoaReceiverCore
import LoaWire
import Testing

/// Issue 15, point 3: a box that holds a clip ahead plays its own copy of each frame at that frame's instant on the
/// controller's timeline, whatever the network lost; frames of anything else play from the stream; a stream cut off
/// is played on from the copy only so far.
@Suite("Playout from a clip held ahead")
struct HeldClipPlayoutTests {
    /// The `.loaclip` image of the stream's payloads, as the controller stores it.
    static func image(_ stream: StreamMaker) -> [UInt8] {
        var bytes: [UInt8] = Array("LOAC".utf8) + [1, 20, 0, 0]
        let count = stream.packets.count
        bytes += (0..<4).map { UInt8(truncatingIfNeeded: count >> (24 - 8 * $0)) }
        let samples = count * 960
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: samples >> (56 - 8 * $0)) }
        for packet in stream.packets {
            let payload = packet[RTPHeader.fixedSize...]
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        }
        return bytes
    }

    /// The clip's own decoding: every frame in order, with a fresh decoder.
    static func reference(_ stream: StreamMaker) throws -> [Int16] {
        let decoder = try OpusDecoder()
        var pcm = [Int16](repeating: 0, count: 5760)
        var out: [Int16] = []
        for packet in stream.packets {
            let samples = try Array(packet[RTPHeader.fixedSize...]).withUnsafeBytes { payload in
                try pcm.withUnsafeMutableBufferPointer { try decoder.decode(payload, into: $0) }
            }
            out += pcm[0..<samples]
        }
        return out
    }

    /// Feeds the packets `sent` says, packet i (frame i of item 7 if `item(i)` says so) arriving 5 ms after it is
    /// sent and due out of the DAC 150 ms after, and plays until the stream ends.
    func play(
        _ stream: StreamMaker, held: HeldClips?, sent: (Int) -> Bool, item: (Int) -> UInt32 = { _ in 7 }
    ) throws -> Playout<TimedSink> {
        let playout = try Playout(
            settings: PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200), sink: TimedSink())
        playout.held = held
        var now = 1_000 * ms
        var next = 0
        let end = 1_000 * ms + UInt64(stream.packets.count) * 20 * ms + 3_000 * ms
        while now <= end {
            while next < stream.packets.count, 1_005 * ms + UInt64(next) * 20 * ms <= now {
                if sent(next) {
                    let due = 1_150 * ms + UInt64(next) * 20 * ms
                    let clip = item(next)
                    stream.packets[next].withUnsafeBytes { bytes in
                        let packet = try! RTPPacket(parsing: bytes)
                        playout.receive(
                            packet, in: bytes, at: now, due: due, clipFrame: (clip, clip == 0 ? 0 : UInt32(next)))
                    }
                }
                next += 1
            }
            playout.sink.now = now
            playout.advance(to: now)
            now += 500_000
        }
        return playout
    }

    /// 30 % of the packets lost, the first and the last three among them.
    static func lost(_ index: Int) -> Bool { [0, 3, 7].contains(index % 10) || index >= 97 }

    @Test func aHeldClipPlaysBitExactThroughThirtyPercentLoss() throws {
        let stream = try StreamMaker(frames: 100)
        let held = HeldClips(limitBytes: 1 << 20)
        #expect(held.keep(7, bytes: Self.image(stream)))
        let playout = try play(stream, held: held, sent: { !Self.lost($0) })
        let played = playout.sink.frames.flatMap(\.samples)
        #expect(played == (try Self.reference(stream)))
        #expect(playout.statistics.fromFile == 100)
        #expect(playout.statistics.concealed == 0)
        // The first frame, lost, still left the DAC at its instant.
        #expect(playout.sink.frames.first?.at == 1_150 * ms)
        // Its proof of play: every frame of item 7 from the box's copy.
        #expect(playout.plays == [ItemPlay(item: 7, fromFile: 100)])

        // Without the copy, the same stream is not the clip: what was lost is concealed or rebuilt.
        let streamed = try play(stream, held: nil, sent: { !Self.lost($0) })
        #expect(streamed.sink.frames.flatMap(\.samples) != (try Self.reference(stream)))
        #expect(streamed.statistics.fromFile == 0)
        #expect(streamed.statistics.concealed + streamed.statistics.recoveredByFEC > 0)
        let play = try #require(streamed.plays.first)
        #expect(streamed.plays.count == 1 && play.item == 7 && play.fromFile == 0)
        // Packets 0 and 97-99 never came: the stream runs from 1 to 96, 68 of them came, 28 did not.
        #expect(play.fromStream == 68 && play.rebuilt + play.concealed == 28 && play.frames == 96)
    }

    @Test func framesOfSomethingElsePlayFromTheStream() throws {
        // Half-way, the zone airs something else (an emergency cutting in): its frames are never the copy's.
        let stream = try StreamMaker(frames: 100)
        let held = HeldClips(limitBytes: 1 << 20)
        held.keep(7, bytes: Self.image(stream))
        let playout = try play(stream, held: held, sent: { $0 % 10 != 5 || $0 < 50 }, item: { $0 < 50 ? 7 : 0 })
        #expect(playout.statistics.fromFile == 50)
        #expect(playout.statistics.concealed + playout.statistics.recoveredByFEC == 5)
        // Only the stored clip's frames count as its play.
        #expect(playout.plays == [ItemPlay(item: 7, fromFile: 50)])
    }

    @Test func aStreamCutOffPlaysOnFromTheCopyOnlySoFar() throws {
        // The stream stops after frame 29 of a 300-frame clip: the copy plays on for two seconds, then silence.
        let stream = try StreamMaker(frames: 300)
        let held = HeldClips(limitBytes: 1 << 20)
        held.keep(7, bytes: Self.image(stream))
        let playout = try play(stream, held: held, sent: { $0 < 30 })
        #expect(playout.statistics.fromFile == 30 + Int(Playout<TimedSink>.fillAheadFrames))
        #expect(playout.sink.frames.count == 30 + Int(Playout<TimedSink>.fillAheadFrames))
    }

    @Test func aClipThatIsNotAClipImageIsNotKeptAndALargeOneDoesNotFit() throws {
        let stream = try StreamMaker(frames: 10)
        let image = Self.image(stream)
        let held = HeldClips(limitBytes: image.count)
        #expect(!held.keep(1, bytes: Array(image.dropLast())))
        #expect(!held.keep(2, bytes: image + [0]))
        #expect(held.keep(3, bytes: image))
        // Only the lowest item fits: the one that airs soonest.
        #expect(held.keep(2, bytes: image))
        #expect(held.items == [2])
        #expect(held.withFrame(2, 10) { $0.count } == nil)
        #expect(held.withFrame(2, 9) { $0.count } == stream.packets[9].count - RTPHeader.fixedSize)
    }
}
