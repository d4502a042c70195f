import Foundation
import LoaTestSupport
import Testing

/// Heartbeats have their own port (`--heartbeat-port`, `fleet: heartbeat-port:`, default 8750), never the API's.
extension RealProcesses {
    @Suite("Heartbeat port")
    struct HeartbeatPortTests {
        @Test func aBoxReachesTheControllerOnItsHeartbeatPortAndNotOnTheAPIsPort() throws {
            let harness = try Harness(groupOctet: 143)
            try harness.startController()  // --heartbeat-port 0: a free port, not the default 8750
            let heartbeatPort = try #require(Int(harness.heartbeatAddress.split(separator: ":").last ?? ""))
            let apiPort = try #require(Int(harness.controllerURL.split(separator: ":").last ?? ""))
            #expect(heartbeatPort != apiPort && heartbeatPort != 8750)
            let fleet = try #require(try harness.api("/fleet") as? [String: Any])
            #expect(fleet["heartbeats"] as? String == "udp://127.0.0.1:\(heartbeatPort)")

            // A box sending to the API's port number is heard by no one; one sending to the heartbeat port enrols.
            let astray = try SimulatedReceiver(controllerPort: apiPort)
            astray.send(astray.bytes(.enrolment(astray.heartbeat(), publicKey: astray.keys.publicKey)))
            let box = try SimulatedReceiver(controllerPort: heartbeatPort)
            box.send(box.bytes(.enrolment(box.heartbeat(), publicKey: box.keys.publicKey)))
            let ids = try harness.waitFor("the box to be pending", timeout: 10) { () -> [String]? in
                let list = (try? harness.api("/receivers") as? [[String: Any]]) ?? []
                return list.isEmpty ? nil : list.compactMap { $0["id"] as? String }
            }
            #expect(ids.contains(box.id.text))
            #expect(!ids.contains(astray.id.text))
        }

        @Test func aBadHeartbeatPortIsOneLine() throws {
            let harness = try Harness(groupOctet: 144)
            let result = try harness.run(
                Harness.binaries.appendingPathComponent("loa-controller").path,
                ["--state-dir", harness.path("state"), "--listen", "127.0.0.1:0", "--heartbeat-port", "70000"])
            #expect(result.status != 0)
            #expect(result.err == "loa-controller: --heartbeat-port '70000' must be a UDP port from 0 to 65535\n")
            #expect(!FileManager.default.fileExists(atPath: harness.path("state")))
        }
    }
}
