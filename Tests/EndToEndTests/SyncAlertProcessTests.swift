import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 13: a box whose clock runs further from the controller's than drift correction covers (one sample a
    /// frame, 0.1 %) drifts off the commune's timeline while it plays, and the controller raises a `sync` alert for
    /// it; a box on the same stream with a good clock raises none.
    @Suite("Sync alert from a box that drifts")
    struct SyncAlertProcessTests {
        @Test func aBoxWhoseClockRunsBeyondCorrectionRaisesASyncAlert() throws {
            let harness = try Harness(groupOctet: 99)
            try FleetTests.startController(harness)
            let plain = try FleetTests.startReceiver(harness, name: "plain")
            // 3,000 ppm fast: the box's schedule gains 60 µs a frame on the stream; correction gives back 21.
            let fast = try FleetTests.startReceiver(
                harness, name: "fast",
                environment: [
                    "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME": "+0s x1.003",
                ])
            var ids: [String: String] = [:]
            for name in ["plain", "fast"] {
                ids[name] = try harness.waitFor("\(name)'s identity", timeout: 30) { () -> String? in
                    let log = (try? String(contentsOfFile: harness.path(name + ".log"), encoding: .utf8)) ?? ""
                    guard let range = log.range(of: "info: receiver ") else { return nil }
                    return String(log[range.upperBound...].prefix { $0 != ":" })
                }
                let approved = try harness.loa(["receivers", "approve", ids[name]!, "--name", name, "--zone", "all"])
                #expect(approved.status == 0, "\(approved.err)")
            }
            try FleetTests.waitForState(harness, ids["plain"]!, "online")
            try FleetTests.waitForState(harness, ids["fast"]!, "online")
            // 20 s of a quiet tone.
            let clip = harness.path("tone.wav")
            let samples = (0..<960_000).map { Float(0.1 * sin(Double($0) * 2 * Double.pi * 440 / 48_000)) }
            try FFmpegLoudness.writeWAV(samples, to: clip)
            let queued = try harness.loa(["queue", clip, "--zone", "all"])
            #expect(queued.status == 0, "\(queued.err)")
            let alert = try harness.waitFor("the fast box's sync alert", timeout: 40) { () -> String? in
                FleetTests.alerts(harness).split(separator: "\n")
                    .first { $0.contains("\"kind\":\"sync\"") && $0.contains(ids["fast"]!) }.map(String.init)
            }
            #expect(alert.contains("off the commune's timeline"), "\(alert)")
            try harness.waitUntilIdle()
            harness.stop(plain)
            harness.stop(fast)
            let alerts = FleetTests.alerts(harness)
            #expect(
                !alerts.split(separator: "\n").contains {
                    $0.contains("\"kind\":\"sync\"") && $0.contains(ids["plain"]!)
                },
                "the plain box raised a sync alert: \(alerts)")
        }
    }
}
