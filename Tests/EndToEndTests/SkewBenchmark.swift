import Foundation
import LoaSystem
import LoaTestSupport
import Testing

/// A UDP relay that holds every datagram for `base` ± `jitter` (uniform, each on its own, so they may pass each
/// other), both ways: a box sends to `front` as if it were the controller, the relay sends on from its own socket to
/// `target` (the controller sees the relay's address, as it would a NAT's), and what comes back goes to the last box
/// address heard; with `lossPercent`, that share of the datagrams, either way, is dropped at random. What a 4G path
/// does to a box's heartbeats, time exchanges, unicast audio and downloads, on one machine.
final class DelayRelay: @unchecked Sendable {
    private let front: UDPSocket
    private let back: UDPSocket
    private let target: SocketAddress
    private let base: UInt64
    private let jitter: UInt64
    private let lock = NSLock()
    private var running = true
    private var loss: Int
    /// The share of datagrams dropped, either way, in percent: may change while the relay runs (a box is installed
    /// on a good day and its path worsens later).
    var lossPercent: Int {
        get { lock.withLock { loss } }
        set { lock.withLock { loss = newValue } }
    }
    private let done = DispatchSemaphore(value: 0)

    init(
        listen: SocketAddress, target: SocketAddress, baseMilliseconds: Int, jitterMilliseconds: Int,
        lossPercent: Int = 0
    ) throws {
        loss = lossPercent
        front = try UDPSocket()
        try front.bind(listen, shared: false)
        back = try UDPSocket()
        try back.bind(SocketAddress(address: IPv4Address(0x7F00_0001), port: 0), shared: false)
        self.target = target
        base = UInt64(baseMilliseconds) * 1_000_000
        jitter = UInt64(jitterMilliseconds) * 1_000_000
        Thread.detachNewThread { self.run() }
    }

    func stop() {
        lock.withLock { running = false }
        done.wait()
    }

    private func run() {
        var held: [(at: UInt64, bytes: [UInt8], toBox: Bool)] = []
        var box: SocketAddress?
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
        defer {
            buffer.deallocate()
            done.signal()
        }
        while lock.withLock({ running }) {
            let now = MonotonicClock.now()
            let wake = min(held.map(\.at).min() ?? now + 10_000_000, now + 10_000_000)
            let ready = UDPSocket.waitReadable(front, back, until: wake)
            for (socket, toBox) in [(front, false), (back, true)] where toBox ? ready.second : ready.first {
                var sender = SocketAddress(address: IPv4Address(0), port: 0)
                let dropped = lossPercent
                while case .datagram(let length) = (try? socket.receive(into: buffer, from: &sender)) ?? .nothing {
                    if !toBox { box = sender }
                    if dropped > 0 && Int.random(in: 0..<100) < dropped { continue }
                    let delay = base - jitter + UInt64.random(in: 0...(2 * jitter))
                    held.append((MonotonicClock.now() + delay, Array(buffer[0..<length]), toBox))
                }
            }
            let due = MonotonicClock.now()
            for datagram in held where datagram.at <= due {
                datagram.bytes.withUnsafeBytes { bytes in
                    if datagram.toBox {
                        if let box { _ = front.send(bytes, to: box) }
                    } else {
                        _ = back.send(bytes, to: target)
                    }
                }
            }
            held.removeAll { $0.at <= due }
        }
    }
}

extension RealProcesses {
    /// Issue 13's measure of skew between boxes (a benchmark: it asserts nothing about time and runs only when asked,
    /// `LOA_BENCH_SKEW=N [LOA_BENCH_SKEW_WARMUP=S] swift test --filter SkewBenchmark`, N markers; the README's
    /// Performance section gives the figures). Three boxes on one zone: a plain one, one whose clock starts 1 s off
    /// and runs 100 ppm fast (libfaketime), both on multicast through loopback, and one in its own network namespace
    /// that hears by unicast through a relay adding 40 ± 20 ms each way (heartbeats, time exchanges and audio alike).
    /// The clip holds N markers (a tone after a second of silence); each box plays into a FIFO timestamped by this
    /// process (`SynchronisedPlayoutTests.FIFORecorder`), and each marker's instant is compared with the plain box's.
    @Suite("Skew benchmark")
    struct SkewBenchmark {
        static let markers = ProcessInfo.processInfo.environment["LOA_BENCH_SKEW"].flatMap { Int($0) }
        /// Seconds the boxes run after their first 8 exchanges (the log's "clock is estimated") before the clip airs
        /// (`LOA_BENCH_SKEW_WARMUP`, default 25: about 110 exchanges at the young pace; 360 for the steady state,
        /// some 430).
        static let warmUp = ProcessInfo.processInfo.environment["LOA_BENCH_SKEW_WARMUP"].flatMap { Double($0) } ?? 25

