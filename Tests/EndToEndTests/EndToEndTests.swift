import Foundation
import LoaTestSupport
import Testing

/// The whole path with real processes: `loa` → `loa-controller` → RTP/Opus multicast (127.0.0.1, TTL 0)
/// → `loa-receiver` → ALSA `file` PCM; and ffmpeg as an independent receiver.
extension RealProcesses {
    @Suite("End to end")
    struct EndToEndTests {
        /// 40 ms at 48 kHz: how far the played length may be from the source's.
        static let lengthTolerance = 1920

        func expectPlayed(_ output: String, matches clip: String) throws {
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(output)
            let (lag, correlation) = AudioComparison.compare(source: source, played: played)
            #expect(correlation >= 0.9, "normalised cross-correlation \(correlation) at lag \(lag)")
            #expect(
                abs(played.count - source.count) <= Self.lengthTolerance,
                "played \(played.count) samples, source \(source.count)")
        }

        @Test func speechQueuedWithLoaIsWhatTheReceiverPlays() throws {
            let harness = try Harness(groupOctet: 1)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let clip = try harness.speech(
                "speech.wav", "Thông báo: chiều nay lúc năm giờ, thôn Đông cắt điện để sửa đường dây. Bà con chú ý.")
            try harness.queueAndWait([clip])
            harness.stop(receiver)
            try expectPlayed(output, matches: clip)
            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            #expect(log.contains("rejected=0"))
            #expect(log.contains("lost=0"))
        }

        @Test func stereoToneSweepAt44kHzIsDownmixedResampledAndPlayed() throws {
            let harness = try Harness(groupOctet: 2)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let clip = try harness.sweep("sweep.wav")
            try harness.queueAndWait([clip])
            harness.stop(receiver)
            try expectPlayed(output, matches: clip)
        }

        /// What phones and Zalo voice messages make (issue 17 point 5): an AAC recording in an M4A file, read through
        /// FFmpeg's libraries where libsndfile cannot, is checked, queued and heard at the box as ffmpeg itself
        /// decodes it.
        @Test func aPhoneRecordingInAACIsCheckedQueuedAndPlayed() throws {
            let harness = try Harness(groupOctet: 165)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let speech = try harness.speech(
                "speech.wav", "Alô, tổ trưởng thôn Đông báo: mai tám giờ họp dân ở nhà văn hóa.")
            let clip = harness.path("tin-nhan-zalo.m4a")
            let made = try harness.run(
                "/usr/bin/ffmpeg",
                ["-loglevel", "error", "-y", "-i", speech, "-ar", "44100", "-c:a", "aac", "-b:a", "64k", clip])
            #expect(made.status == 0, "\(made.err)")
            try harness.queueAndWait([clip])
            harness.stop(receiver)
            try expectPlayed(output, matches: clip)
        }

        @Test func itemsQueuedForAZonePlayOneAfterAnother() throws {
            let harness = try Harness(groupOctet: 3)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let first = try harness.speech("first.wav", "Tin thứ nhất.")
            let second = try harness.sweep("second.wav", seconds: 2)
            let ids = try harness.queueAndWait([first, second])
            harness.stop(receiver)
            #expect(ids.count == 2 && ids[1] > ids[0])
            let played = try AudioComparison.raw16(output)
            let a = try AudioComparison.reference(first)
            let b = try AudioComparison.reference(second)
            // The second item starts right where the first ended (one frame grid, no gap): compare it in place.
            #expect(abs(played.count - (a.count + b.count)) <= 2 * Self.lengthTolerance)
            let firstPart = AudioComparison.compare(source: a, played: Array(played.prefix(a.count + 4800)))
            #expect(firstPart.correlation >= 0.9)
            let secondPart = AudioComparison.compare(source: b, played: Array(played.suffix(b.count + 4800)))
            #expect(secondPart.correlation >= 0.9)
        }

