import Foundation
import LoaCrypto
import LoaTestSupport
import LoaWire
import Testing

extension RealProcesses.EmergencyCommandTests {
    /// The item playing in zone `all` (0 if none).
    func playing(_ harness: Harness) throws -> Int {
        let status = try harness.api("/status") as? [String: Any]
        return ((status?["zones"] as? [[String: Any]])?.first?["playing"] as? [String: Any])?["id"] as? Int ?? 0
    }

    /// `emergency stop` is checked like start: a forged stop, one by an unknown key, one by an operator without
    /// the emergency role, and a recorded stop replayed (its nonce spent) are each refused with the reason,
    /// audited, and the emergency goes on; a valid stop then ends it.
    @Test func forgedMisusedAndReplayedStopsAreRefusedAndTheEmergencyGoesOn() throws {
        let harness = try Harness(groupOctet: 72)
        try harness.startController()
        let officer = try makeOperator(harness, "chu-tich", role: "emergency")
        let clerk = try makeOperator(harness, "van-thu", role: "plain")
        let stranger = try makeOperator(harness, "la", role: nil)
        let warningFile = try harness.sweep("canh-bao.wav", seconds: 30)
        let warning = [UInt8](try Data(contentsOf: URL(fileURLWithPath: warningFile)))
        let noClip = harness.path("no-clip")
        FileManager.default.createFile(atPath: noClip, contents: nil)
        func start() throws -> Int {
            let (status, body) = try post(
                harness, try command(harness, .start, clip: warning, by: [officer]).encoded, clip: warningFile)
            let decision = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            try #require(status == 200, "\(body)")
            return try #require((decision?["items"] as? [Int])?.first)
        }

        // A first emergency, ended by a valid stop: the bytes an eavesdropper on the commune's network records.
        let first = try start()
        _ = try harness.waitFor("the first emergency", timeout: 30) { try playing(harness) == first ? true : nil }
        let recordedStop = try command(harness, .stop, clip: [], by: [officer]).encoded
        #expect(try post(harness, recordedStop, clip: noClip).0 == 200)
        _ = try harness.waitFor("the first emergency to stop", timeout: 30) { try playing(harness) == 0 ? true : nil }

        // The next emergency; every stop below is refused and it goes on.
        let second = try start()
        _ = try harness.waitFor("the second emergency", timeout: 30) { try playing(harness) == second ? true : nil }
        var forged = try command(harness, .stop, clip: [], by: [officer])
        forged.signatures[0].signature = RandomBytes.make(64)
        let attacks: [(String, [UInt8], String)] = [
            ("forged", forged.encoded, "the signature of 'chu-tich' does not verify: forged or altered after signing"),
            ("unknown key", try command(harness, .stop, clip: [], by: [stranger]).encoded, "signed by an unknown key"),
            (
                "no emergency role", try command(harness, .stop, clip: [], by: [clerk]).encoded,
                "operator 'van-thu' may not trigger emergencies"
            ),
            ("replayed", recordedStop, "replayed: this command's nonce was used before"),
        ]
        for (name, bytes, reason) in attacks {
            let (status, body) = try post(harness, bytes, clip: noClip)
            #expect(
                status == 403 && body.contains("emergency command refused: " + reason),
                "\(name): HTTP \(status) \(body)")
            #expect(try playing(harness) == second, "\(name) stopped the emergency")
        }
        let audit = try deskEntries(harness)
        try #require(audit.count == 3 + attacks.count)  // start, stop, start, then the attacks
        for (entry, (name, _, reason)) in zip(audit.suffix(attacks.count), attacks) {
            #expect(
                entry["action"] as? String == "emergency stop" && entry["outcome"] as? String == "refused",
                "\(name): \(entry)")
            #expect((entry["reason"] as? String)?.hasPrefix(reason) == true, "\(name): \(entry)")
        }

        // The officer's own stop ends it.
        let stopped = try harness.loa(["emergency", "stop", "--zones", "all", "--key", officer.file])
        #expect(stopped.status == 0, "\(stopped.err)")
        _ = try harness.waitFor("the second emergency to stop", timeout: 30) { try playing(harness) == 0 ? true : nil }
    }

    /// The emergency is announced in every packet's seal, so a box that starts (or reboots) during an emergency
    /// joins it: started 2 s into it, it plays the rest of the emergency audio, at the emergency volume (100 %)
    /// rather than its own (20 %).
    @Test func aReceiverStartedDuringAnEmergencyPlaysItAtTheEmergencyVolume() throws {
        let harness = try Harness(groupOctet: 73)
        try harness.startController()
        let officer = try makeOperator(harness, "chu-tich", role: "emergency")
        try FileManager.default.createDirectory(atPath: harness.path("box/state"), withIntermediateDirectories: true)
        // The box's own volume, as 'loa volume 20' left it.
        try "20".write(toFile: harness.path("box/state/volume"), atomically: true, encoding: .utf8)
        let warning = try harness.speech(
            "lu.wav",
            "Cảnh báo khẩn cấp. Nước lũ trên sông đang lên rất nhanh. Bà con thôn Đông và thôn Tây di chuyển ngay lên vùng cao, "
                + "mang theo giấy tờ và thuốc men. Không ai được ở lại trong nhà gần bờ sông. Cảnh báo khẩn cấp, nước lũ đang về."
        )
        let started = try harness.loa([
            "emergency", "start", "--zones", "all", "--clip", warning, "--key", officer.file,
        ])
        #expect(started.status == 0, "\(started.err)")
        // The box (re)boots 2 s into the emergency.
        _ = try harness.waitFor("the emergency to air for 2 s", timeout: 30) { () -> Bool? in
            let zones = (try harness.api("/status") as? [String: Any])?["zones"] as? [[String: Any]]
            return (zones?.first?["playing"] as? [String: Any])?["positionMs"] as? Int ?? 0 >= 2_000 ? true : nil
        }

        let output = harness.path("box.raw")
        let box = try harness.startReceiver(output: output, name: "box")
        _ = try harness.waitFor("the box to play 3 s", timeout: 60) { () -> Bool? in
            ((try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? Int ?? 0) >= 3 * 96_000
                ? true : nil
        }
        harness.stop(box)
        let log = try String(contentsOfFile: harness.path("box.log"), encoding: .utf8)
        #expect(log.contains("emergency broadcast: volume 100%, unmuted"), "\(log)")

        // What it played is a part of the warning, at the level of the clip itself (at 20 % it would be a fifth).
        let source = try AudioComparison.reference(warning)
        let played = try AudioComparison.raw16(output)
        let (excerpt, at) = try #require(Self.loudestSecond(of: played))
        let offset = Self.locate(excerpt, in: source)
        let correlation = AudioComparison.correlation(
            Array(source[offset..<min(source.count, offset + excerpt.count)]), excerpt, lag: 0)
        #expect(correlation >= 0.85, "played samples \(at)… match the warning at \(offset) with \(correlation)")
        #expect(offset - at >= 96_000, "it joined \(offset - at) samples into the warning, not 2 s or more")
        let gain =
            (Self.energy(excerpt) / Self.energy(Array(source[offset..<min(source.count, offset + excerpt.count)])))
            .squareRoot()
        #expect(gain > 0.8 && gain < 1.25, "level \(gain) of the clip's")
    }

    /// The 1 s of `samples` with the most energy, and where it starts.
    static func loudestSecond(of samples: [Float]) -> ([Float], Int)? {
        guard samples.count >= 48_000 else { return nil }
        let starts = stride(from: 0, through: samples.count - 48_000, by: 4_800)
        let best =
            starts.max { energy(Array(samples[$0..<$0 + 48_000])) < energy(Array(samples[$1..<$1 + 48_000])) } ?? 0
        return (Array(samples[best..<best + 48_000]), best)
    }

    static func energy(_ samples: [Float]) -> Double { samples.reduce(0) { $0 + Double($1) * Double($1) } }

    /// Where in `source` `excerpt` lies best: coarsely on 16× decimated signals, then to the sample.
    static func locate(_ excerpt: [Float], in source: [Float]) -> Int {
        let step = 16
        let coarse = bestOffset(
            AudioComparison.decimate(excerpt, step), in: AudioComparison.decimate(source, step), over: 0...Int.max)
        return bestOffset(excerpt, in: source, over: (coarse * step - 2 * step)...(coarse * step + 2 * step))
    }

    /// The offset (within `range`) at which `excerpt` correlates best with `source`.
    static func bestOffset(_ excerpt: [Float], in source: [Float], over range: ClosedRange<Int>) -> Int {
        let last = source.count - excerpt.count
        guard last >= 0 else { return 0 }
        var best = (offset: 0, value: -Double.infinity)
        source.withUnsafeBufferPointer { a in
            excerpt.withUnsafeBufferPointer { b in
                var bb = 0.0
                for y in b { bb += Double(y) * Double(y) }
                for offset in max(0, range.lowerBound)...min(last, range.upperBound) {
                    var ab = 0.0, aa = 0.0
                    for i in 0..<b.count {
                        let x = Double(a[offset + i])
                        ab += x * Double(b[i])
                        aa += x * x
                    }
                    let value = aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
                    if value > best.value { best = (offset, value) }
                }
            }
        }
        return best.offset
    }
}

