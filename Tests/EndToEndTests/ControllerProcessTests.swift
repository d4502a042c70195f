import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The controller as a process on its host: one per state directory, and idle pacer threads that sleep.
    @Suite("Controller process")
    struct ControllerProcessTests {
        /// Everything in `directory` but the live database, with each file's content: equal means unchanged.
        static func snapshot(_ directory: String) -> [String: Data] {
            var files: [String: Data] = [:]
            let enumerator = FileManager.default.enumerator(atPath: directory)
            while let name = enumerator?.nextObject() as? String {
                guard !name.contains(".sqlite") else { continue }
                files[name] = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
            }
            return files
        }

        /// Waits up to `timeout` seconds for `process` to end; false if it still runs.
        static func ends(_ process: Process, within timeout: Double) -> Bool {
            let end = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < end { Thread.sleep(forTimeInterval: 0.1) }
            return !process.isRunning
        }

        @Test func secondControllerOnTheSameStateDirectoryRefuses() throws {
            let harness = try Harness(groupOctet: 60)
            try harness.startController()
            let first = try #require(harness.controller)
            let state = harness.path("state")
            let before = Self.snapshot(state)
            #expect(before["controller.lock"] == Data("\(first.processIdentifier)\n".utf8))

            // A second one on the same state directory, on another port: one line, a non-zero exit, nothing changed.
            let log = harness.path("second.log")
            let second = try harness.launch(
                "loa-controller",
                [
                    "--state-dir", state, "--config", harness.path("controller.yaml"), "--listen", "127.0.0.1:0",
                    "--heartbeat-port", "0",
                ],
                stderr: log)
            let ended = Self.ends(second, within: 30)
            #expect(ended, "the second controller is still running")
            harness.stop(second, signal: SIGKILL)
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            #expect(second.terminationStatus != 0)
            #expect(
                lines == [
                    "loa-controller: the state directory \(state) is in use by another loa-controller (process "
                        + "\(first.processIdentifier)); stop it, or give this one its own --state-dir"
                ], "got \(lines)")
            #expect(Self.snapshot(state) == before)
            #expect(first.isRunning)
            let status = try harness.loa(["status"])
            #expect(status.status == 0, "the first controller no longer answers: \(status.err)")

            // The kernel drops a killed controller's lock: a restart after kill -9 starts.
            harness.stop(first, signal: SIGKILL)
            try harness.startController()
            let restarted = try #require(harness.controller)
            #expect(restarted.processIdentifier != first.processIdentifier)
            #expect(try harness.loa(["status"]).status == 0)
        }

        /// Each thread of process `pid`: its id, whether it is real-time (SCHED_FIFO or SCHED_RR), and the user and
        /// system CPU seconds it has used so far.
        static func threads(_ pid: Int32) throws -> [(id: String, realTime: Bool, seconds: Double)] {
            let tasks = "/proc/\(pid)/task"
            return try FileManager.default.contentsOfDirectory(atPath: tasks).map { task in
                let stat = try String(contentsOfFile: "\(tasks)/\(task)/stat", encoding: .utf8)
                // After "(comm) ": fields 3…; utime and stime are fields 14 and 15, the policy field 41.
                let fields = stat[stat.range(of: ") ", options: .backwards)!.upperBound...].split(separator: " ")
                let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
                let policy = Int(fields[38]) ?? 0
                return (task, policy == 1 || policy == 2, ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
            }
        }

        /// Under libfaketime (wall clock +1 h, monotonic clock not faked) an absolute sleep on the monotonic clock
        /// fails at once; the controller's idle SCHED_FIFO pacer threads must still sleep, each using far less
        /// CPU than a spinning thread, and SIGTERM must stop the controller.
        @Test func idlePacerThreadsSleepUnderLibfaketime() throws {
            let harness = try Harness(groupOctet: 61)
            // Two zones, so a pacer thread per core up to two (as in the report, where both spun).
            let config = """
                zones:
                  - name: a
                    group: \(harness.group):\(harness.port)
                    interface: 127.0.0.1
                    ttl: 0
                  - name: b
                    group: \(harness.group):\(harness.port + 1)
                    interface: 127.0.0.1
                    ttl: 0
                """
            try config.write(toFile: harness.path("two-zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(
                config: harness.path("two-zones.yaml"),
                environment: [
                    "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME": "+1h",
                    "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                ], logIn: false)
            let controller = try #require(harness.controller)
            let pid = controller.processIdentifier
            let health = try harness.api("/health") as? [String: Any]
            #expect(health != nil)
            Thread.sleep(forTimeInterval: 1)
            let wallStart = Date()
            let before = try Self.threads(pid)
            Thread.sleep(forTimeInterval: 4)
            let after = try Self.threads(pid)
            let wall = Date().timeIntervalSince(wallStart)
            // The pacer threads are the process's real-time ones (the tests run as root, so they are promoted).
            let pacers = after.filter(\.realTime)
            #expect(!pacers.isEmpty, "no SCHED_FIFO thread among \(after.count)")
            // A spinning thread uses about the whole wall time; an idle pacer wakes 200 times a second, briefly.
            for pacer in pacers {
                let used = pacer.seconds - (before.first { $0.id == pacer.id }?.seconds ?? 0)
                #expect(used < 0.2 * wall, "pacer thread \(pacer.id) used \(used) s of CPU in \(wall) s")
            }
            // Together they leave the host its cores. (The whole process is not measured: libfaketime rewrites
            // absolute timerfd deadlines as if the monotonic clock were faked, an hour into the past, so
            // libdispatch's ordinary-priority timer thread re-arms at once under it; no real clock does that.)
            let realTime = pacers.map { pacer in
                pacer.seconds - (before.first { $0.id == pacer.id }?.seconds ?? 0)
            }.reduce(0, +)
            #expect(realTime < 0.3 * wall, "the pacer threads used \(realTime) s of CPU in \(wall) s")
            // And the controller still answers while its real-time threads are idle.
            #expect(try harness.api("/health") as? [String: Any] != nil)

            kill(pid, SIGTERM)
            let stopped = Self.ends(controller, within: 30)
            #expect(stopped, "the controller did not stop on SIGTERM")
            harness.stop(controller, signal: SIGKILL)
            #expect(controller.terminationReason == .exit)
        }
    }
}
