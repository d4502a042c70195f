import CLoaBench
import Foundation
import LoaCodec
import LoaController
import LoaSource
import LoaSystem
import LoaWire
import Testing

/// The send path allocates nothing per frame: `ZoneStream.sendDue` (packetise, seal, send) runs on the
/// pacer's real-time thread for every frame of every zone. Counted by the benchmark's allocator interposer
/// (Benchmarks/CLoaBench/allocation_counter.c), which this test binary links.
@Suite("Allocations per frame: send path")
struct SendPathAllocationTests {
    /// Frames sent before counting starts: the first packets may size the stream's buffers once.
    static let warmUpFrames = 50

    /// 300 frames of a 440 Hz tone, encoded with the controller's encoder settings.
    static func clip() throws -> EncodedClip {
        let settings = EncoderSettings()
        let encoder = try OpusEncoder(settings: settings)
        var clip = EncodedClip(frameMilliseconds: settings.frameMilliseconds)
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: OpusFormat.maximumPacketBytes, alignment: 8)
        defer { packet.deallocate() }
        for frame in 0..<300 {
            let pcm = (0..<settings.frameSamples).map { n in
                Int16(8_000 * sin(Double(frame * settings.frameSamples + n) * 2 * Double.pi * 440 / 48_000))
            }
            let length = try pcm.withUnsafeBufferPointer { try encoder.encode($0, into: packet) }
            clip.append(UnsafeRawBufferPointer(rebasing: packet[0..<length]))
        }
        return clip
    }

    /// Sends every frame of `clip` through a stream to a TTL-0 group on loopback, at each deadline, and
    /// returns how many frames after the warm-up allocated, and how many packets the kernel took.
    static func framesThatAllocate(signed: Bool, group: String, unicast: UnicastDelivery? = nil) throws -> (
        allocating: Int, counted: Int, sent: Int
    ) {
        let clip = try clip()
        let zone = Zone(name: "alloc", group: SocketAddress(group)!, interface: "127.0.0.1", ttl: 0)
        let stream = try BenchmarkZoneStream(zone: zone, signed: signed, unicast: unicast)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        stream.play(clip, id: 1, now: MonotonicClock.now())
        var frame = 0
        var allocating = 0
        var finished = false
        while !finished, let deadline = stream.nextDeadline {
            let before = loa_bench_thread_allocations()
            finished = stream.sendDue(now: deadline, buffer: buffer)
            if frame >= warmUpFrames && loa_bench_thread_allocations() != before { allocating += 1 }
            frame += 1
        }
        return (allocating, frame - warmUpFrames, stream.packetsSent)
    }

    @Test func theInterposerCountsThisThreadsAllocations() {
        let before = loa_bench_thread_allocations()
        let array = [Int](repeating: 7, count: Int.random(in: 100...200))
        #expect(loa_bench_thread_allocations() > before)
        #expect(array.count >= 100)
    }

    @Test func sendingAFrameAllocatesNothing() throws {
        let result = try Self.framesThatAllocate(signed: false, group: "239.255.79.61:5004")
        #expect(result.counted >= 200)
        #expect(result.sent == result.counted + Self.warmUpFrames)
        #expect(result.allocating == 0, "\(result.allocating) of \(result.counted) frames allocated")
    }

    @Test func sendingASealedFrameAllocatesNothing() throws {
        let result = try Self.framesThatAllocate(signed: true, group: "239.255.79.62:5004")
        #expect(result.counted >= 200)
        #expect(result.sent == result.counted + Self.warmUpFrames)
        #expect(result.allocating == 0, "\(result.allocating) of \(result.counted) frames allocated")
    }

    /// Issue 16: a live input's frames, appended to its feed as the capture thread does (one ahead of the stream) and
    /// read by the zone's stream, are appended, sealed and sent without allocating either.
    @Test func sendingALiveFrameAllocatesNothing() throws {
        let clip = try Self.clip()
        let feed = LiveFeed(frameMilliseconds: 20, reservedMinutes: 1)
        clip.withPacket(0) { feed.append($0) }
        let zone = Zone(name: "alloc", group: SocketAddress("239.255.79.64:5004")!, interface: "127.0.0.1", ttl: 0)
        let stream = try BenchmarkZoneStream(zone: zone, signed: true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        stream.play(live: feed, id: 1, now: MonotonicClock.now())
        var frame = 0
        var allocating = 0
        var finished = false
        while !finished, let deadline = stream.nextDeadline {
            let before = loa_bench_thread_allocations()
            if frame + 1 < clip.frameCount {
                clip.withPacket(frame + 1) { feed.append($0) }
            } else {
                feed.end()
            }
            finished = stream.sendDue(now: deadline, buffer: buffer)
            if frame >= Self.warmUpFrames && loa_bench_thread_allocations() != before { allocating += 1 }
            frame += 1
        }
        #expect(frame - Self.warmUpFrames >= 200)
        #expect(stream.packetsSent == clip.frameCount && stream.framesMissed == 0)
        #expect(allocating == 0, "\(allocating) of \(frame - Self.warmUpFrames) frames allocated")
    }

    /// Issue 14: each sealed packet also goes to the zone's unicast boxes (`sendmmsg` from the heartbeat socket),
    /// still without allocating; every copy reaches the box's socket on loopback.
    /// A box's socket on loopback and a delivery for zone `zone` whose roster has that box (asking for each packet
    /// again `repeatAfter` packets later), sending from a socket of its own.
    static func unicastBox(zone: String, repeatAfter: UInt8 = 0) throws -> (UDPSocket, UnicastDelivery) {
        let box = try UDPSocket()
        try box.bind(SocketAddress(address: IPv4Address(0x7F00_0001), port: 0), shared: false)
        box.setReceiveBuffer(bytes: 4 << 20)
        let heartbeats = try UDPSocket()
        try heartbeats.bind(SocketAddress(address: IPv4Address(0x7F00_0001), port: 0), shared: false)
        let delivery = UnicastDelivery(zones: [zone], limits: UnicastLimits(boxBytesPerSecond: 1 << 24))
        delivery.attach(heartbeats)
        var beat = Heartbeat(receiver: ReceiverID(0xB0), intervalMilliseconds: 60_000)
        beat.delivery = .unicast
        beat.wantsUnicast = true
        beat.repeatAfter = repeatAfter
        let asked = delivery.heard(
            beat, zone: zone, from: SocketAddress(address: IPv4Address(0x7F00_0001), port: UInt16(box.localPort)),
            now: MonotonicClock.now())
        #expect(asked)
        return (box, delivery)
    }

    @Test func sendingASealedFrameToUnicastBoxesAllocatesNothing() throws {
        let (box, delivery) = try Self.unicastBox(zone: "alloc")
        let result = try Self.framesThatAllocate(signed: true, group: "239.255.79.63:5004", unicast: delivery)
        #expect(result.allocating == 0, "\(result.allocating) of \(result.counted) frames allocated")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        var received = 0
        while case .datagram = try box.receive(into: buffer) { received += 1 }
        #expect(received == result.sent, "\(received) unicast copies for \(result.sent) packets")
    }

    /// Issue 14, redundancy: a box that asks for each packet again 2 packets later gets every packet twice (all but
    /// the last 2, not yet repeated), the second copy the very bytes of the first, and sending still allocates
    /// nothing.
    @Test func aBoxThatAsksForRedundancyGetsEveryPacketAgainTwoLater() throws {
        let (box, delivery) = try Self.unicastBox(zone: "again", repeatAfter: 2)
        let result = try Self.framesThatAllocate(signed: true, group: "239.255.79.64:5004", unicast: delivery)
        #expect(result.allocating == 0, "\(result.allocating) of \(result.counted) frames allocated")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        var copies: [UInt16: [[UInt8]]] = [:]
        while case .datagram(let length) = try box.receive(into: buffer) {
            let sequence = UInt16(buffer[2]) << 8 | UInt16(buffer[3])
            copies[sequence, default: []].append(Array(buffer[0..<length]))
        }
        let total = copies.values.reduce(0) { $0 + $1.count }
        #expect(total == 2 * result.sent - 2, "\(total) copies for \(result.sent) packets")
        #expect(copies.values.filter { $0.count == 2 }.allSatisfy { $0[0] == $0[1] })
        #expect(delivery.counts.repeated == result.sent - 2)
    }
}
