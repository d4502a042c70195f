import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The audio half of the attack suite, with real processes: a receiver plays only what the controller sealed,
    /// fresh, once; it takes its time from the controller, not from its own (wrong) clock.
    @Suite("Authenticated audio")
    struct AuthenticatedAudioTests {
        func refused(_ log: String, _ reason: String) -> Int {
            guard let line = log.split(separator: "\n").last(where: { $0.contains("refused packets:") }),
                let range = line.range(of: reason + "=")
            else { return -1 }
            return Int(line[range.upperBound...].prefix { $0.isNumber }) ?? -1
        }

        func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }

        @Test func aReceiverWhoseClockIsHoursOffPlaysOnControllerTime() throws {
            let harness = try Harness(groupOctet: 13)
            try harness.startController()
            let skew = try harness.run(
                "/usr/bin/env",
                ["LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME=-5h", "/bin/date", "+%s"])
            let offBy =
                Int(Date().timeIntervalSince1970) - (Int(skew.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
            #expect(offBy > 4 * 3600)  // faketime really moves the receiver's wall clock
            let output = harness.path("played.raw")
            // libfaketime, as the faketime command uses it, but without a wrapper process between us and the receiver.
            let receiver = try harness.startReceiver(
                output: output,
                environment: [
                    "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME": "-5h",
                    "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                ])
            let clip = try harness.speech("clip.wav", "Đồng hồ của loa này sai năm tiếng, nhưng loa vẫn phát đúng.")
            try harness.queueAndWait([clip])
            harness.stop(receiver)
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(output)
            #expect(AudioComparison.compare(source: source, played: played).correlation >= 0.9)
        }

        @Test func aRecordedBroadcastReplayedLaterAndAFloodOfForgeriesPlayNothing() throws {
            let harness = try Harness(groupOctet: 14)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let recorder = PacketRecorder(group: harness.group, port: harness.port)
            let clip = try harness.speech("clip.wav", "Bản tin này sẽ bị ghi lại và phát lại.")
            try harness.queueAndWait([clip])
            let recording = recorder.stop()
            #expect(recording.count > 50)
            let genuine = size(output)
            #expect(genuine > 48_000)  // the broadcast itself played

            // Six seconds later (past the 5 s freshness window) the recording is replayed, twice over.
            Thread.sleep(forTimeInterval: 6)
            let sender = JunkSender(group: harness.group, port: harness.port)
            for _ in 0..<2 {
                for packet in recording {
                    sender.send(packet)
                    Thread.sleep(forTimeInterval: 0.002)
                }
            }
            // Then 100 000 forged or altered packets: flipped bits, random signatures, replays.
            var random = SystemRandomNumberGenerator()
            for index in 0..<100_000 {
                var packet = recording[index % recording.count]
                switch index % 3 {
                case 0:
                    packet[Int.random(in: 0..<packet.count, using: &random)] ^= UInt8(
                        1 << Int.random(in: 0..<8, using: &random))
                case 1: for j in 42..<min(106, packet.count) { packet[j] = UInt8.random(in: 0...255, using: &random) }
                default: break
                }
                sender.send(packet)
                if index % 500 == 499 { Thread.sleep(forTimeInterval: 0.01) }  // let the receiver keep up
            }
            sender.close()
            Thread.sleep(forTimeInterval: 2)
            #expect(receiver.isRunning)
            // The refusals reach the controller in the box's heartbeats: its view of the box counts them.
            let rejected = try harness.waitFor("the heartbeat to count the refused packets", timeout: 30) {
                () -> Int? in
                guard let id = (try harness.api("/receivers") as? [[String: Any]])?.first?["id"] as? String,
                    let detail = try harness.api("/receivers/\(id)") as? [String: Any],
                    let count = (detail["heartbeat"] as? [String: Any])?["rejected"] as? Int,
                    count >= 2 * recording.count
                else { return nil }
                return count
            }
            #expect(rejected >= 2 * recording.count)
            harness.stop(receiver)
            #expect(receiver.terminationStatus == 0)
            #expect(size(output) == genuine)  // not one sample more
            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            #expect(refused(log, "stale") >= recording.count)
        }

        @Test func aReceiverThatTrustsAnotherRootPlaysNothing() throws {
            let harness = try Harness(groupOctet: 15)
            try harness.startController()
            let output = harness.path("played.raw")
            // A different commune's root key as the trust anchor.
            let stranger = Harness.binaries.appendingPathComponent("loa").path
            _ = try harness.run(stranger, ["keys", "new", "other-root", "--dir", harness.directory.path])
            let impostor = try harness.startReceiver(
                output: output, waitForTrust: false, trust: harness.path("other-root.pub"))
            Thread.sleep(forTimeInterval: 2)
            let clip = try harness.speech("clip.wav", "Loa này không tin khóa gốc của xã.")
            try harness.queueAndWait([clip])
            harness.stop(impostor)
            #expect(size(output) == 0)
            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            #expect(!log.contains("trusted time from the controller"))
            #expect(refused(log, "no-trusted-time") > 50)
        }
    }
}
