import Foundation
import LoaController
import LoaSource
import LoaSystem
import LoaWire
import Synchronization
import Testing

/// The real `Pacer` on several threads, its packets caught on real sockets (multicast, TTL 0, 127.0.0.1).
@Suite("Pacer") struct PacerTests {
    /// A clip of `frames` frames whose payloads say which frame they are: [tag, frame high byte, frame low byte].
    static func clip(frames: Int, tag: UInt8) -> EncodedClip {
        var clip = EncodedClip(frameMilliseconds: 20)
        for frame in 0..<frames {
            let payload: [UInt8] = [tag, UInt8(frame >> 8), UInt8(frame & 0xFF)]
            payload.withUnsafeBytes { clip.append($0) }
        }
        return clip
    }

    static func zones(_ count: Int, octet: Int) -> [Zone] {
        (0..<count).map { index in
            Zone(
                name: "z" + String(index),
                group: SocketAddress("239.255.79." + String(octet + index) + ":" + String(5479 + octet + index))!,
                interface: "127.0.0.1", ttl: 0)
        }
    }

    /// A socket joined to `zone`'s group.
    static func listen(_ zone: Zone) throws -> UDPSocket {
        let socket = try UDPSocket()
        try socket.bind(zone.group)
        try socket.join(zone.group.address, on: NetworkInterface("127.0.0.1")!)
        socket.setReceiveBuffer(bytes: 1 << 20)
        return socket
    }

    struct Heard {
        var header: RTPHeader
        var payload: [UInt8]
    }

    /// Reads `socket` until `count` packets came or 10 s passed without one.
    static func receive(_ socket: UDPSocket, count: Int) throws -> [Heard] {
        var heard: [Heard] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        while heard.count < count, socket.waitReadable(until: MonotonicClock.now() + 10_000_000_000) {
            guard case .datagram(let length) = try socket.receive(into: buffer) else { continue }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            let packet = try RTPPacket(parsing: bytes)
            heard.append(Heard(header: packet.header, payload: Array(bytes[packet.payload])))
        }
        return heard
    }

    /// Events until `wanted` of them came (or 10 s passed).
    static func events(_ pacer: Pacer, _ wanted: Int) async -> [AirEvent] {
        let collected = Mutex<[AirEvent]>([])
        let task = Task {
            for await event in pacer.events {
                let count = collected.withLock { list in
                    list.append(event)
                    return list.count
                }
                if count >= wanted { return }
            }
        }
        let limit = MonotonicClock.now() + 10_000_000_000
        while collected.withLock({ $0.count }) < wanted && MonotonicClock.now() < limit {
            try? await Task.sleep(for: .milliseconds(5))
        }
        task.cancel()
        return collected.withLock { $0 }
    }

    @Test("zones dealt to three threads each send their whole item, in order, as one RTP stream")
    func severalThreads() async throws {
        let zones = Self.zones(7, octet: 1)
        let sockets = try zones.map(Self.listen)
        let pacer = try Pacer(zones: zones, threads: 3)
        #expect(pacer.threadCount == 3)
        pacer.start()
        defer { pacer.shutdown() }
        for (index, zone) in zones.enumerated() {
            pacer.play(
                ReadyItem(id: Int64(100 + index), clip: Self.clip(frames: 30, tag: UInt8(index))), zone: zone.name)
        }
        for (index, socket) in sockets.enumerated() {
            let heard = try Self.receive(socket, count: 30)
            #expect(heard.count == 30, "zone \(index)")
            #expect(Set(heard.map(\.header.ssrc)).count == 1)
            for (frame, packet) in heard.enumerated() {
                #expect(packet.payload == [UInt8(index), 0, UInt8(frame)], "zone \(index) frame \(frame)")
                #expect(packet.header.marker == (frame == 0))
                #expect(packet.header.sequenceNumber == heard[0].header.sequenceNumber &+ UInt16(frame))
                #expect(packet.header.timestamp == heard[0].header.timestamp &+ UInt32(frame * 960))
            }
        }
        let events = await Self.events(pacer, 14)
        for (index, zone) in zones.enumerated() {
            let id = Int64(100 + index)
            #expect(events.contains { if case .started(id, zone.name, _) = $0 { true } else { false } })
            #expect(events.contains { if case .finished(id, zone.name, _, 30) = $0 { true } else { false } })
        }
        #expect(zones.allSatisfy { pacer.packetsSent(zone: $0.name) == 30 && pacer.onAir(zone: $0.name) == nil })
    }

