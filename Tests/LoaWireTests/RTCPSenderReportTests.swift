import Testing

@testable import LoaWire

/// RTCP sender reports (RFC 3550 §6.4.1) in a compound packet with the source's CNAME (§6.5.1).
@Suite("RTCP sender report")
struct RTCPSenderReportTests {
    let report = RTCPSenderReport(
        ssrc: 0x1122_3344, ntpTime: 0xE8F0_0000_8000_0000, rtpTimestamp: 0xAABB_CCDD, packetCount: 300,
        octetCount: 24_000, cname: "thon-dong")

    @Test func theBytesAreThoseOfTheRFC() {
        let bytes = report.encoded
        // SR: V=2 RC=0, PT=200, length 6 words − … (28 bytes), SSRC, NTP, RTP, packets, octets.
        #expect(Array(bytes[0..<4]) == [0x80, 200, 0, 6])
        #expect(Array(bytes[4..<8]) == [0x11, 0x22, 0x33, 0x44])
        #expect(Array(bytes[8..<16]) == [0xE8, 0xF0, 0, 0, 0x80, 0, 0, 0])
        #expect(Array(bytes[16..<20]) == [0xAA, 0xBB, 0xCC, 0xDD])
        #expect(Array(bytes[20..<24]) == [0, 0, 1, 44])
        #expect(Array(bytes[24..<28]) == [0, 0, 0x5D, 0xC0])
        // SDES: V=2 SC=1, PT=202; chunk = SSRC + CNAME(1, 9, "thon-dong") + end, padded: 4+2+9+1 → 16 bytes.
        #expect(Array(bytes[28..<32]) == [0x81, 202, 0, 4])
        #expect(Array(bytes[32..<36]) == [0x11, 0x22, 0x33, 0x44])
        #expect(Array(bytes[36..<38]) == [1, 9])
        #expect(Array(bytes[38..<47]) == Array("thon-dong".utf8))
        #expect(Array(bytes[47..<48]) == [0])
        #expect(bytes.count == 48)
        #expect(bytes.count % 4 == 0)
    }

    @Test func itReadsBackAndRefusesWhatIsNotASenderReport() throws {
        #expect(try RTCPSenderReport(decoding: report.encoded) == report)
        var named = report
        named.cname = "abcd"  // 4+2+4 = 10 → one zero and padding to 12
        #expect(try RTCPSenderReport(decoding: named.encoded) == named)
        #expect(throws: DecodeError.self) { try RTCPSenderReport(decoding: Array(report.encoded.prefix(30))) }
        var receiverReport = report.encoded
        receiverReport[1] = 201
        #expect(throws: DecodeError.badMagic) { try RTCPSenderReport(decoding: receiverReport) }
    }

    @Test func ntpTimeIsSecondsSince1900WithABinaryFraction() {
        #expect(RTCPSenderReport.ntpTime(unixNanoseconds: 0) == UInt64(2_208_988_800) << 32)
        #expect(RTCPSenderReport.ntpTime(unixNanoseconds: 1_500_000_000) == (UInt64(2_208_988_801) << 32) | 0x8000_0000)
        let now: Int64 = 1_796_169_600_123_456_789  // 2026-12-01
        let back = RTCPSenderReport.unixNanoseconds(ntpTime: RTCPSenderReport.ntpTime(unixNanoseconds: now))
        #expect(abs(back - now) <= 1, "\(back) for \(now)")
    }
}
