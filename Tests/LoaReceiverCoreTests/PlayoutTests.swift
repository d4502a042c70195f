import Foundation
import LoaCodec
import LoaReceiverCore
import LoaWire
import Testing

/// A sink that keeps what it is given.
final class RecordingSink: AudioSink {
    var frames: [[Int16]] = []
    var pauses = 0
    var underruns: Int { 0 }
    func play(_ samples: UnsafeBufferPointer<Int16>) { frames.append(Array(samples)) }
    func pause() { pauses += 1 }
}

/// Encodes a tone into RTP packets as the controller would send them.
struct StreamMaker {
    let ssrc: UInt32
    let firstSequence: UInt16
    var packets: [[UInt8]] = []

    init(
        frames: Int, ssrc: UInt32 = 0x1234_5678, firstSequence: UInt16 = 65_530, payloadType: UInt8 = 111,
        frameMilliseconds: Int = 20
    ) throws {
        self.ssrc = ssrc
        self.firstSequence = firstSequence
        let encoder = try OpusEncoder(settings: EncoderSettings(frameMilliseconds: frameMilliseconds))
        let size = frameMilliseconds * 48
        var opus = [UInt8](repeating: 0, count: 1275)
        var out = [UInt8](repeating: 0, count: 1500)
        for index in 0..<frames {
            let pcm = (0..<size).map { n in Int16(10_000 * sin(Double(index * size + n) * 0.0576)) }
            let length = try pcm.withUnsafeBufferPointer { p in
                try opus.withUnsafeMutableBytes { try encoder.encode(p, into: $0) }
            }
            let header = RTPHeader(
                marker: index == 0, payloadType: payloadType,
                sequenceNumber: firstSequence &+ UInt16(truncatingIfNeeded: index),
                timestamp: 4_294_960_000 &+ UInt32(index * size), ssrc: ssrc)
            let total = opus[0..<length].withUnsafeBytes { p in
                out.withUnsafeMutableBytes { header.write(payload: p, into: $0) }
            }
            packets.append(Array(out[0..<total]))
        }
    }
}

let ms: UInt64 = 1_000_000

@Suite("Playout: jitter buffer, FEC, concealment, bad packets")
struct PlayoutTests {
    func make(jitter: Int = 60) throws -> Playout<RecordingSink> {
        try Playout(
            settings: PlayoutSettings(jitterMilliseconds: jitter, idleAfterMilliseconds: 200), sink: RecordingSink())
    }

    func feed(_ playout: Playout<RecordingSink>, _ packet: [UInt8], at time: UInt64) {
        packet.withUnsafeBytes { playout.receive($0, at: time) }
    }

    @Test func playsEveryFrameOnceInOrderDespiteReorderingAndDuplicates() throws {
        let stream = try StreamMaker(frames: 50)
        let playout = try make()
        var order = Array(0..<50)
        order.swapAt(10, 11)
        order.swapAt(30, 32)
        var time: UInt64 = 1_000 * ms
        for (step, index) in order.enumerated() {
            feed(playout, stream.packets[index], at: time)
            if step % 7 == 0 { feed(playout, stream.packets[index], at: time) }  // duplicate
            time += 20 * ms
            playout.advance(to: time)
        }
        playout.advance(to: time + 2_000 * ms)
        #expect(playout.sink.frames.count == 50)
        #expect(playout.statistics.received == 50)
        #expect(playout.statistics.duplicates == 8)
        #expect(playout.statistics.lost == 0)
        #expect(playout.sink.pauses == 1)
        #expect(!playout.isActive)
    }

    @Test func rebuildsASingleLossWithFECAndConcealsALongerGap() throws {
        let stream = try StreamMaker(frames: 60)
        let playout = try make()
        var time: UInt64 = 5_000 * ms
        for index in 0..<60 where index != 20 && !(40...43).contains(index) {
            feed(playout, stream.packets[index], at: time)
            time += 20 * ms
            playout.advance(to: time)
        }
        playout.advance(to: time + 2_000 * ms)
        #expect(playout.sink.frames.count == 60)  // the stream keeps its length
        #expect(playout.statistics.lost == 5)
        #expect(playout.statistics.recoveredByFEC >= 2)  // frames 20 and 43 have their next packet
        #expect(playout.statistics.concealed + playout.statistics.recoveredByFEC == 5)
    }