        @Test(
            .enabled(
                if: markers != nil && SpoofedSourceFloodTests.namespacesAvailable,
                "a benchmark: LOA_BENCH_SKEW=N (as root) runs it"))
        func skewBetweenBoxes() throws {
            let count = max(Self.markers ?? 10, 2)
            let harness = try Harness(groupOctet: 63)
            try harness.startController()
            let plain = try SynchronisedPlayoutTests.FIFORecorder(harness.path("plain.fifo"))
            let fast = try SynchronisedPlayoutTests.FIFORecorder(harness.path("fast.fifo"))
            let far = try SynchronisedPlayoutTests.FIFORecorder(harness.path("far.fifo"))
            let relayed = try RelayedBox(
                harness, subnet: 63, name: "far", output: far.path, baseMilliseconds: 40, jitterMilliseconds: 20,
                arguments: ["--keepalive", "5"])
            defer { relayed.close() }
            let boxes = [
                try harness.startReceiver(output: plain.path, name: "plain"),
                try harness.startReceiver(
                    output: fast.path, name: "fast",
                    environment: [
                        "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME": "+1s x1.0001",
                    ]),
            ]
            defer { for box in boxes { harness.stop(box) } }
            for name in ["plain", "fast", "far"] {
                _ = try harness.waitFor("the \(name) box to estimate the controller's clock", timeout: 60) {
                    () -> Bool? in
                    let log = (try? String(contentsOfFile: harness.path(name + ".log"), encoding: .utf8)) ?? ""
                    return log.contains("clock is estimated") ? true : nil
                }
            }
            // Every box's exchanges span the 20 s a rate needs (before it, a box 100 ppm fast drifts 0.1 ms a second
            // from its estimate); the longer the wait, the more exchanges each leg's least delay is taken from.
            Thread.sleep(forTimeInterval: Self.warmUp)
            // The clip: `count` times a second of silence, then 0.2 s of a 1 kHz tone (its first loud sample is a
            // marker).
            let clip = harness.path("markers.wav")
            var samples: [Float] = []
            for _ in 0..<count {
                samples += [Float](repeating: 0, count: 48_000)
                samples += (0..<9_600).map { Float(0.5 * sin(Double($0) * 2 * Double.pi * 1000 / 48_000)) }
            }
            try FFmpegLoudness.writeWAV(samples, to: clip)
            try harness.queueAndWait([clip])
            for box in boxes { harness.stop(box) }
            harness.stop(relayed.process)
            let reference = plain.markers()
            var lines: [String] = []
            for (name, recorder) in [
                ("fast (+100 ppm, started 1 s off)", fast), ("far (unicast, 40 ± 20 ms relay)", far),
            ] {
                let other = recorder.markers()
                // Markers in order; a box that lost one is compared from where both have it.
                let pairs = zip(reference, other).filter {
                    abs(($0.index - reference[0].index) - ($1.index - other[0].index)) < 4_800
                }
                let skews = pairs.map { abs(Double(Int64(bitPattern: $1.at &- $0.at))) / 1_000 }.sorted()
                #expect(skews.count >= count / 2, "\(name): \(skews.count) of \(count) markers")
                guard !skews.isEmpty else { continue }
                func quantile(_ q: Double) -> Double { skews[min(skews.count - 1, Int(q * Double(skews.count)))] }
                lines.append(
                    String(
                        format: "%@ vs plain: %d markers, |skew| p50 %.0f µs, p99 %.0f µs, max %.0f µs", name,
                        skews.count, quantile(0.5), quantile(0.99), skews.last!))
            }
            let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
            let repair =
                log.split(separator: "\n").last { $0.contains("loss repair") }.map(String.init) ?? "no loss repair"
            let report = lines.joined(separator: "\n") + "\nfar box: " + repair
            print("skew benchmark:\n" + report)
            try report.write(toFile: harness.path("skew.txt"), atomically: true, encoding: .utf8)
            try? FileManager.default.createDirectory(atPath: ".build/bench", withIntermediateDirectories: true)
            try? report.write(toFile: ".build/bench/skew.txt", atomically: true, encoding: .utf8)
        }
    }
}
