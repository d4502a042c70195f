import Foundation
import LoaSystem

/// Figure 5, the real thing: the `loa-receiver` process itself (every thread: heartbeats, the trust link,
/// verification, the jitter buffer, decoding and its ALSA writes into the benchmark's `file` PCM), playing the
/// clip from a real `loa-controller` on a TTL-0 group; its CPU time from /proc over `seconds` of playing. Uses the
/// release builds next to `loa-bench` (`scripts/bench` builds them).
enum ReceiverProcess {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func measure(clipPath: String, seconds: Double, report: Report) {
        do {
            let (cpu, resident) = try run(clipPath: clipPath, seconds: seconds)
            report.add(
                "5",
                "receiver CPU per second of audio, the whole loa-receiver process (release build, x86) playing a "
                    + "clip from a real controller, every packet verified, heartbeats on, " + fixed(seconds, 0) + " s",
                fixed(cpu * 1000, 2) + " ms/s (" + fixed(cpu * 100, 2) + " % of one core); resident memory "
                    + fixed(Double(resident) / 1024, 1) + " MiB")
        } catch { report.note("figure 5 (loa-receiver process): " + String(describing: error)) }
    }

    /// CPU seconds per second of audio, and VmRSS in kB at the end.
    static func run(clipPath: String, seconds: Double) throws -> (Double, Int) {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loa-bench-receiver-" + UUID().uuidString)
        try FileManager.default.createDirectory(
            at: work.appendingPathComponent("box"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let group = BenchNetwork.group(200, port: 5416).text
        try "loudness: off\nzones:\n  - name: all\n    group: \(group)\n    interface: 127.0.0.1\n    ttl: 0\n"
            .write(to: work.appendingPathComponent("zones.yaml"), atomically: true, encoding: .utf8)
        var started: [Process] = []
        defer { for process in started where process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        func launch(_ name: String, _ arguments: [String], log: String) throws -> Process {
            let process = Process()
            process.executableURL = binaries.appendingPathComponent(name)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment
            FileManager.default.createFile(atPath: work.appendingPathComponent(log).path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: work.appendingPathComponent(log))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            started.append(process)
            return process
        }
        func wait(for text: String, in log: String, timeout: Double) throws -> String {
            let end = Date().addingTimeInterval(timeout)
            while Date() < end {
                let content = (try? String(contentsOf: work.appendingPathComponent(log), encoding: .utf8)) ?? ""
                if let range = content.range(of: text) { return String(content[range.upperBound...]) }
                usleep(100_000)
            }
            throw Failure(description: "no '" + text + "' in " + log + " within " + fixed(timeout, 0) + " s")
        }
        /// Runs a program to its end; `input` goes to its standard input, `token` into `LOA_TOKEN`.
        func run(_ name: String, _ arguments: [String], input: String? = nil, token: String? = nil) throws -> String {
            let process = Process()
            process.executableURL = URL(
                fileURLWithPath: name.hasPrefix("/") ? name : binaries.appendingPathComponent(name).path)
            process.arguments = arguments
            if let token {
                process.environment = ProcessInfo.processInfo.environment.merging(["LOA_TOKEN": token]) { $1 }
            }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            let stdin = Pipe()
            process.standardInput = stdin
            try process.run()
            stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
            try stdin.fileHandleForWriting.close()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure(description: name + " " + arguments.joined(separator: " ") + " failed")
            }
            return String(decoding: data, as: UTF8.self)
        }

        let ceremony = work.appendingPathComponent("ceremony").path
        let stateDirectory = work.appendingPathComponent("state").path
        _ = try run(binaries.appendingPathComponent("loa").path, ["keys", "init-root", "--out", ceremony])
        // The operator plane: the broadcaster's `loa queue` needs an account and a session, as in the field.
        let password = "bench-" + UUID().uuidString
        _ = try run(
            "loa-controller", ["admin", "add", "bench", "--role", "admin", "--state-dir", stateDirectory],
            input: password + "\n")
        _ = try launch(
            "loa-controller",
            [
                "--state-dir", stateDirectory, "--config",
                work.appendingPathComponent("zones.yaml").path,
                "--listen", "127.0.0.1:0", "--heartbeat-port", "0", "--keys", ceremony,
            ], log: "controller.log")
        let port = try wait(for: "listening on 127.0.0.1:", in: "controller.log", timeout: 60).prefix { $0.isNumber }
        let heartbeats = try wait(for: "heartbeats on udp://127.0.0.1:", in: "controller.log", timeout: 60)
            .prefix { $0.isNumber }
        let controller = "http://127.0.0.1:" + port
        let state = work.appendingPathComponent("box/state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try run("/usr/bin/curl", ["-sf", controller + "/keys/root.pub"])
            .write(to: state.appendingPathComponent("root.pub"), atomically: true, encoding: .utf8)
        let receiver = try launch(
            "loa-receiver",
            [
                "--group", group, "--interface", "127.0.0.1", "--device", BenchALSA.device, "--stats-interval", "0",
                "--controller", "127.0.0.1:" + heartbeats, "--state-dir", state.path,
            ], log: "receiver.log")
        _ = try wait(for: "trusted time from the controller", in: "receiver.log", timeout: 60)
        let login = try run(
            "/usr/bin/curl",
            [
                "-sf", "-X", "POST", "--data-binary", "{\"name\":\"bench\",\"password\":\"" + password + "\"}",
                controller + "/login",
            ])
        guard let object = try? JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any],
            let token = object["token"] as? String
        else { throw Failure(description: "cannot log in to the controller: " + login) }
        _ = try run("loa", ["queue", clipPath, "--controller", controller], token: token)
        sleep(3)  // the item starts at once; let the jitter buffer fill and the stream settle
        let (cpuBefore, _) = try usage(receiver.processIdentifier)
        let wallBefore = MonotonicClock.now()
        usleep(UInt32(seconds * 1_000_000))
        let (cpuAfter, resident) = try usage(receiver.processIdentifier)
        let wall = Double(MonotonicClock.now() - wallBefore) / 1e9
        guard receiver.isRunning else { throw Failure(description: "loa-receiver stopped while playing") }
        return ((cpuAfter - cpuBefore) / wall, resident)
    }

    /// CPU seconds (user + system, all threads) and VmRSS (kB) of process `pid`, from /proc.
    static func usage(_ pid: Int32) throws -> (Double, Int) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { throw Failure(description: "cannot read /proc/\(pid)/stat") }
        // After "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Failure(description: "unexpected /proc/\(pid)/stat")
        }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let resident =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        return ((user + system) / Double(sysconf(Int32(_SC_CLK_TCK))), resident)
    }
}
