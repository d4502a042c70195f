import Foundation
import LoaCodec
import LoaTestSupport
import LoaWire
import Testing

extension RealProcesses {
    /// Each zone's `bitrate` from the config file is what its stream carries: one bulletin queued to a hamlet on
    /// a thin 4G link (16 kbit/s) and to one on fibre (64 kbit/s) is encoded once per setting, at queue time, and
    /// each zone's packets are sized for its own bitrate; the SDP says the same.
    @Suite("Zone bitrate")
    struct ZoneBitrateTests {
        /// Mean Opus payload bytes of the RTP packets recorded.
        static func meanPayload(_ packets: [[UInt8]]) -> Double {
            let sizes = packets.compactMap { bytes in
                bytes.withUnsafeBytes { raw in (try? RTPPacket(parsing: raw)).map { $0.payload.count } }
            }
            return sizes.isEmpty ? 0 : Double(sizes.reduce(0, +)) / Double(sizes.count)
        }

        @Test func eachZoneAirsTheBulletinAtItsOwnBitrate() throws {
            let harness = try Harness(groupOctet: 52)
            let fibreGroup = "239.255.79.252"
            try """
            zones:
              - name: thon-xa
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
                bitrate: 16000
              - name: trung-tam
                group: \(fibreGroup):\(harness.port + 1)
                interface: 127.0.0.1
                ttl: 0
                bitrate: 64000
            """.write(toFile: harness.path("zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("zones.yaml"))
            let thin = PacketRecorder(group: harness.group, port: harness.port)
            let fibre = PacketRecorder(group: fibreGroup, port: harness.port + 1)
            let clip = try harness.speech(
                "clip.wav", "Thông báo lịch cắt điện ngày mai cho toàn xã, từ bảy giờ đến mười một giờ.")
            try harness.queueAndWait([clip], zone: "thon-xa,trung-tam")
            let thinPackets = thin.stop()
            let fibrePackets = fibre.stop()
            #expect(thinPackets.count > 100 && abs(thinPackets.count - fibrePackets.count) <= 2)
            let thinBytes = Self.meanPayload(thinPackets)
            let fibreBytes = Self.meanPayload(fibrePackets)
            // 16 kbit/s is 40 bytes per 20 ms frame, 64 kbit/s 160 (speech with pauses uses less of the latter).
            #expect(thinBytes < 50, "16 kbit/s zone: \(thinBytes) bytes per packet")
            #expect(fibreBytes > 2.5 * thinBytes, "64 kbit/s zone: \(fibreBytes) bytes per packet against \(thinBytes)")
            let thinSDP = try harness.run("/usr/bin/curl", ["-sf", harness.controllerURL + "/zones/thon-xa/sdp"]).out
            let fibreSDP = try harness.run("/usr/bin/curl", ["-sf", harness.controllerURL + "/zones/trung-tam/sdp"]).out
            #expect(thinSDP.contains("maxaveragebitrate=16000") && fibreSDP.contains("maxaveragebitrate=64000"))
        }
    }
}

extension RealProcesses {
    /// The low-latency profile, as a commune sets it: `frame-ms: 10` in the controller's config and
    /// `--jitter-ms 20` on the receivers. The stream carries 10 ms frames (RTP timestamps 480 apart, SDP ptime
    /// 10) and a receiver plays the bulletin whole.
    @Suite("Low-latency profile")
    struct LowLatencyProfileTests {
        @Test func tenMillisecondFramesPlayWhole() throws {
            let harness = try Harness(groupOctet: 54)
            // Clips at their own level (as the harness's default controller), so what plays compares with the source.
            try """
            frame-ms: 10
            loudness: off
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
            """.write(toFile: harness.path("fast.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("fast.yaml"))
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output, jitterMilliseconds: 20)
            let recorder = PacketRecorder(group: harness.group, port: harness.port)
            let clip = try harness.speech("clip.wav", "Bản tin nhanh: chợ phiên sáng mai họp sớm từ năm giờ.")
            try harness.queueAndWait([clip])
            let packets = recorder.stop()
            harness.stop(receiver)
            let headers = packets.compactMap { bytes in bytes.withUnsafeBytes { try? RTPPacket(parsing: $0).header } }
            #expect(headers.count > 100)
            let steps = zip(headers, headers.dropFirst()).map { $1.timestamp &- $0.timestamp }
            #expect(steps.allSatisfy { $0 == 480 }, "timestamp steps: \(Set(steps))")
            let sdp = try harness.run("/usr/bin/curl", ["-sf", harness.controllerURL + "/zones/all/sdp"]).out
            #expect(sdp.contains("a=ptime:10"), "\(sdp)")
            // What plays is compared with the stream itself, decoded packet by packet (the codec's own loss at 10 ms
            // frames is not the box's: against the clip, a box that plays every frame scores only about 0.92).
            let decoder = try OpusDecoder()
            var pcm = [Int16](repeating: 0, count: OpusFormat.maximumPacketSamples)
            var stream: [Float] = []
            var sequences = Set<UInt16>()
            for bytes in packets {
                try bytes.withUnsafeBytes { datagram in
                    guard let packet = try? RTPPacket(parsing: datagram),
                        sequences.insert(packet.header.sequenceNumber).inserted
                    else { return }
                    let count = try pcm.withUnsafeMutableBufferPointer {
                        try decoder.decode(UnsafeRawBufferPointer(rebasing: datagram[packet.payload]), into: $0)
                    }
                    stream += pcm[0..<count].map(Float.init)
                }
            }
            let played = try AudioComparison.raw16(output)
            let log = (try? String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)) ?? ""
            let statistics = log.split(separator: "\n").last { $0.contains("statistics") } ?? "no statistics"
            #expect(AudioComparison.compare(source: stream, played: played).correlation >= 0.95, "\(statistics)")
            #expect(abs(played.count - stream.count) < 1_200, "\(played.count) samples for \(stream.count)")
        }
    }
}