extension RealProcesses.EmergencyCommandTests {
    /// An emergency outlives a controller restart (it is in the programme's store), and so does the means to end
    /// it: a signed stop after the restart ends the emergency the previous run started.
    @Test func aStopAfterAControllerRestartEndsTheEmergency() throws {
        let harness = try Harness(groupOctet: 53)
        try harness.startController()
        let officer = try makeOperator(harness, "chu-tich", role: "emergency")
        let warning = try harness.sweep("canh-bao.wav", seconds: 60)
        let started = try harness.loa([
            "emergency", "start", "--zones", "all", "--clip", warning, "--key", officer.file,
        ])
        #expect(started.status == 0, "\(started.err)")
        _ = try harness.waitFor("the emergency to play", timeout: 30) { try playing(harness) != 0 ? true : nil }
        let emergency = try playing(harness)

        harness.stop(try #require(harness.controller), signal: SIGKILL)
        try harness.startController()
        _ = try harness.waitFor("the emergency to play again", timeout: 30) {
            try playing(harness) == emergency ? true : nil
        }

        let stopped = try harness.loa(["emergency", "stop", "--zones", "all", "--key", officer.file])
        #expect(stopped.status == 0, "\(stopped.err)")
        _ = try harness.waitFor("the emergency to stop", timeout: 30) { try playing(harness) == 0 ? true : nil }
        let log = try #require(try harness.api("/log?since=0") as? [[String: Any]])
        #expect(log.last { $0["itemId"] as? Int == emergency }?["outcome"] as? String == "cancelled", "\(log)")
    }
}