    @Test("an item cut by another goes on in the same stream without a gap; stop takes a zone off the air")
    func cutAndStop() async throws {
        let zones = Self.zones(2, octet: 20)
        let sockets = try zones.map(Self.listen)
        let pacer = try Pacer(zones: zones, threads: 2)
        pacer.start()
        defer { pacer.shutdown() }
        pacer.play(ReadyItem(id: 1, clip: Self.clip(frames: 3000, tag: 1)), zone: "z0")
        pacer.play(ReadyItem(id: 2, clip: Self.clip(frames: 3000, tag: 2)), zone: "z1")
        let before = try Self.receive(sockets[0], count: 10)
        pacer.play(ReadyItem(id: 3, clip: Self.clip(frames: 5, tag: 3), startFrame: 2), zone: "z0")
        pacer.stop(zone: "z1")
        var heard = before
        while heard.last?.payload.first != 3 || heard.last?.payload.last != 4 {
            let more = try Self.receive(sockets[0], count: 1)
            try #require(!more.isEmpty, "the cutting item's last frame never came")
            heard += more
        }
        let cut = try #require(heard.firstIndex { $0.payload.first == 3 })
        #expect(heard[cut].header.marker)
        #expect(heard[cut].payload == [3, 0, 2])
        #expect(heard[cut...].map(\.payload) == (2..<5).map { [3, 0, UInt8($0)] })
        for (offset, packet) in heard.enumerated() {
            #expect(packet.header.sequenceNumber == heard[0].header.sequenceNumber &+ UInt16(offset))
        }
        let events = await Self.events(pacer, 6)
        let frameCut = cut  // the first item reached this frame before the cut
        #expect(events.contains(.stopped(airing: 1, zone: "z0", at: eventTime(events, 1), frame: frameCut)))
        #expect(events.contains { if case .stopped(2, "z1", _, let frame) = $0 { frame > 0 } else { false } })
        #expect(events.contains { if case .finished(3, "z0", _, 5) = $0 { true } else { false } })
        #expect(pacer.onAir(zone: "z1") == nil)
    }

