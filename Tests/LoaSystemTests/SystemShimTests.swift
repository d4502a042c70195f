import Foundation
import LoaSystem
import Testing

/// The system shim through LoaSystem: addresses, files that survive a power cut, UDP on loopback, the clock.
@Suite("System shim")
struct SystemShimTests {
    @Test func readsAndWritesIPv4Addresses() {
        #expect(IPv4Address("239.255.77.1")?.value == 0xEFFF_4D01)
        #expect(IPv4Address("239.255.77.1")?.isMulticast == true)
        #expect(IPv4Address("10.0.0.1")?.isMulticast == false)
        #expect(IPv4Address(0x7F00_0001).text == "127.0.0.1")
        for bad in ["", "1.2.3", "256.1.1.1", "a.b.c.d", "1.2.3.4 "] { #expect(IPv4Address(bad) == nil, "\(bad)") }
        #expect(SocketAddress("239.255.77.1:5004") == SocketAddress(address: IPv4Address(0xEFFF_4D01), port: 5004))
        #expect(SocketAddress("239.255.77.1:5004")?.text == "239.255.77.1:5004")
        for bad in ["239.255.77.1", "239.255.77.1:", "239.255.77.1:70000", "host:5004"] {
            #expect(SocketAddress(bad) == nil, "\(bad)")
        }
        #expect(SocketAddress.resolve("localhost:8750") == SocketAddress("127.0.0.1:8750"))
        #expect(NetworkInterface("lo")?.address == IPv4Address("127.0.0.1"))
        #expect(NetworkInterface("127.0.0.1")?.index == NetworkInterface("lo")?.index)
        #expect(NetworkInterface("no-such-interface0") == nil)
    }

    /// A download is appended to, then committed over the finished name: the whole file moves there, replacing
    /// an older one; committing what is not there fails and leaves the older file as it was.
    @Test func appendsAndCommitsAFileIntoPlace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-system-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let part = folder.appendingPathComponent("7.part").path
        let clip = folder.appendingPathComponent("7.clip").path
        try FileSystem.replace(clip, with: [9, 9], permissions: 0o600)
        try FileSystem.append(part, bytes: [1, 2, 3])
        try FileSystem.append(part, bytes: [4, 5])
        #expect(FileSystem.size(part) == 5)
        try FileSystem.commit(part, to: clip)
        #expect(try FileSystem.readBytes(clip, limit: 64) == [1, 2, 3, 4, 5])
        #expect(FileSystem.size(part) == nil)
        #expect(throws: SystemError.self) { try FileSystem.commit(part, to: clip) }
        #expect(try FileSystem.readBytes(clip, limit: 64) == [1, 2, 3, 4, 5])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["7.clip"])
    }

    @Test func replacesAFileWholeAndReadsItBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-system-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state").path
        try FileSystem.replace(path, with: "first\n", permissions: 0o600)
        try FileSystem.replace(path, with: "second, longer\n", permissions: 0o600)
        #expect(try FileSystem.readText(path) == "second, longer\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Nothing but the file itself is left in the folder (no temporary file).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["state"])
        do {
            _ = try FileSystem.readText(path, limit: 4)
            Issue.record("a file over the limit was read")
        } catch {
            #expect(error.code == 27)
        }
        do {
            _ = try FileSystem.readText(folder.appendingPathComponent("missing").path)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.reason == "No such file or directory")
            #expect(error.message.hasPrefix("read "))
        }
        do {
            try FileSystem.replace(folder.appendingPathComponent("no/such/folder").path, with: "x")
            Issue.record("a file was written in a missing folder")
        } catch {
            #expect(error.code != 0)
        }
    }

    @Test func sendsAndReceivesADatagramOnLoopback() throws {
        let receiver = try UDPSocket()
        try receiver.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0), shared: false)
        #expect(receiver.localPort > 0)
        let sender = try UDPSocket()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        #expect(try receiver.receive(into: buffer) == .nothing)
        let target = SocketAddress(address: IPv4Address("127.0.0.1")!, port: UInt16(receiver.localPort))
        let message: [UInt8] = [0x4C, 0x4F, 0x41]
        #expect(message.withUnsafeBytes { sender.send($0, to: target) })
        #expect(receiver.waitReadable(until: MonotonicClock.now() + 5_000_000_000))
        var from = SocketAddress(address: .any, port: 0)
        #expect(try receiver.receive(into: buffer, from: &from) == .datagram(3))
        #expect(Array(buffer[0..<3]) == message)
        #expect(from.address == IPv4Address("127.0.0.1"))
        // Too large for the buffer: discarded and said so.
        let large = [UInt8](repeating: 1, count: 100)
        #expect(large.withUnsafeBytes { sender.send($0, to: target) })
        #expect(UDPSocket.waitReadable(receiver, nil, until: MonotonicClock.now() + 5_000_000_000).first)
        #expect(try receiver.receive(into: buffer) == .oversized)
    }

    @Test func oneDatagramGoesToEachOfManyTargetsInBatches() throws {
        // 150 receivers on loopback (three batches of up to 64), each bound to its own port.
        let receivers = try (0..<150).map { _ in
            let socket = try UDPSocket()
            try socket.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0), shared: false)
            return socket
        }
        let addresses = [UInt32](repeating: IPv4Address("127.0.0.1")!.value, count: receivers.count)
        let ports = receivers.map { UInt16($0.localPort) }
        let sender = try UDPSocket()
        let message: [UInt8] = Array("LOA unicast".utf8)
        let sent = message.withUnsafeBytes { bytes in
            addresses.withUnsafeBufferPointer { addresses in
                ports.withUnsafeBufferPointer { sender.send(bytes, toEach: addresses, ports: $0) }
            }
        }
        #expect(sent == 150)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        for receiver in receivers {
            #expect(receiver.waitReadable(until: MonotonicClock.now() + 5_000_000_000))
            #expect(try receiver.receive(into: buffer) == .datagram(message.count))
            #expect(Array(buffer[0..<message.count]) == message)
            #expect(try receiver.receive(into: buffer) == .nothing)  // once each
        }
    }

    @Test func theMonotonicClockMovesForwardAndSleepsToADeadline() {
        let start = MonotonicClock.now()
        MonotonicClock.sleep(until: start + 2_000_000)
        #expect(MonotonicClock.now() >= start + 2_000_000)
    }
}
