import LoaWire
import Testing

@Suite("RTP packetiser and depacketiser")
struct RTPPacketTests {
    /// Builds a packet with the writer and parses it back.
    func roundTrip(_ header: RTPHeader, payload: [UInt8]) throws -> (RTPPacket, [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: 1500)
        let length = payload.withUnsafeBytes { p in buffer.withUnsafeMutableBytes { header.write(payload: p, into: $0) }
        }
        let bytes = Array(buffer[0..<length])
        let packet = try bytes.withUnsafeBytes { try RTPPacket(parsing: $0) }
        return (packet, bytes)
    }

    func parse(_ bytes: [UInt8]) throws(RTPParseError) -> RTPPacket {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        return try RTPPacket(parsing: UnsafeRawBufferPointer(raw))
    }

    @Test func writesAndReadsEveryHeaderField() throws {
        let header = RTPHeader(
            marker: true, payloadType: 111, sequenceNumber: 0xFFFF, timestamp: 0xFFFF_FFFF, ssrc: 0xDEAD_BEEF)
        let (packet, bytes) = try roundTrip(header, payload: [0x78, 1, 2, 3])
        #expect(packet.header == header)
        #expect(bytes[0] == 0x80)
        #expect(bytes[1] == 0x80 | 111)
        #expect(Array(bytes[packet.payload]) == [0x78, 1, 2, 3])
        #expect(packet.extensionProfile == nil)
    }

    @Test func markerBitIsOnlySetWhenAsked() throws {
        let header = RTPHeader(marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3)
        let (packet, bytes) = try roundTrip(header, payload: [0x78])
        #expect(packet.header.marker == false)
        #expect(bytes[1] == 96)
    }

    @Test func skipsCSRCsExtensionAndPadding() throws {
        // V=2, P=1, X=1, CC=2; M=1 PT=111; seq 0x1234; ts 0x01020304; ssrc 0x0A0B0C0D
        var bytes: [UInt8] = [0xB2, 0xEF, 0x12, 0x34, 1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D]
        bytes += [0, 0, 0, 1, 0, 0, 0, 2]  // two CSRCs
        bytes += [0xBE, 0xDE, 0, 2, 0x10, 0xAA, 0, 0, 0x21, 0xBB, 0xCC, 0]  // RFC 8285 one-byte extension, 2 words
        bytes += [0x78, 0x55, 0x66]  // payload
        bytes += [0, 0, 3]  // 3 bytes of padding
        let packet = try parse(bytes)
        #expect(packet.header.sequenceNumber == 0x1234)
        #expect(packet.header.timestamp == 0x0102_0304)
        #expect(packet.header.ssrc == 0x0A0B_0C0D)
        #expect(packet.header.marker)
        #expect(packet.extensionProfile == 0xBEDE)
        #expect(Array(bytes[packet.extensionData]) == [0x10, 0xAA, 0, 0, 0x21, 0xBB, 0xCC, 0])
        #expect(Array(bytes[packet.payload]) == [0x78, 0x55, 0x66])
    }

    @Test func rejectsMalformedPackets() {
        let good: [UInt8] = [0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x78]
        #expect(throws: RTPParseError.truncated) { try parse(Array(good[0..<11])) }
        #expect(throws: RTPParseError.truncated) { try parse([]) }
        var version1 = good
        version1[0] = 0x40
        #expect(throws: RTPParseError.badVersion) { try parse(version1) }
        #expect(throws: RTPParseError.emptyPayload) { try parse(Array(good[0..<12])) }
        var tooManyCSRC = good
        tooManyCSRC[0] = 0x8F  // 15 CSRCs announced, none there
        #expect(throws: RTPParseError.truncated) { try parse(tooManyCSRC) }
        var longExtension = good + [0, 0, 0]
        longExtension[0] = 0x90
        longExtension[12] = 0xBE
        longExtension[13] = 0xDE
        longExtension[14] = 0x00
        longExtension[15] = 0x09  // 9 words announced
        #expect(throws: RTPParseError.truncated) { try parse(longExtension) }
        var zeroPadding = good + [0]
        zeroPadding[0] = 0xA0
        #expect(throws: RTPParseError.badPadding) { try parse(zeroPadding) }
        var hugePadding = good + [200]
        hugePadding[0] = 0xA0
        #expect(throws: RTPParseError.badPadding) { try parse(hugePadding) }
        var allPadding = good
        allPadding[0] = 0xA0
        allPadding[12] = 1  // the only payload byte is the padding count
        #expect(throws: RTPParseError.emptyPayload) { try parse(allPadding) }
    }

