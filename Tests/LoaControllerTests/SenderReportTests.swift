import Foundation
import LoaController
import LoaSource
import LoaSystem
import LoaWire
import Testing

/// The media timeline of a zone stream (issue 13, point 2), read off real sockets: each packet's seal carries the
/// instant its first sample is due out of every box's DAC (its send deadline on the seal clock plus the zone's
/// playout delay, a whole millisecond), and RTCP sender reports at the group's port + 1 (with an item's first
/// packet, then every 5 s) map the RTP timestamp onto the same clock for standard receivers.
@Suite("Sender reports and the media timeline")
struct SenderReportTests {
    @Test func reportsMapTheTimestampToTheSealClockThatSealsCarryPlusTheDelay() throws {
        var zone = PacerTests.zones(1, octet: 60)[0]
        zone.playoutDelayMilliseconds = 237
        let media = try PacerTests.listen(zone)
        let reports = try UDPSocket()
        let reportGroup = SocketAddress(address: zone.group.address, port: zone.group.port + 1)
        try reports.bind(reportGroup)
        try reports.join(reportGroup.address, on: NetworkInterface("127.0.0.1")!)

        let stream = try BenchmarkZoneStream(zone: zone, signed: true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer { buffer.deallocate() }
        // Two items of 300 frames (6 s each), sent at once: the deadlines are what count, not when they went.
        var sent = 0
        for id in [Int64(1), 2] {
            stream.play(PacerTests.clip(frames: 300, tag: UInt8(id)), id: id, now: MonotonicClock.now())
            while stream.nextDeadline != nil {
                _ = stream.sendDue(now: .max, buffer: buffer)
                sent += 1
            }
        }
        // Each packet's timestamp and seal time (ms).
        var sealed: [UInt32: UInt64] = [:]
        var timestamps: [UInt32] = []
        while timestamps.count < sent, media.waitReadable(until: MonotonicClock.now() + 10_000_000_000) {
            guard case .datagram(let length) = try media.receive(into: buffer) else { continue }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            let packet = try RTPPacket(parsing: bytes)
            let seal = try #require(PacketSeal.read(packet, in: bytes)).0
            sealed[packet.header.timestamp] = seal.sendTime
            timestamps.append(packet.header.timestamp)
        }
        #expect(timestamps.count == 600)
        // Sealed times are 20 ms apart, as the timestamps are 960 samples apart, within an item.
        for index in 1..<300 {
            #expect(sealed[timestamps[index]]! == sealed[timestamps[index - 1]]! + 20)
        }

        var heard: [RTCPSenderReport] = []
        while reports.waitReadable(until: MonotonicClock.now() + 2_000_000_000) {
            guard case .datagram(let length) = try reports.receive(into: buffer) else { continue }
            heard.append(try RTCPSenderReport(decoding: Array(buffer[0..<length])))
        }
        // Per item: at its start and 5 s in.
        #expect(heard.count == 4, "\(heard.count) reports")
        #expect(heard.first?.rtpTimestamp == timestamps[0])
        #expect(heard.count > 2 && heard[2].rtpTimestamp == timestamps[300])
        #expect(heard.first?.cname == "loa-" + zone.name)
        #expect(Set(heard.map(\.ssrc)).count == 1)
        for report in heard {
            // The reported instant plus the delay is the sealed instant of the same sample, to the 1/48 ms of a
            // sample (the deadline may lie between two samples).
            let sealedTime = try #require(sealed[report.rtpTimestamp])
            let instant = RTCPSenderReport.unixNanoseconds(ntpTime: report.ntpTime)
            let error = instant + 237_000_000 - Int64(sealedTime) * 1_000_000
            #expect(error > -25_000 && error <= 1, "\(error) ns")
            #expect(Int(report.packetCount) <= sent && report.octetCount == report.packetCount * 3)
        }
        #expect(heard.last!.packetCount > heard.first!.packetCount)
    }
}
