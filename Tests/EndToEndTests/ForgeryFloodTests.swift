import Foundation
import LoaSystem
import LoaTestSupport
import LoaWire
import Synchronization
import Testing

extension RealProcesses {
    /// A flood of forgeries that look as good as a forger can make them — the live stream's SSRC, key id and
    /// epoch, the next indices, a fresh send time, only the signature wrong — sent from another address while a
    /// bulletin plays, at five times the receiver's budget of signature checks: the bulletin must still play
    /// whole, and not one forged sample.
    @Suite("Forgery flood")
    struct ForgeryFloodTests {
        /// Watches the group for the controller's packets and answers each with `perPacket` forgeries of the
        /// packets that come next, spread over the next 18 ms, from its own socket, until stopped.
        final class Forger: @unchecked Sendable {
            let running = Atomic<Bool>(true)
            let sent = Atomic<Int>(0)
            let finished = Atomic<Bool>(false)
            private let address: SocketAddress
            private let listener: UDPSocket
            private let sender: UDPSocket
            private let perPacket: Int

            init(group: String, port: Int, perPacket: Int) throws {
                address = try #require(SocketAddress(group + ":" + String(port)))
                listener = try UDPSocket()
                try listener.bind(address)
                try listener.join(address.address, on: try #require(NetworkInterface("127.0.0.1")))
                sender = try UDPSocket()
                try sender.setMulticastOutput(interface: try #require(NetworkInterface("127.0.0.1")), ttl: 0)
                self.perPacket = perPacket
                Thread { self.run() }.start()
            }

            private func run() {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
                let forged = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
                let latest = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
                defer {
                    buffer.deallocate()
                    forged.deallocate()
                    latest.deallocate()
                    finished.store(true, ordering: .releasing)
                }
                var random = SystemRandomNumberGenerator()
                var from = SocketAddress(address: IPv4Address(0), port: 0)
                while running.load(ordering: .relaxed) {
                    guard listener.waitReadable(until: MonotonicClock.now() + 50_000_000) else { continue }
                    // The newest of the controller's packets waiting: forge what comes right after it.
                    var length = 0
                    while case .datagram(let size)? = try? listener.receive(into: buffer, from: &from) {
                        guard from.port != UInt16(sender.localPort) else { continue }
                        length = size
                        latest.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<size]))
                    }
                    guard length > 0 else { continue }
                    let bytes = UnsafeRawBufferPointer(rebasing: latest[0..<length])
                    guard let packet = try? RTPPacket(parsing: bytes),
                        let (seal, _) = PacketSeal.read(packet, in: bytes)
                    else { continue }
                    for copy in 0..<perPacket {
                        let ahead = UInt64(1 + copy % 5)
                        var header = packet.header
                        header.sequenceNumber &+= UInt16(ahead)
                        header.timestamp &+= UInt32(ahead) * 960
                        let fake = PacketSeal(
                            keyID: seal.keyID, epoch: seal.epoch, index: seal.index + ahead,
                            sendTime: UInt64(WallClock.now() / 1_000_000))
                        let (written, signature) = fake.write(
                            header: header, payload: UnsafeRawBufferPointer(rebasing: bytes[packet.payload]),
                            into: forged)
                        for index in signature { forged[index] = UInt8.random(in: 0...255, using: &random) }
                        _ = sender.send(UnsafeRawBufferPointer(rebasing: forged[0..<written]), to: address)
                        sent.add(1, ordering: .relaxed)
                        // Spread over the frame, as a forger who wants to win the race for every check would.
                        usleep(UInt32(18_000 / perPacket))
                    }
                }
            }

            func stop() {
                running.store(false, ordering: .relaxed)
                while !finished.load(ordering: .acquiring) { usleep(10_000) }
            }
        }

        @Test func aBulletinPlaysWholeThroughAFloodOfFreshForgeries() throws {
            let harness = try Harness(groupOctet: 51)
            try harness.startController()
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            // 40 forgeries per genuine packet: 2,000 a second against a budget of 400 checks a second.
            let forger = try Forger(group: harness.group, port: harness.port, perPacket: 40)
            let clip = try harness.speech(
                "clip.wav", "Thông báo khẩn: nước sông đang lên nhanh, bà con vùng trũng di chuyển ngay đến nơi cao.")
            try harness.queueAndWait([clip])
            forger.stop()
            harness.stop(receiver)
            let forgeries = forger.sent.load(ordering: .relaxed)
            #expect(forgeries > 2_000)
            let source = try AudioComparison.reference(clip)
            let played = try AudioComparison.raw16(output)
            let match = AudioComparison.compare(source: source, played: played)
            #expect(match.correlation >= 0.9, "the bulletin under the flood: NCC \(match.correlation)")
            #expect(abs(played.count - source.count) < 4_800, "\(played.count) samples played for \(source.count)")
            let log = try String(contentsOfFile: harness.path("receiver.log"), encoding: .utf8)
            let refusals = log.split(separator: "\n").last { $0.contains("refused packets:") }.map(String.init) ?? ""
            func count(_ reason: String) -> Int {
                guard let range = refusals.range(of: reason + "=") else { return -1 }
                return Int(refusals[range.upperBound...].prefix { $0.isNumber }) ?? -1
            }
            // The forgeries reached the receiver and were refused, by signature or by the budget for strangers.
            #expect(count("forged") + count("rate-limited") > forgeries / 2, "\(refusals)")
        }
    }
}