        @Test func ffmpegDecodesTheStreamFromTheControllersSDP() throws {
            let harness = try Harness(groupOctet: 4)
            try harness.startController()
            let sdp = harness.path("state/sdp/all.sdp")
            let text = try String(contentsOfFile: sdp, encoding: .utf8)
            #expect(text.contains("a=rtpmap:111 opus/48000/2"))
            #expect(text.contains("sprop-stereo=0"))
            #expect(text.contains("useinbandfec=1"))
            #expect(text.contains("c=IN IP4 \(harness.group)/0"))
            let served = try harness.run("/usr/bin/curl", ["-sf", harness.controllerURL + "/zones/all/sdp"])
            #expect(served.out == text)

            let heard = harness.path("ffmpeg.wav")
            let ffmpeg = try harness.launch(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-protocol_whitelist", "file,udp,rtp", "-localaddr", "127.0.0.1", "-i",
                    sdp, "-ac", "1", "-ar", "48000", heard,
                ],
                stderr: harness.path("ffmpeg.log"))
            Thread.sleep(forTimeInterval: 1.5)  // ffmpeg joins the group before the stream starts
            let clip = try harness.speech("speech.wav", "Đây là buổi phát thanh thử nghiệm của xã.")
            try harness.queueAndWait([clip])
            harness.stop(ffmpeg, signal: SIGINT)  // ffmpeg finishes the WAV file on SIGINT
            let decoded = harness.path("ffmpeg.raw")
            _ = try harness.run("/usr/bin/ffmpeg", ["-loglevel", "error", "-y", "-i", heard, "-f", "s16le", decoded])
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(decoded)
            let (_, correlation) = AudioComparison.compare(source: source, played: played)
            #expect(correlation >= 0.9)
            #expect(abs(played.count - source.count) <= Self.lengthTolerance)
        }

        /// GStreamer (`udpsrc ! rtpopusdepay ! opusdec`, Debian's gstreamer1.0-tools and plugins) decodes the sealed
        /// stream too: the pipeline is built from the zone's SDP (group, port, payload type, encoding, clock rate).
        @Test func gstreamerDecodesTheStreamDescribedByTheControllersSDP() throws {
            let harness = try Harness(groupOctet: 71)
            try harness.startController()
            let sdp = try String(contentsOfFile: harness.path("state/sdp/all.sdp"), encoding: .utf8)
            func field(_ prefix: String) -> [Substring] {
                sdp.split(whereSeparator: \.isNewline).first { $0.hasPrefix(prefix) }?.dropFirst(prefix.count)
                    .split(whereSeparator: { " /:".contains($0) }) ?? []
            }
            let group = try #require(field("c=IN IP4 ").first)
            let media = field("m=audio ")  // PORT RTP AVP PT
            let rtpmap = field("a=rtpmap:")  // PT opus 48000 2
            try #require(media.count == 4 && rtpmap.count >= 3 && rtpmap[0] == media[3])
            let caps =
                "application/x-rtp,media=audio,clock-rate=\(rtpmap[2]),encoding-name=\(rtpmap[1].uppercased()),payload=\(rtpmap[0])"
            let heard = harness.path("gstreamer.raw")
            // The test process blocks SIGINT and children inherit the mask: unblock it, then run gst-launch-1.0.
            let unblocked =
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM}); os.execv(sys.argv[1], sys.argv[1:])"
            let gstreamer = try harness.launch(
                "/usr/bin/python3",
                [
                    "-c", unblocked, "/usr/bin/gst-launch-1.0", "-e", "-q", "udpsrc", "address=\(group)",
                    "port=\(media[0])", "multicast-iface=lo", "auto-multicast=true",
                    "caps=\(caps)", "!", "rtpopusdepay", "!", "opusdec", "!", "audioconvert", "!", "audioresample", "!",
                    "audio/x-raw,format=S16LE,rate=48000,channels=1", "!", "filesink", "location=\(heard)",
                ], stderr: harness.path("gstreamer.log"))
            Thread.sleep(forTimeInterval: 1.5)  // GStreamer joins the group before the stream starts
            let clip = try harness.speech(
                "speech.wav", "Đây là buổi phát thanh thử nghiệm của xã, nghe bằng GStreamer.")
            try harness.queueAndWait([clip])
            harness.stop(gstreamer, signal: SIGINT)  // with -e: end of stream, the file is complete
            #expect(
                gstreamer.terminationStatus == 0,
                "\((try? String(contentsOfFile: harness.path("gstreamer.log"), encoding: .utf8)) ?? "")")
            try expectPlayed(heard, matches: clip)
        }
    }
}

/// Every test that starts processes runs one at a time: they share two cores and real-time pacing.
@Suite("Real processes", .serialized)
struct RealProcesses {}
