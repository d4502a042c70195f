import Testing

@testable import LoaWire

/// Generic NACKs (RFC 4585 §6.2.1): what a box sends to ask for lost packets again.
@Suite("RTCP generic NACK")
struct RTCPGenericNACKTests {
    let nack = RTCPGenericNACK(senderSSRC: 0x0102_0304, mediaSSRC: 0xA1A2_A3A4, lost: [100, 101, 103, 117, 118])

    @Test func theBytesAreThoseOfTheRFC() {
        // 100 with 101 (bit 0) and 103 (bit 2); 117 is 17 after 100, so it starts an entry, with 118 (bit 0).
        #expect(
            nack.encoded == [
                0x81, 205, 0, 4, 0x01, 0x02, 0x03, 0x04, 0xA1, 0xA2, 0xA3, 0xA4, 0, 100, 0, 0b101, 0, 117, 0, 1,
            ])
    }

    @Test func itReadsBack() throws {
        #expect(try RTCPGenericNACK(decoding: nack.encoded) == nack)
    }

    @Test func aBurstAcrossTheWrapIsOneEntry() throws {
        let burst = RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [65534, 65535, 0, 1])
        #expect(burst.entries.count == 1)
        #expect(burst.entries.first?.pid == 65534)
        #expect(burst.entries.first?.blp == 0b111)
        #expect(try RTCPGenericNACK(decoding: burst.encoded).lost == [65534, 65535, 0, 1])
    }

    @Test func aLongListIsCutAtTheLargestPacket() throws {
        let spread = (0..<40).map { UInt16($0 * 20) }
        let long = RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: spread)
        #expect(long.entries.count == RTCPGenericNACK.maximumEntries)
        #expect(try RTCPGenericNACK(decoding: long.encoded).lost == Array(spread.prefix(32)))
    }

    @Test func repeatsAreNamedOnce() throws {
        let repeated = RTCPGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [7, 7, 8])
        #expect(repeated.entries.count == 1)
        #expect(try RTCPGenericNACK(decoding: repeated.encoded).lost == [7, 8])
    }

    @Test func whatIsNotAGenericNACKIsRefused() {
        var pli = nack.encoded
        pli[0] = 0x80 | 15  // another feedback format
        #expect(throws: DecodeError.badMagic) { try RTCPGenericNACK(decoding: pli) }
        var senderReport = nack.encoded
        senderReport[1] = 200
        #expect(throws: DecodeError.badMagic) { try RTCPGenericNACK(decoding: senderReport) }
        #expect(throws: DecodeError.badValue) { try RTCPGenericNACK(decoding: Array(nack.encoded.prefix(16))) }
        #expect(throws: DecodeError.badValue) { try RTCPGenericNACK(decoding: nack.encoded + [0, 0, 0, 0]) }
        let empty: [UInt8] = [0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]
        #expect(throws: DecodeError.badValue) { try RTCPGenericNACK(decoding: empty) }
        var version = nack.encoded
        version[0] = 0x41
        #expect(throws: DecodeError.badVersion) { try RTCPGenericNACK(decoding: version) }
    }
}
