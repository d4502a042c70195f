import Foundation
import LoaTrust

/// Real processes for end-to-end tests: a controller, receivers, the CLI, ffmpeg; a temporary directory each.
///
/// Multicast stays on this machine: every zone in a test sends on 127.0.0.1 with TTL 0.
public final class Harness: @unchecked Sendable {
    public let directory: URL
    public let group: String
    public let port: Int
    public private(set) var controllerURL = ""
    /// Where the controller takes heartbeats ("127.0.0.1:PORT", its own port): what boxes get as `--controller`.
    public private(set) var heartbeatAddress = ""
    public private(set) var controller: Process?
    /// The session of the test's admin account (`Harness.adminName`) on the controller: `loa` runs get it as
    /// `LOA_TOKEN`, curl runs as an `Authorization` header (unless run with `authenticated: false`).
    public var token: String?
    public static let adminName = "loa-test"
    public static let adminPassword = "test-password-\(UUID().uuidString.prefix(8))"
    private var processes: [Process] = []
    /// A network namespace (made by the test) that every program the harness starts runs in (`ip netns exec`),
    /// the controller, receivers, `loa` and curl alike; nil: the test's own.
    public var namespace: String?
    /// The address the controller's API listens on (in `namespace`), and its heartbeat port unless the
    /// configuration's `fleet: heartbeats:` says another. Plain HTTP: loopback only.
    public var listenAddress = "127.0.0.1"

    /// The folder holding the built executables (next to the test bundle), or `$LOA_BINARIES` (benchmarks run
    /// the release build: `LOA_BINARIES=.build/release`).
    public static let binaries: URL = {
        if let folder = ProcessInfo.processInfo.environment["LOA_BINARIES"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("loa-controller").path),
            url.path != "/"
        {
            url.deleteLastPathComponent()
            let debug = url.appendingPathComponent(".build/debug")
            if FileManager.default.fileExists(atPath: debug.appendingPathComponent("loa-controller").path) {
                return debug
            }
        }
        return url
    }()

    /// A harness with its own multicast group 239.255.78.`groupOctet` so that tests never hear each other.
    public init(groupOctet: Int, name: String = #function) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loa-e2e-\(groupOctet)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        group = "239.255.78.\(groupOctet)"
        port = 6000 + 2 * groupOctet
    }

