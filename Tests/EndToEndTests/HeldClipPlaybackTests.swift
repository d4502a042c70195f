import Foundation
import LoaCodec
import LoaTestSupport
import LoaWire
import Testing

extension RealProcesses {
    /// Issue 15, point 3: a bulletin queued for the next minute reaches a box behind a relay that adds 40 ± 20 ms and
    /// drops 30 % of the datagrams each way; the box holds it before its airtime and plays its own copy of every frame
    /// on the controller's timeline, so what reaches its sound card is the clip's own decoding, frame for frame,
    /// although the stream lost a share of its packets on the way. Counts and samples only: nothing here is timed.
    @Suite("Bulletins played from the box's copy")
    struct HeldClipPlaybackTests {
        @Test(.enabled(if: SpoofedSourceFloodTests.namespacesAvailable, "needs root for a network namespace"))
        func aBulletinHeldAheadPlaysBitExactThroughThirtyPercentLoss() throws {
            let harness = try Harness(groupOctet: 179)
            try harness.startController()
            let output = harness.path("far.raw")
            let box = try RelayedBox(
                harness, subnet: 66, name: "far", output: output, baseMilliseconds: 40, jitterMilliseconds: 20,
                lossPercent: 30, arguments: ["--heartbeat-interval", "1", "--fetch-kbps", "256"])
            defer { box.close() }

            // A 10 s tone that rises a little every 0.1 s, at the next whole minute at least 50 s away.
            let clip = harness.path("bulletin.wav")
            try ClipDeliveryTests.writeRisingTone(seconds: 10, to: clip)
            let (item, airtime) = try ClipDeliveryTests.queue(clip, atNextMinuteAfter: 50, harness)
            _ = try harness.waitFor("the box to hold the clip", timeout: 110) { () -> Bool? in
                try ClipDeliveryTests.percent(harness, box.id, item) == 100 ? true : nil
            }
            try #require(Date() < airtime, "the clip was not held before its airtime: nothing to show")

            // The clip the box holds is the one the zone airs (checked by its manifest): its own decoding.
            let image = try ClipImage(ClipDeliveryTests.bytes(harness.path("far/state/clips/\(item).clip")))
            let reference = try Self.decode(image)
            // It plays at its minute: wait until the box has played it all and gone quiet.
            var last = -1
            _ = try harness.waitFor("the box to play the bulletin", timeout: 200) { () -> Bool? in
                let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
                defer { last = size }
                // Drift correction may have dropped a few samples (at most one a frame).
                return size >= (reference.count - reference.count / 960) * 2 && size == last ? true : nil
            }
            // Proof of play per box (point 5): the box's heartbeats say how it played the item, and the office sees it
            // under the item in the as-played log and in the month's record.
            let line = try harness.waitFor("the box's play of the item in the log", timeout: 60) { () -> String? in
                try harness.loa(["log", "--per-box"]).out.split(separator: "\n")
                    .first { $0.contains("\(image.frameCount) frames:") }.map(String.init)
            }
            #expect(
                line.contains("\(image.frameCount) from its copy, 0 from the stream, 0 rebuilt, 0 concealed"), "\(line)"
            )
            let report = try harness.loa(["report"]).out
            let perBox = report.components(separatedBy: "Per box").last ?? ""
            #expect(perBox.contains(" all ") && perBox.contains("100.0%"), "\(report)")
            harness.stop(box.process)
            let log = (try? String(contentsOfFile: harness.path("far.log"), encoding: .utf8)) ?? ""
            let statistics = try #require(log.split(separator: "\n").last { $0.contains("stopping; statistics:") })
            func count(_ name: String, in line: Substring) -> Int? {
                line.split(separator: " ").first { $0.hasPrefix(name + "=") }.flatMap {
                    Int($0.dropFirst(name.count + 1))
                }
            }
            // The network did lose packets on the way (before repair)...
            let repair = try #require(log.split(separator: "\n").last { $0.contains("loss repair:") }, "\(log)")
            #expect((count("missed", in: repair) ?? 0) > 0, "\(repair)")
            // The link lost much, but never everything: the box heard the controller and played the stream's item,
            // never on its own (offline airtime is for a controller out of reach).
            #expect(!log.contains("offline: nothing from the controller"), "\(log)")
            // ...yet every frame of the clip played from the box's copy, none concealed.
            #expect(count("from-file", in: statistics) == image.frameCount, "\(statistics)")
            #expect(count("concealed", in: statistics) == 0, "\(statistics)")

            // Frame for frame, the clip's own decoding is in what the sound card got: all but those that drift
            // correction resampled (one sample longer or shorter each, counted).
            let played = try AudioComparison.raw16(output).map { Int16($0) }
            let resampled = try #require(count("resampled", in: statistics), "\(statistics)")
            let found = Self.framesFound(reference, frame: 960, in: played)
            #expect(
                found >= image.frameCount - resampled - 1, "\(found) of \(image.frameCount), \(resampled) resampled")
            #expect(try harness.loa(["cancel", String(item)]).status >= 0)
        }

        /// Every frame of `image` decoded in order by a fresh decoder.
        static func decode(_ image: ClipImage) throws -> [Int16] {
            let decoder = try OpusDecoder()
            var pcm = [Int16](repeating: 0, count: 5760)
            var out: [Int16] = []
            for index in 0..<image.frameCount {
                let samples = try #require(
                    image.withFrame(index) { frame in
                        pcm.withUnsafeMutableBufferPointer { (try? decoder.decode(frame, into: $0)) ?? 0 }
                    })
                out += pcm[0..<samples]
            }
            return out
        }

        /// How many of `reference`'s frames (`frame` samples each) appear, sample for sample, somewhere in `played`.
        static func framesFound(_ reference: [Int16], frame: Int, in played: [Int16]) -> Int {
            func key(_ samples: ArraySlice<Int16>) -> UInt64 {
                samples.prefix(4).reduce(0) { $0 << 16 | UInt64(UInt16(bitPattern: $1)) }
            }
            let frames = reference.count / frame
            var starts: [UInt64: [Int]] = [:]
            for index in 0..<frames { starts[key(reference[(index * frame)...]), default: []].append(index) }
            var found = Set<Int>()
            guard played.count >= frame else { return 0 }
            for position in 0...(played.count - frame) {
                guard let candidates = starts[key(played[position...])] else { continue }
                for index in candidates where !found.contains(index) {
                    if played[position..<(position + frame)]
                        .elementsEqual(reference[(index * frame)..<((index + 1) * frame)])
                    {
                        found.insert(index)
                    }
                }
            }
            return found.count
        }
    }
}
