import Foundation
import LoaSystem
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 16's measures of a relayed station (a benchmark: it asserts nothing about time and runs only when
    /// asked, `LOA_BENCH_RELAY=N swift test --filter RelayBenchmark`, N dead-source trials; with
    /// `LOA_BINARIES=.build/release` it runs the release build; the README's Performance section gives the figures).
    ///
    /// A real Icecast server carries a primary (600 Hz) and a backup (900 Hz) mount, each fed in real time by
    /// `ffmpeg` as 128 kb/s stereo MP3; a real `loa-controller` relays them (`loa relay PRIMARY BACKUP`) to a real
    /// `loa-receiver` playing into a FIFO that this process timestamps.
    /// - CPU per relayed stream: the controller's CPU per second over 30 s of relaying (both sources read and
    ///   decoded, as a relay keeps its backup warm), less its CPU per second idle just before.
    /// - Switch time: the primary's `ffmpeg` is killed; from that instant to the first 0.1 s of the backup's tone the
    ///   box hands to its ALSA device (the zone's playout delay, 150 ms, included), and the silence the box airs
    ///   between the primary's last audio (what the relay had buffered still airs) and the backup's first. Then the primary is fed again and
    ///   the relay returns to it (10 s of healthy audio) before the next trial.
    @Suite("Relay benchmark")
    struct RelayBenchmark {
        static let trials = ProcessInfo.processInfo.environment["LOA_BENCH_RELAY"].flatMap { Int($0) }

        /// Where the backup's tone (900 Hz), and not the primary's, first fills 0.1 s handed over after `from` samples.
        static func backupHeard(_ samples: [Float], from: Int) -> Int? {
            for start in stride(from: from, to: samples.count - 4_800, by: 480) {
                let window = samples[start..<start + 4_800]
                if window.contains(where: { abs($0) > 300 }) && AudioComparison.strength(window, 900) > 0.3
                    && AudioComparison.strength(window, 600) < 0.05
                {
                    return start
                }
            }
            return nil
        }

        @Test(.enabled(if: trials != nil, "a benchmark: LOA_BENCH_RELAY=N runs it"))
        func deadSourceAndCPU() throws {
            let count = max(Self.trials ?? 3, 1)
            let harness = try Harness(groupOctet: 164)
            let relays = RelayTests()
            let (port, icecast) = try relays.startIcecast(harness)
            defer { harness.stop(icecast, signal: SIGKILL) }
            let primarySource = "sine=frequency=600:sample_rate=44100"
            var primary = try relays.feed(harness, port: port, mount: "chinh.mp3", source: primarySource)
            let backup = try relays.feed(
                harness, port: port, mount: "du-phong.mp3", source: "sine=frequency=900:sample_rate=44100")
            defer {
                harness.stop(primary, signal: SIGKILL)
                harness.stop(backup, signal: SIGKILL)
            }
            try harness.startController()
            let controller = try #require(harness.controller).processIdentifier
            let recorder = try SynchronisedPlayoutTests.FIFORecorder(harness.path("box.fifo"))
            let box = try harness.startReceiver(output: recorder.path)
            defer { harness.stop(box) }
            Thread.sleep(forTimeInterval: 5)

            let idleFrom = (LiveBenchmark.cpuSeconds(controller), MonotonicClock.now())
            Thread.sleep(forTimeInterval: 10)
            let idle =
                (LiveBenchmark.cpuSeconds(controller) - idleFrom.0) / (Double(MonotonicClock.now() - idleFrom.1) / 1e9)
            let relay = try harness.loa([
                "relay", "http://127.0.0.1:\(port)/chinh.mp3", "http://127.0.0.1:\(port)/du-phong.mp3", "--until",
                "30m",
            ])
            #expect(relay.status == 0, "\(relay.err)")
            let id = try #require(relay.out.split(separator: " ").first.flatMap { Int($0.dropFirst()) })
            Thread.sleep(forTimeInterval: 5)
            let relayFrom = (LiveBenchmark.cpuSeconds(controller), MonotonicClock.now())
            Thread.sleep(forTimeInterval: 30)
            let relaying =
                (LiveBenchmark.cpuSeconds(controller) - relayFrom.0)
                / (Double(MonotonicClock.now() - relayFrom.1) / 1e9)

            var switches: [Double] = []
            var gaps: [Double] = []
            for _ in 0..<count {
                let killed = MonotonicClock.now()
                harness.stop(primary, signal: SIGKILL)
                Thread.sleep(forTimeInterval: 6)
                let from = recorder.count(at: killed)
                let samples = recorder.samples().map { Float($0) }
                if let start = Self.backupHeard(samples, from: from), let heard = recorder.handedOver(start) {
                    switches.append(Double(Int64(bitPattern: heard &- killed)) / 1e9)
                    // The primary's last 0.1 s before it: what was still buffered aired, then silence.
                    if let last = stride(from: start - 4_800, to: from - 4_800, by: -480).first(where: {
                        AudioComparison.strength(samples[$0..<$0 + 4_800], 600) > 0.3
                    }), let ended = recorder.handedOver(last + 4_800) {
                        gaps.append(Double(Int64(bitPattern: heard &- ended)) / 1e9)
                    }
                }
                primary = try relays.feed(harness, port: port, mount: "chinh.mp3", source: primarySource)
                // Back to the primary after its 10 s of healthy audio.
                Thread.sleep(forTimeInterval: 14)
            }
            #expect(try harness.loa(["live", "stop", String(id)]).status == 0)
            switches.sort()
            var report = String(
                format:
                    "relay benchmark: controller CPU idle %.1f ms/s, relaying one station (primary and backup "
                    + "read) %.1f ms/s: %.1f ms/s for the relay\n",
                idle * 1000, relaying * 1000, (relaying - idle) * 1000)
            if !switches.isEmpty {
                report += String(
                    format: "dead source to the backup at the box: %d trials, median %.2f s, max %.2f s (%@)\n",
                    switches.count, switches[switches.count / 2], switches.last!,
                    switches.map { String(format: "%.2f", $0) }.joined(separator: ", "))
            }
            gaps.sort()
            if !gaps.isEmpty {
                report += String(
                    format: "of which silence at the box (the primary's last audio to the backup's): median %.2f s, "
                        + "max %.2f s\n", gaps[gaps.count / 2], gaps.last!)
            }
            #expect(switches.count == count, "the backup was heard in \(switches.count) of \(count) trials")
            print(report)
            try? FileManager.default.createDirectory(atPath: ".build/bench", withIntermediateDirectories: true)
            try? report.write(toFile: ".build/bench/relay.txt", atomically: true, encoding: .utf8)
        }
    }
}
