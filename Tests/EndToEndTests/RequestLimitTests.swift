import Foundation
import LoaCrypto
import LoaSystem
import LoaTestSupport
import LoaWire
import Testing

extension RealProcesses {
    /// Issue 12, point 14: no request wedges the controller. Uploads are streamed to disk under a size limit,
    /// an emergency command is refused on its header before its body is read, and trust answers are metered per
    /// source address.
    @Suite("Request limits")
    struct RequestLimitTests {
        func config(_ harness: Harness, _ limits: String) throws -> String {
            let text = """
                zones:
                  - name: all
                    group: \(harness.group):\(harness.port)
                    interface: 127.0.0.1
                    ttl: 0
                limits:
                \(limits)
                """
            try text.write(toFile: harness.path("limits.yaml"), atomically: true, encoding: .utf8)
            return harness.path("limits.yaml")
        }

        /// The controller's peak resident memory (VmHWM), in MiB.
        func peakMiB(_ process: Process) throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? Int.max) / 1024
        }

        @Test func fourConcurrentMaximumSizeUploadsStayUnder200MB() throws {
            let harness = try Harness(groupOctet: 121)
            try harness.startController(config: try config(harness, "  upload-mib: 256"))
            let controller = try #require(harness.controller)
            let big = harness.path("big.bin")
            let made = try harness.run("/usr/bin/truncate", ["-s", "256M", big])
            #expect(made.status == 0, "\(made.err)")
            // Four at once, each exactly the limit: streamed to disk, refused as not audio (4xx), never 5xx.
            let uploads = (0..<4).map { _ in
                harness.launchCurl([
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary", "@\(big)",
                    harness.controllerURL + "/clips?title=big",
                ])
            }
            for upload in uploads {
                let status = try upload()
                #expect((400..<500).contains(status), "an upload of the maximum size was answered \(status)")
            }
            #expect(controller.isRunning)
            let peak = try peakMiB(controller)
            #expect(peak < 200, "the controller's peak resident memory was \(peak) MiB")
            // One byte more than the limit is refused with 413, and no upload is left behind.
            try FileHandle(forWritingAtPath: big).map { handle in
                try handle.seekToEnd()
                try handle.write(contentsOf: Data([0]))
                try handle.close()
            }
            let over = try harness.launchCurl([
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary", "@\(big)",
                harness.controllerURL + "/clips?title=big",
            ])()
            #expect(over == 413)
            let left = try FileManager.default.contentsOfDirectory(atPath: harness.path("state/uploads"))
            #expect(left.isEmpty, "uploads left behind: \(left)")
        }

        @Test func anEmergencyCommandIsRefusedOnItsHeaderBeforeItsBodyIsRead() throws {
            let harness = try Harness(groupOctet: 122)
            try harness.startController()
            let port = try #require(Int(harness.controllerURL.split(separator: ":").last ?? ""))
            // A request that announces a 1 GiB clip and sends none of it: the answer comes from the header alone.
            let status = try harness.launchCurl([
                "-s", "-o", harness.path("answer.json"), "-w", "%{http_code}", "--max-time", "60", "-X", "POST",
                "-H", "X-Loa-Command: AAAA", "-H", "Content-Length: 1073741824", "--data-binary", "@/dev/null",
                "http://127.0.0.1:\(port)/emergency?title=junk",
            ])()
            let answer = (try? String(contentsOfFile: harness.path("answer.json"), encoding: .utf8)) ?? ""
            #expect(status == 403, "answered \(status): \(answer)")
            #expect(answer.contains("emergency command refused"), "answered: \(answer)")
            #expect(harness.controller?.isRunning == true)
        }

        @Test func trustAnswersAreMeteredPerSourceAndAGenuineBoxIsStillAnswered() throws {
            let harness = try Harness(groupOctet: 123)
            try harness.startController(config: try config(harness, "  trust-per-second: 20"))
            let port = try #require(UInt16(harness.heartbeatAddress.split(separator: ":").last ?? ""))
            let controller = try #require(SocketAddress("127.0.0.1:\(port)"))
            let flooder = try UDPSocket()
            try flooder.bind(SocketAddress(address: #require(IPv4Address("127.0.0.77")), port: 0), shared: false)
            let box = try UDPSocket()
            try box.bind(SocketAddress(address: #require(IPv4Address("127.0.0.1")), port: 0), shared: false)
            let request = TrustMessage.request(nonce: RandomBytes.make(16)).encoded
            // 5,000 requests from one address as fast as a loop sends them.
            let started = MonotonicClock.now()
            for _ in 0..<5000 { _ = request.withUnsafeBytes { flooder.send($0, to: controller) } }
            // The genuine box, during and after the flood, is answered.
            var boxAnswered = false
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
            defer { buffer.deallocate() }
            for _ in 0..<20 where !boxAnswered {
                _ = request.withUnsafeBytes { box.send($0, to: controller) }
                if box.waitReadable(until: MonotonicClock.now() + 500_000_000),
                    case .datagram = try box.receive(into: buffer)
                {
                    boxAnswered = true
                }
            }
            #expect(boxAnswered, "a box at another address got no trust answer during the flood")
            var floodAnswers = 0
            while flooder.waitReadable(until: MonotonicClock.now() + 500_000_000),
                case .datagram = try flooder.receive(into: buffer)
            {
                floodAnswers += 1
            }
            let seconds = Double(MonotonicClock.now() - started) / 1e9
            // A burst of 20, then 20 a second for as long as the flood and its answers took.
            #expect(floodAnswers <= 20 + Int(20 * seconds) + 1, "\(floodAnswers) answers in \(seconds) s")
            #expect(floodAnswers >= 1, "the flooding address is metered, not banned")
        }

        @Test func pendingBoxesAreCappedAndAnApprovedBoxStillGetsThrough() throws {
            let harness = try Harness(groupOctet: 124)
            try harness.startController(
                config: try config(harness, "  pending-boxes: 5\n  enrolments-per-second: 1000"))
            let port = try #require(Int(harness.heartbeatAddress.split(separator: ":").last ?? ""))
            let genuine = try SimulatedReceiver(controllerPort: port)
            genuine.send(genuine.bytes(.enrolment(genuine.heartbeat(), publicKey: genuine.keys.publicKey)))
            _ = try harness.waitFor("the genuine box", timeout: 10) { () -> Bool? in
                (try? harness.api("/receivers") as? [[String: Any]])?.count == 1 ? true : nil
            }
            #expect(try harness.loa(["receivers", "approve", genuine.id.text, "--name", "genuine"]).status == 0)
            _ = try harness.waitFor("the welcome", timeout: 10) { () -> Bool? in
                genuine.poll()
                return genuine.key != nil ? true : nil
            }
            // 60 forged boxes, each with its own key and a valid enrolment signature.
            let forged = try (0..<60).map { _ in try SimulatedReceiver(controllerPort: port) }
            for box in forged { box.send(box.bytes(.enrolment(box.heartbeat(), publicKey: box.keys.publicKey))) }
            genuine.send(genuine.bytes(.heartbeat(genuine.heartbeat())))
            let sequence = genuine.sequence
            _ = try harness.waitFor("the genuine box's heartbeat", timeout: 10) { () -> Bool? in
                let detail = try? harness.api("/receivers/" + genuine.id.text) as? [String: Any]
                return (detail?["heartbeat"] as? [String: Any])?["sequence"] as? Int == Int(sequence) ? true : nil
            }
            let all = try #require(try harness.api("/receivers") as? [[String: Any]])
            let pending = all.filter { $0["state"] as? String == "pending" }
            #expect(pending.count == 5, "\(pending.count) boxes wait for approval; the cap is 5")
            #expect(all.count == 6)
        }
    }
}

extension Harness {
    /// Starts curl with `arguments` (and the harness's session, if it has one); the returned function waits for
    /// it and returns the HTTP status it printed.
    func launchCurl(_ arguments: [String]) -> () throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = (token.map { ["-H", "Authorization: Bearer " + $0] } ?? []) + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return { throw error } }
        return {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Int(String(decoding: data, as: UTF8.self).suffix(3)) ?? 0
        }
    }
}