    @Test("each stream starts at a random sequence number, timestamp and SSRC")
    func randomStart() throws {
        let zones = Self.zones(4, octet: 30)
        let sockets = try zones.map(Self.listen)
        let pacer = try Pacer(zones: zones, threads: 2)
        pacer.start()
        defer { pacer.shutdown() }
        for zone in zones { pacer.play(ReadyItem(id: 1, clip: Self.clip(frames: 2, tag: 0)), zone: zone.name) }
        let firsts = try sockets.map { try #require(Self.receive($0, count: 1).first).header }
        // Four streams with the same start would mean a fixed start, not chance (2^-48 for any two alike).
        #expect(Set(firsts.map(\.ssrc)).count == 4)
        #expect(Set(firsts.map { [Int($0.sequenceNumber), Int($0.timestamp)] }).count == 4)
    }

    @Test("sequence numbers and timestamps wrap around as RFC 3550 counts them")
    func wrapAround() throws {
        let zone = Self.zones(1, octet: 40)[0]
        let socket = try Self.listen(zone)
        let stream = try BenchmarkZoneStream(zone: zone, first: (sequenceNumber: 65_533, timestamp: UInt32.max - 5_000))
        stream.play(Self.clip(frames: 8, tag: 9), id: 1, now: MonotonicClock.now())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        // Send every frame at once: a deadline in the far future has passed for all of them.
        while stream.nextDeadline != nil { _ = stream.sendDue(now: .max, buffer: buffer) }
        let heard = try Self.receive(socket, count: 8)
        #expect(heard.map(\.header.sequenceNumber) == [65_533, 65_534, 65_535, 0, 1, 2, 3, 4])
        for (index, packet) in heard.enumerated().dropFirst() {
            #expect(packet.header.timestamp == heard[index - 1].header.timestamp &+ 960)
        }
        #expect(heard.last!.header.timestamp < heard.first!.header.timestamp, "the timestamp wrapped")
        #expect(heard.map(\.payload) == (0..<8).map { [9, 0, UInt8($0)] })
    }

    @Test("a live item joins its feed's edge half a frame after encoding, skips a late frame, ends with its feed")
    func liveItem() throws {
        let zone = Self.zones(1, octet: 41)[0]
        let socket = try Self.listen(zone)
        let stream = try BenchmarkZoneStream(zone: zone)
        let feed = LiveFeed(frameMilliseconds: 20, reservedMinutes: 1)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        func append(_ index: Int, to feed: LiveFeed, at instant: UInt64) {
            [UInt8(7), 0, UInt8(index)].withUnsafeBytes { feed.append($0, at: instant) }
        }
        // Frames 0-4 encoded one per 20 ms, the last just now: frame 4 goes first, half a frame (10 ms) after it was
        // encoded (to the next whole millisecond).
        let now = MonotonicClock.now()
        for index in 0..<5 { append(index, to: feed, at: now - UInt64(4 - index) * 20_000_000) }
        stream.play(live: feed, id: 1, now: now)
        let due = try #require(stream.nextDeadline)
        #expect(due - now >= 10_000_000 && due - now < 11_000_000, "sent \(due - now) ns after it was encoded")
        #expect(due % 1_000_000 == 0, "on a whole millisecond")
        let first = 4
        // Frames first...4 go out; frame 5 is not there at its deadline: it is skipped, the item goes on.
        for _ in first...5 { #expect(!stream.sendDue(now: .max, buffer: buffer)) }
        #expect(stream.framesMissed == 1)
        append(5, to: feed, at: MonotonicClock.now())
        append(6, to: feed, at: MonotonicClock.now())
        #expect(!stream.sendDue(now: .max, buffer: buffer))
        feed.end()
        #expect(stream.sendDue(now: .max, buffer: buffer), "the item ends once its feed has ended")
        #expect(stream.nextDeadline == nil)
        let heard = try Self.receive(socket, count: 6 - first)
        #expect(heard.map(\.payload) == (first...4).map { [7, 0, UInt8($0)] } + [[7, 0, 6]])
        let sequence = heard[0].header.sequenceNumber
        #expect(heard[0].header.marker, "the first packet of the item is marked")
        #expect(
            heard.last!.header.sequenceNumber == sequence &+ UInt16(6 - first), "the skipped frame counts as lost")
        #expect(heard.last!.header.timestamp == heard[0].header.timestamp &+ UInt32(6 - first) * 960)

        // A feed with no frame yet (the input has just opened): the stream sends nothing and misses nothing while
        // it waits, a frame period at a time; its first frame goes out when it comes, marked.
        let empty = LiveFeed(frameMilliseconds: 20, reservedMinutes: 1)
        stream.play(live: empty, id: 2, now: MonotonicClock.now())
        let waiting = try #require(stream.nextDeadline)
        #expect(!stream.sendDue(now: .max, buffer: buffer))
        #expect(stream.nextDeadline == waiting + 20_000_000, "it looks again a frame period later")
        #expect(stream.framesMissed == 1, "waiting for the first frame misses none")
        append(0, to: empty, at: waiting + 10_000_000)
        #expect(!stream.sendDue(now: .max, buffer: buffer))
        #expect(stream.nextDeadline == waiting + 40_000_000, "frame 1 is due a frame after frame 0")
        let joined = try Self.receive(socket, count: 1)
        #expect(joined.map(\.payload) == [[7, 0, 0]])
        #expect(joined[0].header.marker)
    }

    /// The time of the stopped event of `airing` (events carry wall times the test cannot know).
    private func eventTime(_ events: [AirEvent], _ airing: Int64) -> Int64 {
        for event in events { if case .stopped(airing, _, let at, _) = event { return at } }
        return -1
    }
}

@Suite("Deadline queue") struct DeadlineQueueTests {
    @Test("pops entries earliest first, only those due, and grows past its reserved capacity")
    func order() {
        var generator = SystemRandomNumberGenerator()
        var queue = DeadlineQueue(capacity: 8)
        var pushed: [DeadlineQueue.Entry] = []
        for stream in 0..<500 {
            let deadline = UInt64.random(in: 0..<10_000, using: &generator)
            queue.push(deadline, stream: stream)
            pushed.append(DeadlineQueue.Entry(deadline: deadline, stream: stream))
        }
        #expect(queue.count == 500)
        #expect(queue.earliest == pushed.map(\.deadline).min())
        var popped: [DeadlineQueue.Entry] = []
        while let entry = queue.popDue(now: 4_999) { popped.append(entry) }
        #expect(popped.map(\.deadline) == pushed.map(\.deadline).filter { $0 <= 4_999 }.sorted())
        #expect(queue.earliest.map { $0 > 4_999 } ?? true)
        queue.push(3, stream: 9999)
        #expect(queue.popDue(now: 3) == DeadlineQueue.Entry(deadline: 3, stream: 9999))
        while let entry = queue.popDue(now: .max) { popped.append(entry) }
        #expect(queue.isEmpty)
        #expect(Set(popped.map(\.stream)) == Set(0..<500))
        #expect(popped.map(\.deadline) == pushed.map(\.deadline).sorted())
    }
}

extension PacerTests {
    @Test("a pacer that never started shuts down at once, and its events end")
    func shutdownWithoutStart() async throws {
        let pacer = try Pacer(zones: Self.zones(1, octet: 50), threads: 1)
        pacer.play(ReadyItem(id: 1, clip: Self.clip(frames: 5, tag: 0)), zone: "z0")
        pacer.shutdown()
        var events: [AirEvent] = []
        for await event in pacer.events { events.append(event) }
        #expect(events.isEmpty)
    }
}