    @Test func writerRefusesATooSmallBuffer() {
        let header = RTPHeader(marker: false, payloadType: 111, sequenceNumber: 0, timestamp: 0, ssrc: 1)
        var small = [UInt8](repeating: 0, count: 13)
        let payload: [UInt8] = [1, 2]
        let length = payload.withUnsafeBytes { p in small.withUnsafeMutableBytes { header.write(payload: p, into: $0) }
        }
        #expect(length == 0)
    }
}

@Suite("Sequence numbers and timestamps across wrap-around")
struct SequenceTests {
    @Test func extendsAcrossWrapAround() {
        var extender = SequenceExtender()
        let first = extender.extend(65534)
        #expect(extender.extend(65535) == first + 1)
        #expect(extender.extend(0) == first + 2)
        #expect(extender.extend(1) == first + 3)
        // A late packet from before the wrap keeps its place.
        #expect(extender.extend(65533) == first - 1)
        #expect(extender.extend(2) == first + 4)
    }

    @Test func handlesReorderingAndLongRuns() {
        var extender = SequenceExtender()
        var expected = extender.extend(100)
        var sequence: UInt16 = 100
        for _ in 0..<200_000 {
            sequence &+= 1
            expected += 1
            #expect(extender.extend(sequence) == expected)
        }
        #expect(extender.extend(sequence &- 5) == expected - 5)
    }

    @Test func timestampWrapsInTheHeader() throws {
        let header = RTPHeader(
            marker: false, payloadType: 111, sequenceNumber: 65535, timestamp: UInt32.max - 959, ssrc: 9)
        var next = header
        next.sequenceNumber &+= 1
        next.timestamp &+= 960
        #expect(next.sequenceNumber == 0)
        #expect(next.timestamp == 0)
        var buffer = [UInt8](repeating: 0, count: 64)
        let payload: [UInt8] = [0x78]
        let length = payload.withUnsafeBytes { p in buffer.withUnsafeMutableBytes { next.write(payload: p, into: $0) } }
        let parsed = try buffer[0..<length].withUnsafeBytes { try RTPPacket(parsing: $0) }
        #expect(parsed.header.sequenceNumber == 0 && parsed.header.timestamp == 0)
    }
}

@Suite("Opus table-of-contents")
struct OpusPacketInfoTests {
    func info(_ bytes: [UInt8]) -> OpusPacketInfo? { bytes.withUnsafeBytes { OpusPacketInfo(payload: $0) } }

    @Test func readsFrameDurations() {
        #expect(info([0x78])?.samples == 960)  // config 15: hybrid FB 20 ms
        #expect(info([0x08])?.samples == 960)  // config 1: SILK NB 20 ms
        #expect(info([0x18])?.samples == 2880)  // config 3: SILK NB 60 ms
        #expect(info([0xF8])?.samples == 960)  // config 31: CELT FB 20 ms
        #expect(info([0x80])?.samples == 120)  // config 16: CELT 2.5 ms
        #expect(info([0x79])?.frames == 2)  // code 1: two frames
        #expect(info([0x7B, 0x03])?.samples == 2880)  // code 3, three 20 ms frames
    }

    @Test func refusesImpossiblePackets() {
        #expect(info([]) == nil)
        #expect(info([0x7B]) == nil)  // code 3 without its count byte
        #expect(info([0x7B, 0x00]) == nil)  // zero frames
        #expect(info([0x7B, 0x07]) == nil)  // 7 × 20 ms > 120 ms
    }
}
