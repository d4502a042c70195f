import Foundation
import LoaSystem
import LoaTestSupport
import Testing

extension RealProcesses {
    /// Issue 14, point 5, on the commune's timeline: a zone whose playout delay may adapt (`playout-delay-ms: 60`,
    /// `playout-delay-max-ms: 400`) and a box in its own network namespace that hears it by unicast through a relay
    /// adding 60 ± 40 ms each way (`DelayRelay`): packets take 20 to 100 ms, too long for 60 ms less the box's
    /// 20 ms sound-card buffer, so many come late to the first bulletin. The box reports its spare in its
    /// heartbeats; the next bulletin, after a silence, starts with the zone's delay raised to what the slowest box
    /// needs, and its packets come in time. Nothing here is timed: the counts follow from the relay's bounds.
    @Suite("Adaptive playout delay through a jittery path")
    struct AdaptivePlayoutDelayTests {
        @Test(.enabled(if: SpoofedSourceFloodTests.namespacesAvailable, "needs root for a network namespace"))
        func theZoneDelayRisesToWhatItsSlowestBoxNeeds() throws {
            let harness = try Harness(groupOctet: 173)
            try """
            loudness: off
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
                playout-delay-ms: 60
                playout-delay-max-ms: 400
            """.write(toFile: harness.path("adaptive.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("adaptive.yaml"))
            #expect(try Self.zoneDelay(harness) == 0.06)
            let box = try RelayedBox(
                harness, subnet: 64, name: "far", output: harness.path("far.raw"), baseMilliseconds: 60,
                jitterMilliseconds: 40, arguments: ["--heartbeat-interval", "1", "--device-buffer-ms", "20"])
            defer { box.close() }
            let id = box.id
            // Eight seconds of a tone: about 400 packets, eight heartbeats while it plays.
            let clip = harness.path("tone.wav")
            try FFmpegLoudness.writeWAV(
                (0..<(8 * 48_000)).map { Float(0.3 * sin(Double($0) * 2 * Double.pi * 440 / 48_000)) }, to: clip)

            try harness.queueAndWait([clip])
            let first = try Self.heartbeat(harness, id, after: 0)
            #expect(first.missing >= 20, "the 60 ms delay let many packets come late: \(first)")
            #expect(first.spare < 0, "the box says the delay is too short: \(first)")
            #expect(try Self.zoneDelay(harness) == 0.06, "the delay changes only when an item starts")
            let shown = try harness.loa(["receivers", "show", id]).out
            #expect(shown.contains("jitter buffer: the network calls for"), "\(shown)")
            #expect(shown.contains("to spare"), "on the timeline the box reports its spare: \(shown)")

            Thread.sleep(forTimeInterval: 2)
            try harness.queueAndWait([clip])
            let raised = try #require(try Self.zoneDelay(harness))
            #expect(raised >= 0.08 && raised <= 0.4, "the zone's delay now: \(raised) s")
            let second = try Self.heartbeat(harness, id, after: first.received)
            #expect(
                (second.missing - first.missing) * 4 <= first.missing,
                "late or lost: \(first.missing) at 60 ms, then \(second.missing - first.missing) at \(raised) s")
            #expect(second.spare > first.spare, "\(first) then \(second)")
        }

        /// The zone's delay in force, from `/metrics` (s).
        static func zoneDelay(_ harness: Harness) throws -> Double? {
            try harness.apiText("/metrics").split(separator: "\n")
                .first { $0.hasPrefix("loa_zone_playout_delay_seconds{zone=\"all\"}") }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
        }

        /// The box's counts once its heartbeats say it is idle again after a bulletin (more than `previous` packets
        /// received): packets late or lost (cumulative), its spare (ms) and packets received.
        static func heartbeat(_ harness: Harness, _ id: String, after previous: Int) throws -> (
            missing: Int, spare: Int, received: Int
        ) {
            try harness.waitFor("the box's heartbeat after the bulletin", timeout: 30) {
                () -> (missing: Int, spare: Int, received: Int)? in
                let detail = try harness.api("/receivers/" + id) as? [String: Any]
                guard let beat = detail?["heartbeat"] as? [String: Any], beat["playing"] as? Bool == false,
                    let received = beat["received"] as? Int, received > previous, let late = beat["late"] as? Int,
                    let lost = beat["lost"] as? Int, let spare = beat["jitterSpareMs"] as? Int
                else { return nil }
                return (late + lost, spare, received)
            }
        }
    }
}
