import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The office's microphone on the air (issue 16, points 1, 2 and 4), with real processes: the controller's live
    /// input is an ALSA `file` PCM whose `infile` is a FIFO the test feeds in real time (a capture device on these
    /// machines; libasound does not pace it, `LiveSource` does), `loa live` runs until its standard input ends, and
    /// a real box plays what was "spoken".
    @Suite("Live microphone")
    struct LiveTests {
        /// The controller's configuration with the live input `mic` reading `fifo` (mono, `rate` Hz), and `chime` as
        /// the chime of normal live broadcasts if given; `frameMilliseconds` and the zone's `playoutDelay` (ms) if
        /// given.
        func startController(
            _ harness: Harness, fifo: String, rate: Int, chime: String? = nil, loudness: Bool = false,
            frameMilliseconds: Int? = nil, playoutDelay: Int? = nil
        ) throws {
            let alsa = harness.path("capture.conf")
            try """
            pcm.loamic {
                type file
                slave.pcm "null"
                file "/dev/null"
                infile "\(fifo)"
                format "raw"
            }
            """.write(toFile: alsa, atomically: true, encoding: .utf8)
            let config = harness.path("live.yaml")
            try """
            \(loudness ? "" : "loudness: off")
            \(frameMilliseconds.map { "frame-ms: \($0)" } ?? "")
            \(chime.map { "chimes:\n  normal: \($0)" } ?? "")
            inputs:
              mic:
                device: loamic
                rate: \(rate)
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
                \(playoutDelay.map { "playout-delay-ms: \($0)" } ?? "")
            """.write(toFile: config, atomically: true, encoding: .utf8)
            try harness.startController(
                config: config, environment: ["ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf:" + alsa])
        }

        /// Feeds `fifo` from its own thread at real-time rate, 20 ms at a time 400 ms ahead of the reader (so that
        /// each paced read finds its samples): silence until `speak` is set, then `speech`, then silence until
        /// `done` is set.
        final class Speaker: @unchecked Sendable {
            let fifo: String
            let speech: [Int16]
            let rate: Int
            private let lock = NSLock()
            private var speaking = false
            private var finished = false
            private(set) var spokeAll = false

            init(fifo: String, speech: [Int16], rate: Int) {
                self.fifo = fifo
                self.speech = speech
                self.rate = rate
            }

            func speak() { lock.withLock { speaking = true } }
            func stop() { lock.withLock { finished = true } }
            var hasSpoken: Bool { lock.withLock { spokeAll } }

            func start() {
                // A reader that closes the FIFO makes the next write fail (EPIPE), not kill the test process.
                signal(SIGPIPE, SIG_IGN)
                Thread.detachNewThread { self.run() }
            }

            private func run() {
                let descriptor = open(fifo, O_WRONLY)
                guard descriptor >= 0 else { return }
                defer { close(descriptor) }
                let block = rate / 50
                var position = 0
                let start = Date()
                var written = 0
                while !lock.withLock({ finished }) {
                    var chunk = [Int16](repeating: 0, count: block)
                    if lock.withLock({ speaking }) && position < speech.count {
                        let end = min(position + block, speech.count)
                        chunk.replaceSubrange(0..<(end - position), with: speech[position..<end])
                        position = end
                        if position == speech.count { lock.withLock { spokeAll = true } }
                    }
                    let sent = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if sent < 0 { return }
                    written += 1
                    // Keep 400 ms ahead of real time (the FIFO holds about 680 ms), so that a loaded machine does not
                    // leave a paced read short (libasound would fill the rest with silence).
                    let due = start.addingTimeInterval(Double(written) * 0.02 - 0.4)
                    let wait = due.timeIntervalSinceNow
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                }
            }
        }

        /// `loa live` as a running process: its standard input is ours to close, its output is read as it comes.
        final class LiveRun: @unchecked Sendable {
            let process = Process()
            let input = Pipe()
            let output = Pipe()
            private let lock = NSLock()
            private var text = ""

            init(_ harness: Harness, arguments: [String]) throws {
                process.executableURL = Harness.binaries.appendingPathComponent("loa")
                process.arguments = ["live"] + arguments + ["--controller", harness.controllerURL]
                var environment = ProcessInfo.processInfo.environment
                for name in ["LC_ALL", "LC_MESSAGES", "LOA_LANG"] { environment[name] = nil }
                environment["LANG"] = "C"
                environment["LOA_TOKEN"] = harness.token
                environment["XDG_CONFIG_HOME"] = harness.path("config")
                process.environment = environment
                process.standardInput = input
                process.standardOutput = output
                process.standardError = output
                output.fileHandleForReading.readabilityHandler = { [self] handle in
                    let data = handle.availableData
                    lock.withLock { text += String(decoding: data, as: UTF8.self) }
                }
                try process.run()
            }

            var said: String { lock.withLock { text } }

            /// Ends the broadcast as an operator does (Enter), and waits for `loa` to exit.
            func end() -> Int32 {
                input.fileHandleForWriting.write(Data("\n".utf8))
                process.waitUntilExit()
                Thread.sleep(forTimeInterval: 0.2)
                return process.terminationStatus
            }
        }

        /// Starts `loa live` with `arguments` and returns once it says "speak now".
        func onAir(_ harness: Harness, arguments: [String]) throws -> LiveRun {
            let live = try LiveRun(harness, arguments: arguments)
            _ = try harness.waitFor("'speak now'", timeout: 30) { () -> Bool? in
                if !live.process.isRunning { throw HarnessError("loa live exited: \(live.said)") }
                return live.said.contains("ON AIR: speak now") ? true : nil
            }
            return live
        }

        /// Runs `loa live` with `arguments` as an operator does: waits for "speak now", speaks `speech` (48 kHz samples)
        /// into the input's FIFO in real time, then presses Enter a second after the last word. Returns `loa`'s exit
        /// status and what it printed.
        func broadcast(_ harness: Harness, fifo: String, speech: [Float], arguments: [String]) throws -> (
            status: Int32, said: String
        ) {
            let speaker = Speaker(fifo: fifo, speech: speech.map { Int16($0) }, rate: 48_000)
            speaker.start()
            defer { speaker.stop() }
            let live = try onAir(harness, arguments: arguments)
            speaker.speak()
            _ = try harness.waitFor("the speech to be fed", timeout: 120) { speaker.hasSpoken ? true : nil }
            Thread.sleep(forTimeInterval: 1)
            let status = live.end()
            return (status, live.said)
        }

        /// The samples of a Vietnamese sentence spoken by espeak-ng, at 48 kHz mono.
        func speech(_ harness: Harness) throws -> [Float] {
            let wav = harness.path("speech.wav")
            let made = try harness.run(
                "/usr/bin/espeak-ng", ["-v", "vi", "-w", wav, "Xin chào bà con thôn Đông, đây là loa truyền thanh xã."])
            guard made.status == 0 else { throw HarnessError("espeak-ng failed: \(made.err)") }
            return try AudioComparison.reference(wav)
        }

        @Test func theMicrophoneIsHeardAtTheBoxAndRecordedInTheLog() throws {
            let harness = try Harness(groupOctet: 151)
            let fifo = harness.path("mic.fifo")
            guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
            let chimeFile = harness.path("chime.wav")
            let made = try harness.run(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=660:duration=1", "-ar", "48000",
                    chimeFile,
                ])
            guard made.status == 0 else { throw HarnessError("ffmpeg failed: \(made.err)") }
            let chime = try AudioComparison.reference(chimeFile)
            try startController(harness, fifo: fifo, rate: 48_000, chime: chimeFile)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            // A second box within earshot of the office: it plays the chime but stays silent for the talk. Its sound
            // card has the low-latency profile's 20 ms buffer (the first box ALSA's 60 ms default).
            let nearOutput = harness.path("near.raw")
            let near = try harness.startReceiver(
                output: nearOutput, name: "near", arguments: ["--near-office", "yes", "--device-buffer-ms", "20"])
            // Both boxes approved into the zone: the controller keeps what their heartbeats say they played.
            let ids = try harness.waitFor("both boxes to enrol", timeout: 60) { () -> [String]? in
                let ids = try RealProcesses.FleetTests.receivers(harness).compactMap { $0["id"] as? String }
                return ids.count == 2 ? ids : nil
            }
            for id in ids { #expect(try harness.loa(["receivers", "approve", id, "--zone", "all"]).status == 0) }
            let source = try speech(harness)
            let live = try broadcast(
                harness, fifo: fifo, speech: source,
                arguments: ["--input", "mic", "--zones", "all", "--title", "Chủ tịch xã"])
            #expect(live.status == 0, "\(live.said)")
            #expect(live.said.contains("ended:") && live.said.contains("recorded"), "\(live.said)")
            try harness.waitUntilIdle()
            harness.stop(receiver)
            harness.stop(near)

            // What the box played: the chime first, then, from the speech's onset on, what was spoken.
            let played = try AudioComparison.raw16(output)
            let onset = try #require(played.firstIndex { abs($0) > 300 }, "the box played nothing but silence")
            let chimeEnd = min(played.count, onset + chime.count + 2400)
            let rang = AudioComparison.compare(source: chime, played: Array(played[max(0, onset - 2400)..<chimeEnd]))
            #expect(rang.correlation >= 0.9, "the box's first sound correlates \(rang.correlation) with the chime")
            let spoken = try #require(
                played[chimeEnd...].firstIndex { abs($0) > 300 }, "the box played nothing after the chime")
            let heard = Array(played[max(0, spoken - 2400)...])
            let match = AudioComparison.compare(source: source, played: heard)
            #expect(match.correlation >= 0.9, "the box's output correlates \(match.correlation) with the speech")

            // The box near the office heard the chime, then nothing.
            let nearPlayed = try AudioComparison.raw16(nearOutput)
            let nearOnset = try #require(nearPlayed.firstIndex { abs($0) > 300 }, "the near box did not play the chime")
            let afterChime = nearPlayed[min(nearPlayed.count, nearOnset + chime.count + 2400)...]
            #expect(afterChime.count > source.count, "the near box stopped playing")
            #expect(afterChime.allSatisfy { abs($0) <= 300 }, "the box near the office played the live talk")
            let nearLog = try String(contentsOfFile: harness.path("near.log"), encoding: .utf8)
            #expect(nearLog.contains("the office speaks live: silent (near-office)"), "\(nearLog)")
            #expect(nearLog.contains("ALSA device 'loatest' open: 1 channel(s), buffer 20 ms"), "\(nearLog)")
            let boxLog = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            #expect(boxLog.contains("ALSA device 'loatest' open: 1 channel(s), buffer 60 ms"), "\(boxLog)")

            // The as-played log has the live item, completed, and its recording is its clip: as long as it aired.
            let log = try harness.loa(["log", "--csv"])
            #expect(log.out.contains("Chủ tịch xã") && log.out.contains("completed"), "\(log.out)")
            let table = try harness.loa(["log"])
            #expect(table.out.contains("    recorded live: clip 1 (STATE/clips/1.loaclip)"), "\(table.out)")
            let item = try #require(try harness.api("/items/1") as? [String: Any])
            #expect(item["source"] as? String == "live:mic")
            let duration = try #require(item["durationMs"] as? Int)
            #expect(duration >= source.count / 48, "the recording lasts \(duration) ms")
            let recording = harness.path("state/clips/1.loaclip")
            #expect(FileManager.default.fileExists(atPath: recording))
            // Proof of play per box covers a live item too (issue 15, point 5): each box says how it played it, from
            // the stream (the near box too: it received every frame, silent or not).
            let boxes = try harness.waitFor("both boxes' play of the live item", timeout: 30) { () -> [Substring]? in
                let lines = try harness.loa(["log", "--per-box", "--csv"]).out.split(separator: "\n").filter {
                    $0.hasPrefix("1,all,")
                }
                return lines.count == 2 ? lines : nil
            }
            for line in boxes {
                let fields = line.split(separator: ",")
                #expect(fields.count > 8 && Int(fields[6]) ?? 0 > 0 && fields[5] == "0", "\(line)")
            }
        }

        /// Issue 16 point 9: a quiet microphone (speech at −35 LUFS) airs at the programme loudness once the slow
        /// automatic gain has settled, measured at the box by ffmpeg's `ebur128` filter.
        @Test func aQuietMicrophoneAirsAtTheProgrammeLoudness() throws {
            let harness = try Harness(groupOctet: 153)
            let fifo = harness.path("mic.fifo")
            guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
            try startController(harness, fifo: fifo, rate: 48_000, loudness: true)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let wav = harness.path("speech.wav")
            _ = try speech(harness)
            try FFmpegLoudness.scaled(wav, to: -35, path: harness.path("quiet.wav"))
            let quiet = try AudioComparison.reference(harness.path("quiet.wav"))
            let pause = [Float](repeating: 0, count: 14_400)
            let spoken = (0..<6).flatMap { _ in quiet + pause }
            let live = try broadcast(harness, fifo: fifo, speech: spoken, arguments: ["--input", "mic"])
            #expect(live.status == 0, "\(live.said)")
            try harness.waitUntilIdle()
            harness.stop(receiver)

            let played = try AudioComparison.raw16(output)
            let onset = try #require(played.firstIndex { abs($0) > 100 }, "the box played nothing but silence")
            // From 8 s in (the gain rises 6 dB/s and the short-term loudness looks 3 s back) to the end of the talk.
            let settled = played[min(played.count, onset + 8 * 48_000)..<min(played.count, onset + spoken.count)]
            #expect(settled.count > 8 * 48_000, "the box played \(played.count) samples")
            let segment = harness.path("settled.raw")
            try Data(settled.flatMap { withUnsafeBytes(of: Int16($0).littleEndian, Array.init) })
                .write(to: URL(fileURLWithPath: segment))
            let measured = try FFmpegLoudness.measure(segment, raw: true)
            // (Peaks are not compared at the box: Opus's decoder overshoots them; the limiter keeps them at −1 dBTP
            // before the encoder, `LiveLevelTests`.)
            #expect(abs(measured.integrated + 16) <= 1, "the quiet microphone airs at \(measured.integrated) LUFS")
        }

        /// An emergency cuts a live broadcast like any item (issue 16 point 1), and the live broadcast comes back at its
        /// live edge when the emergency ends: the box plays the office's 440 Hz, the emergency's 1 kHz, then 440 Hz again,
        /// and the log shows the live item interrupted by the emergency, then completed.
        @Test func anEmergencyCutsALiveBroadcastWhichRejoinsAfterIt() throws {
            let harness = try Harness(groupOctet: 154)
            let fifo = harness.path("mic.fifo")
            guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
            try startController(harness, fifo: fifo, rate: 48_000)
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let made = try harness.loa(["keys", "new", "chu-tich", "--dir", harness.directory.path], controller: false)
            #expect(made.status == 0, "\(made.err)")
            let added = try harness.addOperator(harness.path("chu-tich.pub"), emergency: true)
            #expect(added.status == 0, "\(added.err)")
            let alarm = harness.path("alarm.wav")
            let tone = try harness.run(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1000:duration=3", "-ar", "48000",
                    alarm,
                ])
            #expect(tone.status == 0, "\(tone.err)")

            // The office: 14 s of 440 Hz.
            let office = (0..<(14 * 48_000)).map { Float(6000 * sin(2 * Double.pi * 440 * Double($0) / 48_000)) }
            let speaker = Speaker(fifo: fifo, speech: office.map { Int16($0) }, rate: 48_000)
            speaker.start()
            defer { speaker.stop() }
            let live = try onAir(harness, arguments: ["--input", "mic"])
            speaker.speak()
            func playing() throws -> Int {
                let status = try harness.api("/status") as? [String: Any]
                return ((status?["zones"] as? [[String: Any]])?.first?["playing"] as? [String: Any])?["id"] as? Int ?? 0
            }
            Thread.sleep(forTimeInterval: 3)
            let started = try harness.loa([
                "emergency", "start", "--zones", "all", "--clip", alarm, "--key", harness.path("chu-tich.key"),
            ])
            #expect(started.status == 0, "\(started.err)")
            Thread.sleep(forTimeInterval: 2)
            let stopped = try harness.loa([
                "emergency", "stop", "--zones", "all", "--key", harness.path("chu-tich.key"),
            ])
            #expect(stopped.status == 0, "\(stopped.err)")
            _ = try harness.waitFor("the live broadcast to come back", timeout: 30) { try playing() == 1 ? true : nil }
            _ = try harness.waitFor("the office to finish", timeout: 60) { speaker.hasSpoken ? true : nil }
            #expect(live.end() == 0, "\(live.said)")
            try harness.waitUntilIdle()
            harness.stop(receiver)

            // Which tone each 100 ms of the box's output carries, runs of the same tone merged.
            let played = try AudioComparison.raw16(output)
            var runs: [Int] = []
            for start in stride(from: 0, to: played.count - 4800, by: 4800) {
                let window = played[start..<start + 4800]
                guard window.contains(where: { abs($0) > 300 }) else { continue }
                let tone =
                    AudioComparison.strength(window, 440) > 0.3
                    ? 440 : AudioComparison.strength(window, 1000) > 0.3 ? 1000 : 0
                if tone != 0 && runs.last != tone { runs.append(tone) }
            }
            #expect(runs == [440, 1000, 440], "the box played \(runs)")

            let log = try harness.api("/log?since=0") as? [[String: Any]] ?? []
            let rows = log.filter { $0["itemId"] as? Int == 1 }
            #expect(rows.map { $0["outcome"] as? String } == ["interrupted", "completed"], "\(rows)")
            #expect((rows.first?["reason"] as? String)?.contains("pre-empted by emergency") == true, "\(rows)")
        }

        /// A microphone is never left open (issue 16 point 1): `loa live` killed without Enter (SIGKILL, as when the
        /// office's computer fails) stops saying that the office is there, and the controller ends the broadcast by
        /// itself, logs it and raises a `live-cut` alert; the box falls silent although the office goes on "speaking"
        /// for a minute, and the recording holds only what aired.
        @Test func aKilledLoaLiveDoesNotLeaveTheMicrophoneOpen() throws {
            let harness = try Harness(groupOctet: 162)
            let fifo = harness.path("mic.fifo")
            guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
            try startController(harness, fifo: fifo, rate: 48_000)
            let receiver = try harness.startReceiver(output: harness.path("played.raw"))
            let office = (0..<(60 * 48_000)).map { Int16(6000 * sin(2 * Double.pi * 440 * Double($0) / 48_000)) }
            let speaker = Speaker(fifo: fifo, speech: office, rate: 48_000)
            speaker.start()
            defer { speaker.stop() }
            let live = try onAir(harness, arguments: ["--input", "mic"])
            speaker.speak()
            Thread.sleep(forTimeInterval: 3)
            kill(live.process.processIdentifier, SIGKILL)
            live.process.waitUntilExit()

            // The controller ends it while the office still "speaks" (the minute of 440 Hz is far from over).
            let ended = try harness.waitFor("the controller to end the broadcast", timeout: 40) {
                () -> [String: Any]? in
                let item = try harness.api("/items/1") as? [String: Any]
                let states = (item?["states"] as? [String: String]) ?? [:]
                return states.values.contains(where: { $0 == "pending" || $0 == "playing" }) ? nil : item
            }
            #expect(
                !speaker.hasSpoken, "the broadcast was ended by the end of the office's speech, not by the controller")
            #expect((ended["states"] as? [String: String]) == ["all": "completed"], "\(ended)")
            let recorded = ended["durationMs"] as? Int ?? 0
            #expect(recorded > 2_000 && recorded < 30_000, "recorded \(recorded) ms")
            // The alert is recorded by the fleet's next flush.
            let cut = try harness.waitFor("the live-cut alert", timeout: 10) { () -> [String]? in
                let alerts = try harness.api("/alerts") as? [[String: Any]] ?? []
                let cut = alerts.filter { $0["kind"] as? String == "live-cut" }.compactMap { $0["detail"] as? String }
                return cut.isEmpty ? nil : cut
            }
            #expect(cut.count == 1 && cut[0].contains("live item 1: no word from the office"), "\(cut)")
            let log = (try? String(contentsOfFile: harness.path("controller.log"), encoding: .utf8)) ?? ""
            #expect(log.contains("live item 1 ended by the controller: no word from the office"), "\(log)")
            // Nothing more airs: a keepalive for the ended item is refused, as 'loa live stop' is.
            let stop = try harness.loa(["live", "stop", "1"])
            #expect(stop.status == 1 && stop.err.contains("not a live broadcast"), "\(stop.err)")
            harness.stop(receiver)
        }

        @Test func aLiveBroadcastThatCannotStartIsRefusedInOneLine() throws {
            let harness = try Harness(groupOctet: 152)
            let fifo = harness.path("mic.fifo")
            guard mkfifo(fifo, 0o600) == 0 else { throw HarnessError("mkfifo failed") }
            try startController(harness, fifo: fifo, rate: 48_000)
            let unknown = try harness.loa(["live", "--input", "radio"], input: "\n")
            #expect(unknown.status == 1)
            #expect(unknown.err == "loa: no live input 'radio'; inputs are: mic\n", "\(unknown.err)")
            let emergency = try harness.loa(["live", "--priority", "khan-cap"], input: "\n")
            #expect(emergency.status == 1)
            #expect(emergency.err.contains("loa emergency start"), "\(emergency.err)")
            let zone = try harness.loa(["live", "--zones", "thon-tay"], input: "\n")
            #expect(zone.status == 1 && zone.err.contains("unknown zone 'thon-tay'"), "\(zone.err)")
            let stop = try harness.loa(["live", "stop", "7"])
            #expect(stop.status == 1 && stop.err.contains("not a live broadcast"), "\(stop.err)")
            // Nothing was queued by any of them.
            let status = try harness.loa(["status"])
            #expect(!status.out.contains("queued #"), "\(status.out)")
        }
    }
}
