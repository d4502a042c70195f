import Foundation
import LoaCodec
import LoaSystem
import LoaWire
import Synchronization
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 16's measures of a live microphone (a benchmark: it asserts nothing about time and runs only when
    /// asked, `LOA_BENCH_LIVE=N swift test --filter LiveBenchmark`, N markers; with `LOA_BINARIES=.build/release` it
    /// runs the release build; the README's Performance section gives the figures).
    ///
    /// A real `loa-controller` airs its live input `mic` (an ALSA `file` PCM reading a FIFO, which this process feeds
    /// at real-time rate, 20 ms ahead of its schedule) in the low-latency profile (`frame-ms: 10`, the zone's
    /// `playout-delay-ms`, here 20, the least it takes, for one host; `$LOA_BENCH_PLAYOUT`), to a real `loa-receiver`
    /// (`jitter-ms 20`) playing into a FIFO that this process timestamps, and to a tap on the zone's group. `loa live` runs as an operator runs it.
    /// - Latency: N markers (a second of silence, then 0.2 s of 1 kHz); each from the instant its first sample is
    ///   spoken (on the feeder's real-time schedule) to the instant the box hands it to its ALSA device.
    /// - CPU per live zone: the controller's CPU (user + system, /proc) per second while it airs 30 s of Vietnamese
    ///   speech, less its CPU per second idle just before; beside it, `ffmpeg` encoding the same speech from a raw
    ///   file in real time (`-re`) with the same libopus settings and sending it as RTP to a TTL-0 group.
    @Suite("Live benchmark")
    struct LiveBenchmark {
        static let markers = ProcessInfo.processInfo.environment["LOA_BENCH_LIVE"].flatMap { Int($0) }

        /// Feeds a FIFO as a microphone: from the moment a reader opens it, one 10 ms block per 10 ms of the
        /// monotonic clock, each written 20 ms before it is spoken, so that the reader never waits on the FIFO (it
        /// paces itself, reading a block a frame after the block's first sample is spoken, as from a sound card with
        /// a period of one frame); silence until `play` is given a programme, then the programme, then silence until
        /// `stop`.
        final class Microphone: @unchecked Sendable {
            static let block = 480
            static let leadNanoseconds: UInt64 = 20_000_000
            private let lock = NSLock()
            private var programme: [Int16] = []
            private var programmeStart: Int?
            private var origin: UInt64 = 0
            private var written = 0
            private var finished = false

            init(fifo: String) {
                signal(SIGPIPE, SIG_IGN)
                Thread.detachNewThread { self.run(fifo) }
            }

            /// Plays `samples` from the next block; returns the instant (monotonic ns) its sample 0 is due.
            func play(_ samples: [Int16]) -> UInt64 {
                lock.withLock {
                    programme = samples
                    let start = (written / Self.block + 1) * Self.block
                    programmeStart = start
                    return origin + UInt64(start) * 1_000_000_000 / 48_000
                }
            }

            func stop() { lock.withLock { finished = true } }

            private func run(_ fifo: String) {
                let descriptor = open(fifo, O_WRONLY)
                guard descriptor >= 0 else { return }
                defer { close(descriptor) }
                lock.withLock { origin = MonotonicClock.now() }
                var chunk = [Int16](repeating: 0, count: Self.block)
                while true {
                    let (done, due) = lock.withLock { () -> (Bool, UInt64) in
                        for index in 0..<Self.block {
                            let position = written + index - (programmeStart ?? Int.max / 2)
                            chunk[index] = position >= 0 && position < programme.count ? programme[position] : 0
                        }
                        written += Self.block
                        return (finished, origin + UInt64(written - Self.block) * 1_000_000_000 / 48_000)
                    }
                    if done { return }
                    // Written `leadNanoseconds` before the block is due.
                    let now = MonotonicClock.now()
                    if due > now + Self.leadNanoseconds {
                        let wait = due - Self.leadNanoseconds - now
                        Thread.sleep(forTimeInterval: Double(wait) / 1e9)
                    }
                    let sent = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if sent < 0 { return }
                }
            }
        }

        /// Listens to the zone's group as a box would, timestamping each packet as it arrives: the stream decoded
        /// (RTP order; a lost frame is silence) tells when each sample left the controller.
        final class Tap: @unchecked Sendable {
            private let socket: UDPSocket
            private let heard = Mutex<[(at: UInt64, sequence: UInt16, payload: [UInt8])]>([])
            private let running = Atomic<Bool>(true)

            init(group: String) throws {
                let address = try #require(SocketAddress(group))
                socket = try UDPSocket()
                try socket.bind(address)
                try socket.join(address.address, on: try #require(NetworkInterface("127.0.0.1")))
                Thread.detachNewThread { self.run() }
            }

            func stop() { running.store(false, ordering: .relaxed) }

            private func run() {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
                defer { buffer.deallocate() }
                while running.load(ordering: .relaxed) {
                    guard socket.waitReadable(until: MonotonicClock.now() + 50_000_000) else { continue }
                    while case .datagram(let size)? = try? socket.receive(into: buffer) {
                        let at = MonotonicClock.now()
                        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
                        guard let packet = try? RTPPacket(parsing: bytes) else { continue }
                        heard.withLock {
                            $0.append((at, packet.header.sequenceNumber, Array(bytes[packet.payload])))
                        }
                    }
                }
            }

            /// Every marker heard (as `FIFORecorder.markers`): when its packet arrived and its sample index.
            func markers(frameSamples: Int) throws -> [(at: UInt64, index: Int)] {
                let packets = heard.withLock { $0 }
                guard let first = packets.first else { return [] }
                let decoder = try OpusDecoder()
                var pcm = [Int16](repeating: 0, count: 5_760)
                var found: [(at: UInt64, index: Int)] = []
                var lastLoud = -48_000
                for packet in packets {
                    let start = Int(packet.sequence &- first.sequence) * frameSamples
                    let count = pcm.withUnsafeMutableBufferPointer { output in
                        packet.payload.withUnsafeBytes { (try? decoder.decode($0, into: output)) ?? 0 }
                    }
                    for offset in 0..<count where abs(Int(pcm[offset])) > 3000 {
                        if start + offset - lastLoud > 24_000 { found.append((packet.at, start + offset)) }
                        lastLoud = start + offset
                    }
                }
                return found
            }
        }

        /// User + system CPU seconds of process `pid` so far, from /proc.
        static func cpuSeconds(_ pid: Int32) -> Double {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return 0 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the name: state is field 3; utime and stime are fields 14 and 15.
            let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
            return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        @Test(.enabled(if: markers != nil, "a benchmark: LOA_BENCH_LIVE=N runs it"))
        func microphoneToBox() throws {
            let count = max(Self.markers ?? 10, 2)
            let playout = ProcessInfo.processInfo.environment["LOA_BENCH_PLAYOUT"].flatMap { Int($0) } ?? 20
            let harness = try Harness(groupOctet: 163)
            let fifo = harness.path("mic.fifo")
            guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
            try LiveTests().startController(
                harness, fifo: fifo, rate: 48_000, loudness: true, frameMilliseconds: 10, playoutDelay: playout)
            let controller = try #require(harness.controller).processIdentifier
            let recorder = try SynchronisedPlayoutTests.FIFORecorder(harness.path("box.fifo"), frameSamples: 480)
            let box = try harness.startReceiver(output: recorder.path, jitterMilliseconds: 20)
            defer { harness.stop(box) }
            Thread.sleep(forTimeInterval: 8)

            // The speech for the CPU figure: espeak-ng's Vietnamese, repeated to 30 s.
            let wav = harness.path("speech.wav")
            let made = try harness.run(
                "/usr/bin/espeak-ng",
                [
                    "-v", "vi", "-w", wav,
                    "Ủy ban nhân dân xã thông báo: bảy giờ ba mươi sáng mai, bà con thôn Đông họp tại nhà văn hóa.",
                ])
            #expect(made.status == 0, "\(made.err)")
            let sentence = try AudioComparison.reference(wav).map { Int16(max(-32_767, min(32_767, $0))) }
            var speech: [Int16] = []
            while speech.count < 30 * 48_000 { speech += sentence + [Int16](repeating: 0, count: 9_600) }
            speech = Array(speech.prefix(30 * 48_000))

            let idleStart = (Self.cpuSeconds(controller), MonotonicClock.now())
            Thread.sleep(forTimeInterval: 10)
            let idle =
                (Self.cpuSeconds(controller) - idleStart.0) / (Double(MonotonicClock.now() - idleStart.1) / 1e9)

            let microphone = Microphone(fifo: fifo)
            defer { microphone.stop() }
            let live = try LiveTests().onAir(harness, arguments: ["--input", "mic"])
            Thread.sleep(forTimeInterval: 2)

            // Latency: the markers.
            var markers: [Int16] = []
            for _ in 0..<count {
                markers += [Int16](repeating: 0, count: 48_000)
                markers += (0..<9_600).map { Int16(16_000 * sin(Double($0) * 2 * Double.pi * 1000 / 48_000)) }
            }
            let tap = try Tap(group: "\(harness.group):\(harness.port)")
            let markersDue = microphone.play(markers)
            Thread.sleep(forTimeInterval: Double(markers.count) / 48_000 + 1)
            tap.stop()

            // CPU: the speech.
            let speechDue = microphone.play(speech)
            let cpuFrom = Self.cpuSeconds(controller)
            let waitUntil = speechDue + UInt64(speech.count) * 1_000_000_000 / 48_000
            Thread.sleep(forTimeInterval: Double(waitUntil - min(waitUntil, MonotonicClock.now())) / 1e9)
            let livePerSecond = (Self.cpuSeconds(controller) - cpuFrom) / (Double(speech.count) / 48_000)
            #expect(live.end() == 0, "\(live.said)")
            harness.stop(box)

            // ffmpeg with the same libopus settings, in real time from a raw file.
            let raw = harness.path("speech.raw")
            try speech.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: raw))
            let ffmpeg = try harness.run(
                "/usr/bin/python3",
                [
                    "-c",
                    "import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True); "
                        + "r=resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime+r.ru_stime)",
                    "/usr/bin/ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-f", "s16le", "-ar", "48000", "-ac",
                    "1", "-i", raw, "-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-frame_duration",
                    "10", "-compression_level", "10", "-fec:a", "1", "-packet_loss", "10", "-f", "rtp",
                    "rtp://\(harness.group):\(harness.port + 2)?ttl=0&localaddr=127.0.0.1",
                ])
            #expect(ffmpeg.status == 0, "\(ffmpeg.err)")
            let ffmpegPerSecond =
                (ffmpeg.out.split(separator: "\n").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0)
                / (Double(speech.count) / 48_000)

            // Each marker against its due instant, in order (a lost one is skipped by its index).
            func latencies(_ heard: [(at: UInt64, index: Int)]) -> [Double] {
                guard let first = heard.first else { return [] }
                var found: [Double] = []
                for marker in heard {
                    let offset = marker.index - first.index
                    let number = Int((Double(offset) / 57_600).rounded())
                    guard number < count, abs(offset - number * 57_600) < 2_400 else { continue }
                    let due = markersDue + UInt64(number * 57_600 + 48_000) * 1_000_000_000 / 48_000
                    found.append(Double(Int64(bitPattern: marker.at &- due)) / 1e6)
                }
                return found.sorted()
            }
            // The test's ALSA device (a `file` PCM over `null`, with the box's 60 ms buffer) writes each sample to the
            // FIFO when the box hands over the one a buffer (2,880 samples) after it, and reports no delay, so the
            // box hands each sample over at the instant it means it to leave the DAC: that of sample i is when the
            // FIFO got sample i - 2,880.
            let atBox = latencies(
                recorder.markers().compactMap { marker in
                    recorder.handedOver(marker.index - 2_880).map { (at: $0, index: marker.index) }
                })
            let onNetwork = latencies(try tap.markers(frameSamples: 480))
            #expect(atBox.count >= count / 2, "\(atBox.count) of \(count) markers heard")
            func summary(_ values: [Double]) -> String {
                guard !values.isEmpty else { return "none heard" }
                func quantile(_ q: Double) -> Double { values[min(values.count - 1, Int(q * Double(values.count)))] }
                return String(
                    format: "%d markers, p50 %.1f ms, p99 %.1f ms, max %.1f ms", values.count, quantile(0.5),
                    quantile(0.99), values.last!)
            }
            var report = "live benchmark (frame-ms 10, playout-delay-ms \(playout), jitter-ms 20):\n"
            report += "microphone to box (handed to ALSA: the instant it means to leave the DAC): \(summary(atBox))\n"
            report += "microphone to the network (the packet carrying the marker arrives): \(summary(onNetwork))\n"
            report += String(
                format:
                    "controller CPU: idle %.1f ms/s, airing one live input %.1f ms/s (%.1f ms/s for the live zone); "
                    + "ffmpeg, same libopus settings, real time: %.1f ms/s; Loa ÷ ffmpeg %.2f\n",
                idle * 1000, livePerSecond * 1000, (livePerSecond - idle) * 1000, ffmpegPerSecond * 1000,
                (livePerSecond - idle) / max(ffmpegPerSecond, 1e-9))
            let log = (try? String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)) ?? ""
            report += "overruns logged: \(log.components(separatedBy: "overrun").count - 1)\n"
            print(report)
            try? FileManager.default.createDirectory(atPath: ".build/bench", withIntermediateDirectories: true)
            try? report.write(toFile: ".build/bench/live.txt", atomically: true, encoding: .utf8)
        }
    }
}
