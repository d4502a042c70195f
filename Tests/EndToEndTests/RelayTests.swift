import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// A radio station relayed on the air (issue 16, points 5 and 6), with real servers on loopback: a real Icecast
    /// server (Debian's `icecast2`) fed by `ffmpeg`, and a live HLS stream written by `ffmpeg` and served by an HTTP
    /// server (Python's). The controller decodes them with FFmpeg's libraries; a real box plays the result.
    @Suite("Relay of a radio station")
    struct RelayTests {
        /// A TCP port free on loopback now.
        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw HarnessError("cannot bind a TCP port") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
            }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        /// Starts Icecast on a free loopback port with its files in the test's directory; returns the port and the
        /// server.
        func startIcecast(_ harness: Harness) throws -> (Int, Process) {
            let port = try Self.freePort()
            let directory = harness.path("icecast")
            try FileManager.default.createDirectory(atPath: directory + "/log", withIntermediateDirectories: true)
            // Icecast refuses to run as root unless it changes owner; as another user it may not.
            let root = getuid() == 0
            if root {
                _ = try harness.run("/bin/chown", ["-R", "nobody:nogroup", directory])
                _ = try harness.run("/bin/chmod", ["755", harness.directory.path])
            }
            try """
            <icecast>
              <limits><sources>4</sources><burst-size>65536</burst-size></limits>
              <authentication><source-password>nguon</source-password><admin-user>admin</admin-user>
                <admin-password>quantri</admin-password></authentication>
              <hostname>127.0.0.1</hostname>
              <listen-socket><port>\(port)</port><bind-address>127.0.0.1</bind-address></listen-socket>
              <fileserve>0</fileserve>
              <paths><logdir>\(directory)/log</logdir><webroot>\(directory)</webroot><adminroot>\(directory)</adminroot></paths>
              <logging><errorlog>-</errorlog><loglevel>2</loglevel></logging>
              <security><chroot>0</chroot>\(root ? "<changeowner><user>nobody</user><group>nogroup</group></changeowner>" : "")</security>
            </icecast>
            """.write(toFile: directory + "/icecast.xml", atomically: true, encoding: .utf8)
            let server = try harness.launch(
                "/usr/bin/icecast2", ["-c", directory + "/icecast.xml"], stderr: harness.path("icecast.log"))
            _ = try harness.waitFor("Icecast to listen", timeout: 30) { () -> Bool? in
                if !server.isRunning { throw HarnessError("icecast2 exited: \(self.text(harness, "icecast.log"))") }
                let probe = try harness.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"])
                return probe.status == 0 ? true : nil
            }
            return (port, server)
        }

        /// Feeds mount `mount` of the Icecast server at `port` with `source` (an ffmpeg lavfi graph) in real time,
        /// as MP3; returns once a listener can read it.
        func feed(_ harness: Harness, port: Int, mount: String, source: String) throws -> Process {
            let process = try harness.launch(
                "/usr/bin/ffmpeg",
                [
                    "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", source, "-ac", "2", "-c:a",
                    "libmp3lame", "-b:a", "128k", "-content_type", "audio/mpeg", "-f", "mp3",
                    "icecast://source:nguon@127.0.0.1:\(port)/\(mount)",
                ], stderr: harness.path("feed-\(mount).log"))
            _ = try harness.waitFor("the mount \(mount)", timeout: 30) { () -> Bool? in
                if !process.isRunning {
                    throw HarnessError("ffmpeg exited: \(self.text(harness, "feed-\(mount).log"))")
                }
                let probe = try harness.run(
                    "/usr/bin/curl", ["-s", "-f", "-m", "1", "-o", "/dev/null", "http://127.0.0.1:\(port)/\(mount)"])
                // curl ends with "operation timed out" (28) while the stream flows.
                return probe.status == 28 ? true : nil
            }
            return process
        }

        func text(_ harness: Harness, _ name: String) -> String {
            (try? String(contentsOfFile: harness.path(name), encoding: .utf8)) ?? ""
        }

        /// The `relay-switch` alerts so far, their details.
        func switches(_ harness: Harness) throws -> [String] {
            let alerts = try harness.api("/alerts") as? [[String: Any]] ?? []
            return alerts.filter { $0["kind"] as? String == "relay-switch" }.compactMap { $0["detail"] as? String }
        }

        /// The tones heard in `samples` (16-bit at 48 kHz), in order: per 100 ms, the strongest of `tones` if it
        /// holds most of the window's energy, runs shorter than 300 ms dropped, repeats collapsed.
        func tones(_ samples: [Float], among tones: [Double]) -> [Double] {
            var heard: [Double] = []
            for start in stride(from: 0, to: samples.count - 4800, by: 4800) {
                let window = samples[start..<(start + 4800)]
                guard window.contains(where: { abs($0) > 300 }) else { continue }
                let strengths = tones.map { AudioComparison.strength(window, $0) }
                let best = strengths.indices.max { strengths[$0] < strengths[$1] }!
                if strengths[best] > 0.15 { heard.append(tones[best]) }
            }
            var runs: [(tone: Double, count: Int)] = []
            for tone in heard {
                if runs.last?.tone == tone { runs[runs.count - 1].count += 1 } else { runs.append((tone, 1)) }
            }
            var collapsed: [Double] = []
            for run in runs where run.count >= 3 && collapsed.last != run.tone { collapsed.append(run.tone) }
            return collapsed
        }

        /// The primary (600 Hz) is cut → the backup (900 Hz) airs; the primary comes back and, after 10 s of
        /// healthy audio, airs again; then it falls silent while the backup is gone → the fallback clip (1500 Hz)
        /// airs; the window ends on time. Each switch is an alert; the box hears 600, 900, 600, 1500 Hz in that
        /// order, and the recording is no longer than the window.
        @Test func aDeadSourceGivesWayToTheBackupASilentOneToTheFallbackAndTheWindowEnds() throws {
            let harness = try Harness(groupOctet: 160)
            let (port, server) = try startIcecast(harness)
            defer { harness.stop(server, signal: SIGKILL) }
            var primary = try feed(
                harness, port: port, mount: "chinh.mp3", source: "sine=frequency=600:sample_rate=44100")
            let backup = try feed(
                harness, port: port, mount: "du-phong.mp3", source: "sine=frequency=900:sample_rate=44100")
            defer { harness.stop(backup, signal: SIGKILL) }
            let fallback = harness.path("fallback.wav")
            let made = try harness.run(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1500:duration=2", "-ar", "48000",
                    fallback,
                ])
            #expect(made.status == 0, "\(made.err)")
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)

            let window = 60
            let relay = try harness.loa([
                "relay", "http://127.0.0.1:\(port)/chinh.mp3", "http://127.0.0.1:\(port)/du-phong.mp3", "--until",
                "\(window)s", "--fallback", fallback, "--title", "Tiếp sóng VOV1",
            ])
            #expect(relay.status == 0, "\(relay.err)")
            #expect(relay.out.contains("relaying 127.0.0.1 → all until"), "\(relay.out)")
            let id = try #require(relay.out.split(separator: " ").first.flatMap { Int($0.dropFirst()) })

            Thread.sleep(forTimeInterval: 4)
            harness.stop(primary, signal: SIGKILL)
            _ = try harness.waitFor("the switch to the backup", timeout: 20) {
                try switches(harness).contains { $0.contains("backup 1") } ? true : nil
            }
            // The primary comes back: 25 s of its tone, then silence on the same connection.
            primary = try feed(
                harness, port: port, mount: "chinh.mp3", source: "sine=frequency=600:sample_rate=44100:duration=25,apad"
            )
            _ = try harness.waitFor("the switch back to the primary", timeout: 30) {
                try switches(harness).contains { $0.contains("the primary") } ? true : nil
            }
            harness.stop(backup, signal: SIGKILL)
            _ = try harness.waitFor("the switch to the fallback", timeout: 30) {
                try switches(harness).contains { $0.contains("the fallback clip") } ? true : nil
            }
            try harness.waitUntilIdle(timeout: 90)
            harness.stop(receiver)
            harness.stop(primary, signal: SIGKILL)

            let switched = try switches(harness)
            #expect(switched.count == 3, "\(switched)")
            let played = try AudioComparison.raw16(output)
            #expect(tones(played, among: [600, 900, 1500]) == [600, 900, 600, 1500])
            let item = try #require(try harness.api("/items/\(id)") as? [String: Any])
            #expect(item["source"] as? String == "relay:http://127.0.0.1:\(port)/chinh.mp3")
            let duration = try #require(item["durationMs"] as? Int)
            #expect(duration <= window * 1000, "the relay aired \(duration) ms of a \(window) s window")
            #expect(duration >= (window - 5) * 1000, "the relay ended after \(duration) ms of a \(window) s window")
            let log = try harness.loa(["log", "--csv"])
            #expect(log.out.contains("Tiếp sóng VOV1") && log.out.contains("completed"), "\(log.out)")
            let controllerLog = text(harness, "controller.log")
            #expect(controllerLog.contains("relay ended: its window closed"), "\(controllerLog)")
        }

        /// The controller killed with SIGKILL in the middle of a relay relays it again when it starts within the
        /// window: a new item with the same station, end and title, heard at the box; the cut item's log says why.
        @Test func aRelayCutOffByAControllerCrashIsRelayedAgain() throws {
            let harness = try Harness(groupOctet: 166)
            let (port, server) = try startIcecast(harness)
            defer { harness.stop(server, signal: SIGKILL) }
            let station = try feed(
                harness, port: port, mount: "vov1.mp3", source: "sine=frequency=600:sample_rate=44100")
            defer { harness.stop(station, signal: SIGKILL) }
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let url = "http://127.0.0.1:\(port)/vov1.mp3"
            let relay = try harness.loa(["relay", url, "--until", "10m", "--title", "Tiếp sóng VOV1"])
            #expect(relay.status == 0, "\(relay.err)")
            let id = try #require(relay.out.split(separator: " ").first.flatMap { Int($0.dropFirst()) })
            Thread.sleep(forTimeInterval: 5)

            harness.stop(try #require(harness.controller), signal: SIGKILL)
            let heardBefore = try AudioComparison.raw16(output).count
            try harness.startController()
            let resumed = try harness.waitFor("the relay to be relayed again", timeout: 30) { () -> Int? in
                let log = text(harness, "controller.log")
                guard let range = log.range(of: "relayed again as item ") else { return nil }
                return Int(log[range.upperBound...].prefix { $0.isNumber })
            }
            #expect(resumed > id)
            Thread.sleep(forTimeInterval: 6)
            #expect(try harness.loa(["live", "stop", String(resumed)]).status == 0)
            harness.stop(receiver)

            let played = try AudioComparison.raw16(output)
            #expect(tones(Array(played[heardBefore...]), among: [600]) == [600], "the station is heard again")
            let item = try #require(try harness.api("/items/\(resumed)") as? [String: Any])
            #expect(item["source"] as? String == "relay:\(url)")
            #expect(item["title"] as? String == "Tiếp sóng VOV1")
            let entries = try harness.api("/log?since=0") as? [[String: Any]] ?? []
            let cut = entries.filter { $0["itemId"] as? Int == id }
            #expect(cut.map { $0["outcome"] as? String } == ["interrupted", "cancelled"])
            #expect((cut.last?["reason"] as? String)?.contains("relayed again") == true)
        }

        /// A live HLS stream (AAC segments written by ffmpeg, served over HTTP) is relayed: the box plays its tone.
        @Test func anHLSStreamIsRelayed() throws {
            let harness = try Harness(groupOctet: 161)
            let port = try Self.freePort()
            let web = harness.path("hls")
            try FileManager.default.createDirectory(atPath: web, withIntermediateDirectories: true)
            let writer = try harness.launch(
                "/usr/bin/ffmpeg",
                [
                    "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                    "sine=frequency=750:sample_rate=48000",
                    "-c:a", "aac", "-b:a", "96k", "-f", "hls", "-hls_time", "1", "-hls_list_size", "6", "-hls_flags",
                    "delete_segments", web + "/vov.m3u8",
                ], stderr: harness.path("hls.log"))
            let server = try harness.launch(
                "/usr/bin/python3", ["-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", web],
                stderr: harness.path("http.log"))
            defer {
                harness.stop(writer, signal: SIGKILL)
                harness.stop(server, signal: SIGKILL)
            }
            _ = try harness.waitFor("the HLS playlist", timeout: 30) { () -> Bool? in
                if !writer.isRunning || !server.isRunning { throw HarnessError("ffmpeg or the HTTP server exited") }
                let probe = try harness.run("/usr/bin/curl", ["-s", "-f", "http://127.0.0.1:\(port)/vov.m3u8"])
                return probe.status == 0 && probe.out.components(separatedBy: ".ts").count > 3 ? true : nil
            }
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let relay = try harness.loa(["relay", "http://127.0.0.1:\(port)/vov.m3u8", "--until", "15s"])
            #expect(relay.status == 0, "\(relay.err)")
            try harness.waitUntilIdle(timeout: 90)
            harness.stop(receiver)

            let played = try AudioComparison.raw16(output)
            #expect(tones(played, among: [750, 1500]) == [750])
            let tone = played.filter { abs($0) > 300 }.count
            #expect(tone > 8 * 48_000, "the box played \(tone) samples of the relay")
            let switched = try switches(harness)
            #expect(switched.isEmpty, "\(switched)")
        }
    }
}