    deinit {
        for process in processes where process.isRunning { stop(process) }
        // LOA_KEEP_TEST_FILES=1 keeps the test's folder (logs, what the boxes played) for a look after a failure.
        if ProcessInfo.processInfo.environment["LOA_KEEP_TEST_FILES"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Starts `loa-controller` with one zone `all` on this test's group; returns once its API answers. Clips are
    /// stored at their own level (`loudness: off`), so that what a box plays compares with the source file sample for
    /// sample; the programme loudness is tested with its own configuration (`SayTests`).
    /// `environment` is added to the controller's (e.g. libfaketime's); with `logIn` (the default) the harness
    /// then logs in as its admin, so that `loa` and `api` calls carry a session.
    public func startController(
        config configPath: String? = nil, environment: [String: String] = [:], logIn: Bool = true
    ) throws {
        let config = """
            loudness: off
            zones:
              - name: all
                group: \(group):\(port)
                interface: 127.0.0.1
                ttl: 0
            """
        if configPath == nil { try config.write(toFile: path("controller.yaml"), atomically: true, encoding: .utf8) }
        if !FileManager.default.fileExists(atPath: ceremony) {
            let made = try loa(["keys", "init-root", "--out", ceremony], controller: false)
            guard made.status == 0 else { throw HarnessError("the key ceremony failed: \(made.err)") }
        }
        try makeAdmin()
        let log = path("controller.log")
        let process = try launch(
            "loa-controller",
            [
                "--state-dir", path("state"), "--config", configPath ?? path("controller.yaml"), "--listen",
                listenAddress + ":0", "--heartbeat-port", "0", "--keys", ceremony,
            ],
            stderr: log, environment: environment)
        let listening = try waitFor("the controller's API", timeout: 60) { () -> String? in
            guard process.isRunning else { return "" }
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard let range = text.range(of: "listening on \(self.listenAddress):") else { return nil }
            return String(text[range.upperBound...].prefix { $0.isNumber })
        }
        guard !listening.isEmpty else {
            throw HarnessError("controller exited: \(try String(contentsOfFile: log, encoding: .utf8))")
        }
        let heartbeats = try waitFor("the controller's heartbeat port and scheme", timeout: 60) { () -> String? in
            guard process.isRunning else { return "" }
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard text.contains("control API on "), let range = text.range(of: "heartbeats on udp://") else {
                return nil
            }
            return String(text[range.upperBound...].prefix { !$0.isWhitespace })
        }
        guard !heartbeats.isEmpty else {
            throw HarnessError("controller exited: \(try String(contentsOfFile: log, encoding: .utf8))")
        }
        heartbeatAddress = heartbeats
        let secure = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("control API on https://")
        controllerURL = "\(secure ? "https" : "http")://\(listenAddress):\(listening)"
        controller = process
        if logIn { token = try self.logIn(Harness.adminName, password: Harness.adminPassword) }
    }

    /// Makes the test's admin account in the controller's state directory (once), as an operator would.
    public func makeAdmin() throws {
        guard !FileManager.default.fileExists(atPath: path("state/accounts.sqlite")) else { return }
        try addAccount(Harness.adminName, role: "admin", password: Harness.adminPassword)
    }

    /// Adds an account with `loa-controller admin add` (the password on standard input).
    public func addAccount(_ name: String, role: String, password: String) throws {
        let made = try run(
            Harness.binaries.appendingPathComponent("loa-controller").path,
            ["admin", "add", name, "--role", role, "--state-dir", path("state")], input: password + "\n")
        guard made.status == 0 else { throw HarnessError("cannot add the account \(name): \(made.err)") }
    }

    /// Logs in with `POST /login` and returns the session token.
    public func logIn(_ name: String, password: String) throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["name": name, "password": password])
        let answer = try run(
            "/usr/bin/curl",
            [
                "-sf", "-X", "POST", "--data-binary", String(decoding: body, as: UTF8.self),
                controllerURL + "/login",
            ], authenticated: false)
        guard answer.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(answer.out.utf8)),
            let token = (object as? [String: Any])?["token"] as? String
        else { throw HarnessError("cannot log in as \(name): \(answer.err)") }
        return token
    }

    /// GETs a text answer (such as `/metrics`) from the controller's API, as the harness's admin.
    public func apiText(_ path: String) throws -> String {
        let result = try run("/usr/bin/curl", ["-sf", controllerURL + path])
        guard result.status == 0 else { throw HarnessError("GET \(path) failed: \(result.err)") }
        return result.out
    }

    /// The key ceremony's folder (`loa keys init-root`), made at the first `startController`: the controller
    /// takes its first keys from there; `root.key` stays there, as on the chairman's USB stick.
    public var ceremony: String { path("ceremony") }
    /// The commune root private key, offline (in `ceremony`).
    public var rootKey: String { path("ceremony/root.key") }
    /// The commune's id (its root key's, `EmergencyAuthority.commune(of:)`), as emergency commands name it.
    public func commune() throws -> UInt32 {
        EmergencyAuthority.commune(of: try KeyFile.readPublic(path("ceremony/root.pub")))
    }

    /// Adds an operator's `NAME.pub` to the controller's key list the offline way: `loa keys sign-list` with the
    /// root key, then `loa keys install`. Returns the install's result.
    @discardableResult
    public func addOperator(_ publicKey: String, emergency: Bool) throws -> (status: Int32, out: String, err: String) {
        let signed = path("list-\(UUID().uuidString).bin")
        let made = try loa([
            "keys", "sign-list", "--root", rootKey, "--add", publicKey, "--role", emergency ? "emergency" : "plain",
            "--out", signed,
        ])
        guard made.status == 0 else { return made }
        return try loa(["keys", "install", signed])
    }

    /// GETs a JSON answer from the controller's API.
    public func api(_ path: String) throws -> Any {
        let result = try run("/usr/bin/curl", ["-sf", controllerURL + path])
        guard result.status == 0 else { throw HarnessError("GET \(path) failed: \(result.err)") }
        return try JSONSerialization.jsonObject(with: Data(result.out.utf8))
    }

    /// Starts `loa-receiver` playing to an ALSA `file` PCM (slave `null`) that writes raw samples to `output`.
    @discardableResult
    /// `environment` is added to the receiver's (e.g. libfaketime's); `waitForTrust` waits until it has verified
    /// the controller's time; `trust` replaces the trust anchor with another file; `interface` is the one it
    /// listens on and `namespace` the network namespace it runs in (default: the harness's); `arguments` are
    /// added to its flags.
    public func startReceiver(
        output: String, name: String = "receiver", jitterMilliseconds: Int = 60, group: String? = nil,
        environment: [String: String] = [:], waitForTrust: Bool = true, trust: String? = nil,
        interface: String = "127.0.0.1", namespace: String? = nil, arguments: [String] = []
    ) throws -> Process {
        let home = path(name)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let asoundrc = """
            pcm.loatest {
                type file
                slave.pcm "null"
                file "\(output)"
                format "raw"
            }
            """
        try asoundrc.write(toFile: home + "/.asoundrc", atomically: true, encoding: .utf8)
        try installTrust(stateDirectory: home + "/state")
        if let trust {
            try FileManager.default.removeItem(atPath: home + "/state/root.pub")
            try FileManager.default.copyItem(atPath: trust, toPath: home + "/state/root.pub")
        }
        let process = try launch(
            "loa-receiver",
            [
                "--group", group ?? "\(self.group):\(port)", "--interface", interface, "--device", "loatest",
                "--jitter-ms", String(jitterMilliseconds), "--stats-interval", "0", "--controller", heartbeatAddress,
                "--state-dir", home + "/state",
            ] + arguments, stderr: path("\(name).log"), environment: environment.merging(["HOME": home]) { $1 },
            namespace: namespace)
        if waitForTrust {
            _ = try waitFor("the receiver to get trusted time", timeout: 30) { () -> Bool? in
                let text = (try? String(contentsOfFile: self.path("\(name).log"), encoding: .utf8)) ?? ""
                return text.contains("trusted time from the controller") ? true : nil
            }
            // Then its quick clock exchanges (about 4 s): a bulletin aired before they end may be resampled a little
            // as the estimate improves (right for sync, docs/sync.md), which an exact comparison with the source
            // would count against the box. Best effort: a box whose controller keeps no timeline never says it.
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let text = (try? String(contentsOfFile: path("\(name).log"), encoding: .utf8)) ?? ""
                if text.contains("clock is estimated") { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        return process
    }

    /// Starts `loa-controller` inside network namespace `namespace` (it becomes the harness's), with its heartbeats
    /// and zone `all` (TTL 1) on `address`, its end of the link to the boxes; the API stays on the namespace's
    /// loopback (plain HTTP is for loopback only).
    public func startController(inNamespace namespace: String, linkAddress address: String) throws {
        self.namespace = namespace
        try """
        loudness: off
        fleet:
          heartbeats: \(address):8750
        zones:
          - name: all
            group: \(group):\(port)
            interface: \(address)
            ttl: 1
        """.write(toFile: path("controller.yaml"), atomically: true, encoding: .utf8)
        try startController(config: path("controller.yaml"))
    }

    /// Puts the controller's root public key in a receiver's state folder (its default trust anchor).
    public func installTrust(stateDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let root = try run("/usr/bin/curl", ["-sf", controllerURL + "/keys/root.pub"])
        guard root.status == 0 else { throw HarnessError("cannot fetch the root key: \(root.err)") }
        try root.out.write(toFile: stateDirectory + "/root.pub", atomically: true, encoding: .utf8)
    }

    /// Runs `loa` with `arguments` (and `--controller`), returning exit status, stdout and stderr. It speaks
    /// English (`LANG=C`, no `LC_ALL`, `LC_MESSAGES` or `LOA_LANG`) unless `environment` says otherwise.
    public func loa(
        _ arguments: [String], controller: Bool = true, asUser: String? = nil, authenticated: Bool = true,
        input: String? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, out: String, err: String) {
        var all = arguments
        if controller { all += ["--controller", controllerURL] }
        return try run(
            Harness.binaries.appendingPathComponent("loa").path, all, asUser: asUser, authenticated: authenticated,
            input: input, environment: environment)
    }

    /// Runs a program to its end, with `input` on its standard input. With `authenticated`, `loa` gets the
    /// harness's session as `LOA_TOKEN` and curl as an `Authorization` header. `loa` runs in English (`LANG=C`)
    /// unless `environment` (added last) chooses a language.
    public func run(
        _ program: String, _ arguments: [String], asUser: String? = nil, authenticated: Bool = true,
        input: String? = nil, environment added: [String: String] = [:]
    ) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        var arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOA_TOKEN"] = nil
        environment["XDG_CONFIG_HOME"] = path("config")
        if authenticated, let token {
            if program.hasSuffix("/curl") { arguments = ["-H", "Authorization: Bearer " + token] + arguments }
            environment["LOA_TOKEN"] = token
        }
        if program.hasSuffix("/loa") {
            for name in ["LC_ALL", "LC_MESSAGES", "LOA_LANG"] { environment[name] = nil }
            environment["LANG"] = "C"
        }
        process.environment = environment.merging(added) { $1 }
        let stdin = Pipe()
        process.standardInput = stdin
        if let asUser {
            arguments = ["--reuid=\(asUser)", "--regid=nogroup", "--clear-groups", program] + arguments
            (process.executableURL, process.arguments) = inNamespace("/usr/bin/setpriv", arguments)
        } else {
            (process.executableURL, process.arguments) = inNamespace(program, arguments)
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    /// Starts a long-running program whose stderr goes to `stderr`.
    ///
    /// With an `LD_PRELOAD` (libfaketime) in `environment` the program is started through `/bin/sh -c 'exec …'`:
    /// libfaketime's constructor `setenv`s `FAKETIME_SHARED`, which moves `environ` off the initial stack, and the
    /// Swift runtime on Linux finds `argv` by walking back from `environ`, so a Swift program preloaded directly
    /// sees no arguments at all (and a controller would run on its default state directory). Started from a
    /// shell that has already set `FAKETIME_SHARED`, the program's libfaketime reuses it and leaves `environ` be.
    /// `namespace` runs it in that network namespace instead of the harness's.
    public func launch(
        _ name: String, _ arguments: [String], stderr: String, environment: [String: String] = [:],
        namespace: String? = nil
    ) throws -> Process {
        let process = Process()
        let program = name.hasPrefix("/") ? name : Harness.binaries.appendingPathComponent(name).path
        if environment["LD_PRELOAD"] == nil {
            (process.executableURL, process.arguments) = inNamespace(program, arguments, namespace)
        } else {
            (process.executableURL, process.arguments) = inNamespace(
                "/bin/sh", ["-c", "exec \"$0\" \"$@\"", program] + arguments, namespace)
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        FileManager.default.createFile(atPath: stderr, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        processes.append(process)
        return process
    }

    /// `program` with `arguments`, run in `namespace` if there is one (`ip netns exec` runs it in its own process,
    /// so its pid is the program's).
    private func inNamespace(_ program: String, _ arguments: [String], _ other: String? = nil) -> (URL, [String]) {
        guard let namespace = other ?? namespace else { return (URL(fileURLWithPath: program), arguments) }
        return (URL(fileURLWithPath: "/usr/sbin/ip"), ["netns", "exec", namespace, program] + arguments)
    }

    /// Stops a process with SIGTERM (or `signal`) and waits for it; one still running 10 s later is killed (a
    /// program that does not unblock the signals the test process blocks, as ffmpeg or icecast2, never sees them).
    public func stop(_ process: Process, signal: Int32 = SIGTERM) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let end = Date().addingTimeInterval(10)
        while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Queues `file` in `zone` and waits until the controller has played everything queued.
    @discardableResult
    public func queueAndWait(_ files: [String], zone: String = "all") throws -> [Int] {
        var ids: [Int] = []
        for file in files {
            let result = try loa(["queue", file, "--zone", zone])
            guard result.status == 0, let id = Int(result.out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw HarnessError("loa queue failed: \(result.err)")
            }
            ids.append(id)
        }
        try waitUntilIdle()
        return ids
    }

    /// Polls `loa status --json` until no zone plays or has anything queued but the schedule's later occurrences.
    public func waitUntilIdle(timeout: Double = 300) throws {
        _ = try waitFor("the programme to finish", timeout: timeout) { () -> Bool? in
            guard let result = try? self.loa(["status", "--json"]), result.status == 0,
                let object = try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any],
                let zones = object["zones"] as? [[String: Any]]
            else { return nil }
            // A schedule's occurrences planned for later (a day ahead) do not count; everything else queued does.
            let now = Int(Date().timeIntervalSince1970 * 1000)
            let waiting = zones.flatMap { ($0["queued"] as? [[String: Any]]) ?? [] }.filter {
                !(($0["source"] as? String)?.hasPrefix("schedule: ") == true && ($0["plannedAt"] as? Int ?? 0) > now)
            }
            let busy = zones.contains { $0["playing"] != nil } || !waiting.isEmpty
            return busy ? nil : true
        }
        Thread.sleep(forTimeInterval: 1.0)  // let receivers play out their jitter buffers and go idle
    }

    /// Polls `check` every 100 ms until it returns a value.
    public func waitFor<T>(_ what: String, timeout: Double, _ check: () throws -> T?) throws -> T {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let value = try check() { return value }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw HarnessError("timed out waiting for \(what)")
    }

    /// Makes a Vietnamese speech clip with espeak-ng.
    public func speech(_ name: String, _ text: String) throws -> String {
        let file = path(name)
        let result = try run("/usr/bin/espeak-ng", ["-v", "vi", "-w", file, text])
        guard result.status == 0 else { throw HarnessError("espeak-ng failed: \(result.err)") }
        return file
    }

    /// Makes a stereo 44.1 kHz logarithmic tone sweep with sox.
    public func sweep(_ name: String, seconds: Double = 3) throws -> String {
        let file = path(name)
        let result = try run(
            "/usr/bin/sox",
            [
                "-n", "-r", "44100", "-c", "2", "-b", "16", file, "synth", String(seconds), "sine", "100/6000", "vol",
                "0.5",
            ])
        guard result.status == 0 else { throw HarnessError("sox failed: \(result.err)") }
        return file
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The repository's root folder.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