    @Test func dropsMalformedForeignAndUndecodablePacketsWithoutPlayingThem() throws {
        let stream = try StreamMaker(frames: 10)
        let foreign = try StreamMaker(frames: 3, ssrc: 99)
        let otherType = try StreamMaker(frames: 1, payloadType: 100)
        let playout = try make()
        var time: UInt64 = 1_000 * ms
        feed(playout, stream.packets[0], at: time)
        var rejected = 0
        var junk: [[UInt8]] = [[], [0x80], [0x40] + [UInt8](repeating: 7, count: 40), otherType.packets[0]]
        junk += foreign.packets
        var noOpus = stream.packets[1]
        noOpus.removeSubrange(12...)
        noOpus += [0x7B]  // code 3 without its frame count
        junk.append(noOpus)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            junk.append(
                (0..<Int.random(in: 0..<300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        for packet in junk {
            feed(playout, packet, at: time)
            rejected += 1
        }
        for index in 1..<10 {
            time += 20 * ms
            feed(playout, stream.packets[index], at: time)
            playout.advance(to: time)
        }
        playout.advance(to: time + 2_000 * ms)
        #expect(playout.sink.frames.count == 10)
        // Random bytes can, rarely, form a valid-looking packet of the locked stream; nearly all must be counted.
        #expect(playout.statistics.rejected >= rejected - 5)
        #expect(playout.statistics.received <= 10 + 5)
    }

    @Test func waitsOutAStallInsteadOfCuttingTheItem() throws {
        let stream = try StreamMaker(frames: 40)
        let playout = try make(jitter: 40)
        var time: UInt64 = 1_000 * ms
        for index in 0..<40 {
            if index == 20 { time += 150 * ms }  // the network stalls for longer than the jitter margin
            feed(playout, stream.packets[index], at: time)
            time += 20 * ms
            playout.advance(to: time)
        }
        playout.advance(to: time + 2_000 * ms)
        #expect(playout.sink.frames.count == 40)
        #expect(playout.statistics.lost == 0)
        #expect(playout.statistics.concealed == 0)
    }

    @Test func startsANewStreamAfterSilence() throws {
        let first = try StreamMaker(frames: 5, ssrc: 1)
        let second = try StreamMaker(frames: 5, ssrc: 2, firstSequence: 7)
        let playout = try make()
        var time: UInt64 = 1_000 * ms
        for packet in first.packets {
            feed(playout, packet, at: time)
            time += 20 * ms
            playout.advance(to: time)
        }
        playout.advance(to: time + 1_000 * ms)
        time += 1_000 * ms
        for packet in second.packets {
            feed(playout, packet, at: time)
            time += 20 * ms
            playout.advance(to: time)
        }
        playout.advance(to: time + 1_000 * ms)
        #expect(playout.sink.frames.count == 10)
        #expect(playout.statistics.streamsStarted == 2)
        #expect(playout.sink.pauses == 2)
    }

    /// Issue 14, point 5, off the timeline: a talkspurt waits the adaptive target, not a fixed margin. After a calm
    /// stream it is the floor (`jitter-ms`); after one whose every fifth packet came 100 ms late, the next talkspurt
    /// waits long enough for such a packet (at most `jitter-max-ms`), and every frame of it plays, none late.
    @Test func aTalkspurtWaitsWhatTheNetworkCalledFor() throws {
        let playout = try Playout(
            settings: {
                var settings = PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200)
                settings.jitterCeilingMilliseconds = 300
                return settings
            }(), sink: RecordingSink())
        var time: UInt64 = 1_000 * ms
        func talkspurt(_ stream: StreamMaker, late: (Int) -> Bool) -> UInt64? {
            var waited: UInt64?
            var held: [(at: UInt64, packet: [UInt8])] = []
            for (index, packet) in stream.packets.enumerated() {
                if late(index) {
                    held.append((time + 100 * ms, packet))
                } else {
                    feed(playout, packet, at: time)
                    if waited == nil { waited = playout.nextEventTime.map { $0 - time } }
                }
                for due in held where due.at <= time { feed(playout, due.packet, at: due.at) }
                held.removeAll { $0.at <= time }
                time += 20 * ms
                playout.advance(to: time)
            }
            for due in held { feed(playout, due.packet, at: due.at) }
            time += 2_000 * ms
            playout.advance(to: time)
            return waited
        }
        let calm = talkspurt(try StreamMaker(frames: 100, ssrc: 1)) { _ in false }
        #expect(calm == 60 * ms)
        #expect(playout.jitterTarget.target == 60 * ms)
        _ = talkspurt(try StreamMaker(frames: 500, ssrc: 2)) { $0 % 5 == 3 }
        #expect(playout.statistics.late > 0, "the fixed 60 ms margin let the late packets go")
        let target = playout.jitterTarget.target
        #expect(target >= 120 * ms && target <= 300 * ms)
        let lateBefore = playout.statistics.late
        let waited = talkspurt(try StreamMaker(frames: 200, ssrc: 3)) { $0 % 5 == 3 }
        #expect(waited == target)
        #expect(playout.statistics.late == lateBefore, "the deeper buffer waits for every late packet")
        #expect(playout.sink.frames.count == 800)
    }
}
