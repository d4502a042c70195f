import Foundation
import LoaSystem
import LoaTestSupport
import Synchronization
import Testing

extension RealProcesses {
    /// Seals bind their audience (issue 12, point 7): zone A's sealed packets relayed into zone B's group, where
    /// a real receiver of zone B listens, play nothing there.
    @Suite("Audience binding")
    struct AudienceBindingTests {
        /// Copies every datagram of one group into another, from its own socket, until stopped.
        final class Relay: @unchecked Sendable {
            let running = Atomic<Bool>(true)
            let relayed = Atomic<Int>(0)
            let finished = Atomic<Bool>(false)
            private let listener: UDPSocket
            private let sender: UDPSocket
            private let target: SocketAddress

            init(from source: String, to target: String) throws {
                let address = try #require(SocketAddress(source))
                self.target = try #require(SocketAddress(target))
                listener = try UDPSocket()
                try listener.bind(address)
                try listener.join(address.address, on: try #require(NetworkInterface("127.0.0.1")))
                sender = try UDPSocket()
                try sender.setMulticastOutput(interface: try #require(NetworkInterface("127.0.0.1")), ttl: 0)
                Thread { self.run() }.start()
            }

            private func run() {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
                defer {
                    buffer.deallocate()
                    finished.store(true, ordering: .releasing)
                }
                var from = SocketAddress(address: IPv4Address(0), port: 0)
                while running.load(ordering: .relaxed) {
                    guard listener.waitReadable(until: MonotonicClock.now() + 50_000_000) else { continue }
                    while case .datagram(let size)? = try? listener.receive(into: buffer, from: &from) {
                        _ = sender.send(UnsafeRawBufferPointer(rebasing: buffer[0..<size]), to: target)
                        relayed.add(1, ordering: .relaxed)
                    }
                }
            }

            func stop() {
                running.store(false, ordering: .relaxed)
                while !finished.load(ordering: .acquiring) { usleep(10_000) }
            }
        }

        @Test func zoneAsPacketsRelayedIntoZoneBsGroupPlayNothingThere() throws {
            let harness = try Harness(groupOctet: 67)
            let zoneB = "239.255.79.67:\(harness.port + 1)"
            try """
            zones:
              - name: thon-a
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
              - name: thon-b
                group: \(zoneB)
                interface: 127.0.0.1
                ttl: 0
            """.write(toFile: harness.path("zones.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("zones.yaml"))
            let output = harness.path("thon-b.raw")
            let receiver = try harness.startReceiver(output: output, group: zoneB)
            let relay = try Relay(from: "\(harness.group):\(harness.port)", to: zoneB)
            let clip = try harness.speech("clip.wav", "Thông báo này chỉ dành cho thôn A.")
            try harness.queueAndWait([clip], zone: "thon-a")
            relay.stop()
            #expect(relay.relayed.load(ordering: .relaxed) > 50)  // zone A's bulletin reached zone B's group
            let relayedBytes = ((try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? Int) ?? 0
            #expect(relayedBytes < 4_800, "zone B's box played \(relayedBytes) bytes of zone A's bulletin")
            // The same box plays its own zone's bulletin.
            let own = try harness.speech("own.wav", "Thông báo cho thôn B.")
            try harness.queueAndWait([own], zone: "thon-b")
            harness.stop(receiver)
            let source = try AudioComparison.reference(own)
            let played = try AudioComparison.raw16(output)
            #expect(AudioComparison.compare(source: source, played: played).correlation >= 0.9)
            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            let refusals = log.split(separator: "\n").last { $0.contains("refused packets:") }.map(String.init) ?? ""
            func count(_ reason: String) -> Int {
                refusals.range(of: reason + "=").flatMap { Int(refusals[$0.upperBound...].prefix { $0.isNumber }) } ?? 0
            }
            // Refused by their signature, or by the budget for a source not yet trusted.
            #expect(count("forged") + count("rate-limited") > 50, "the relayed packets are refused: \(refusals)")
        }
    }
}
