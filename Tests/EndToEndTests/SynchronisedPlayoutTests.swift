import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 13: two boxes, one of them on a clock that starts 1 s off and runs 100 ppm fast (libfaketime fakes its
    /// wall and monotonic clocks), with jitter margins 180 ms apart, play the same clip aligned within 2 ms of each
    /// other (0.5 ms measured here).
    ///
    /// How it is measured: each box plays into an ALSA `file` PCM (slave `null`, whose reported delay is 0) that
    /// writes into a FIFO, read by a thread of this test that timestamps every read on the test's own (real)
    /// monotonic clock. The `file` PCM writes each frame handed over at once (in two pieces where its ring buffer
    /// wraps), so a chunk arrives when the frame that ends it was handed over (or later, on a busy machine); the
    /// earliest of the reads around the marker (the clip's first loud sample) places the stream's frames, and so
    /// the marker.
    @Suite("Synchronised playout")
    struct SynchronisedPlayoutTests {
        /// The reads of one FIFO: when each arrived (test's monotonic ns) and the bytes so far after it.
        final class FIFORecorder: @unchecked Sendable {
            let path: String
            private let lock = NSLock()
            private var reads: [(at: UInt64, total: Int)] = []
            private var bytes: [UInt8] = []
            private let done = DispatchSemaphore(value: 0)
            /// The zone's frame, in samples (960: 20 ms; 480 with `frame-ms: 10`).
            let frameSamples: Int

            init(_ path: String, frameSamples: Int = 960) throws {
                guard mkfifo(path, 0o600) == 0 else { throw HarnessError("mkfifo \(path) failed") }
                self.path = path
                self.frameSamples = frameSamples
                Thread.detachNewThread { self.run() }
            }

            private func run() {
                let descriptor = open(path, O_RDONLY)
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while descriptor >= 0 {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    let at = DispatchTime.now().uptimeNanoseconds
                    guard count > 0 else { break }
                    lock.lock()
                    bytes += buffer[0..<count]
                    reads.append((at, bytes.count))
                    lock.unlock()
                }
                if descriptor >= 0 { close(descriptor) }
                done.signal()
            }

            /// The instant (test's monotonic ns) the first sample above `threshold` was handed over, and its index.
            func marker(threshold: Int16 = 3000) -> (at: UInt64, index: Int)? {
                markers(threshold: threshold).first
            }

            /// Every marker: a sample above `threshold` after at least `quiet` samples at or below it (the first
            /// loud sample counts as one too); each with the instant (test's monotonic ns) it was handed over.
            func markers(threshold: Int16 = 3000, quiet: Int = 24_000) -> [(at: UInt64, index: Int)] {
                _ = done.wait(timeout: .now() + 10)
                lock.lock()
                defer { lock.unlock() }
                var found: [(at: UInt64, index: Int)] = []
                var lastLoud = -quiet - 1
                for sample in stride(from: 0, to: bytes.count - 1, by: 2) {
                    let value = Int16(bitPattern: UInt16(bytes[sample]) | UInt16(bytes[sample + 1]) << 8)
                    guard abs(Int(value)) > Int(threshold) else { continue }
                    let index = sample / 2
                    if index - lastLoud > quiet, let at = instant(of: index) { found.append((at, index)) }
                    lastLoud = index
                }
                return found
            }

            /// Every sample so far (16-bit mono).
            func samples() -> [Int16] {
                lock.withLock {
                    stride(from: 0, to: bytes.count - 1, by: 2).map {
                        Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
                    }
                }
            }

            /// How many samples had been handed over by `instant` (test's monotonic ns).
            func count(at instant: UInt64) -> Int {
                lock.withLock { (reads.last { $0.at <= instant }?.total ?? 0) / 2 }
            }

            /// When sample `index` was handed over (test's monotonic ns), if the reads around it tell.
            func handedOver(_ index: Int) -> UInt64? { lock.withLock { instant(of: index) } }

            /// When sample `index` was handed over, from the reads around it (the lock held).
            ///
            /// A box hands whole frames over and the `file` PCM writes each at once, except where its ring
            /// buffer wraps: there it writes a frame in two pieces. So a read ends where a frame ended, unless it
            /// is the first piece of a split frame; a read of at least a frame's samples (959: drift correction
            /// makes some frames 959 or 961 long, and a box that joined late cut its first one) does not follow
            /// such a piece. The frame holding its last sample began no earlier than where the read before it
            /// ended, and was handed over before the read arrived: each such read bounds from above when the
            /// stream's sample 0 was handed over (a read that waited, on a busy machine, only bounds it later).
            /// The earliest bound of the reads within half a second of the sample is taken.
            private func instant(of index: Int) -> UInt64? {
                var start: Int64?
                for (previous, read) in zip(reads, reads.dropFirst())
                where abs(read.total / 2 - index) <= 24_000 && read.total / 2 - previous.total / 2 >= frameSamples - 1 {
                    let frameStart = previous.total / 2
                    let bound = Int64(read.at) - Int64(frameStart) * 1_000_000_000 / 48_000
                    start = min(start ?? bound, bound)
                }
                return start.map { UInt64($0 + Int64(index) * 1_000_000_000 / 48_000) }
            }
        }

        @Test func twoBoxesOnDifferentClocksPlayAClipWithinTwoMilliseconds() throws {
            let harness = try Harness(groupOctet: 97)
            try harness.startController()
            let plain = try FIFORecorder(harness.path("plain.fifo"))
            let fast = try FIFORecorder(harness.path("fast.fifo"))
            // Their jitter margins differ by 180 ms: a box that started by its own margin instead of the timeline
            // would play that much apart.
            let first = try harness.startReceiver(output: plain.path, name: "plain", jitterMilliseconds: 20)
            let second = try harness.startReceiver(
                output: fast.path, name: "fast", jitterMilliseconds: 200,
                environment: [
                    "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME": "+1s x1.0001",
                ])
            // Let both learn the controller's clock over several answers.
            Thread.sleep(forTimeInterval: 6)
            // The clip: 1 s of silence, then a tone (the marker is its first loud sample).
            let clip = harness.path("marker.wav")
            var samples = [Float](repeating: 0, count: 48_000)
            samples += (0..<48_000).map { Float(0.5 * sin(Double($0) * 2 * Double.pi * 1000 / 48_000)) }
            try FFmpegLoudness.writeWAV(samples, to: clip)
            try harness.queueAndWait([clip])
            harness.stop(first)
            harness.stop(second)
            let a = try #require(plain.marker(), "no marker from the plain box")
            let b = try #require(fast.marker(), "no marker from the fast box")
            let skew = Int64(bitPattern: a.at &- b.at)
            #expect(abs(skew) <= 2_000_000, "the boxes are \(Double(skew) / 1e6) ms apart")
            #expect(abs(a.index - b.index) <= 48, "marker at sample \(a.index) and \(b.index)")
        }

        /// A box that joins mid-item starts at the sample due then: the clip's marker leaves it at the instant it
        /// leaves a box that heard the item from its start, and it played less of the item before it.
        @Test func aBoxThatJoinsMidItemPlaysTheMarkerWithTheOthers() throws {
            let harness = try Harness(groupOctet: 98)
            try harness.startController()
            let early = try FIFORecorder(harness.path("early.fifo"))
            let late = try FIFORecorder(harness.path("late.fifo"))
            let first = try harness.startReceiver(output: early.path, name: "early")
            Thread.sleep(forTimeInterval: 3)
            // 6 s of a quiet tone (below the marker's threshold), then a loud one.
            let clip = harness.path("marker.wav")
            var samples = (0..<288_000).map { Float(0.02 * sin(Double($0) * 2 * Double.pi * 440 / 48_000)) }
            samples += (0..<48_000).map { Float(0.5 * sin(Double($0) * 2 * Double.pi * 1000 / 48_000)) }
            try FFmpegLoudness.writeWAV(samples, to: clip)
            let queued = try harness.loa(["queue", clip, "--zone", "all"])
            #expect(queued.status == 0, "\(queued.err)")
            Thread.sleep(forTimeInterval: 1)
            let second = try harness.startReceiver(output: late.path, name: "late")
            try harness.waitUntilIdle()
            harness.stop(first)
            harness.stop(second)
            let a = try #require(early.marker(threshold: 6000), "no marker from the box there from the start")
            let b = try #require(late.marker(threshold: 6000), "no marker from the box that joined")
            let skew = Int64(bitPattern: a.at &- b.at)
            #expect(abs(skew) <= 2_000_000, "the boxes are \(Double(skew) / 1e6) ms apart")
            #expect(b.index < a.index - 48_000, "the late box played \(b.index) samples before the marker, \(a.index)")
        }
    }
}
