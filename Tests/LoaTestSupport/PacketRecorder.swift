import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records every datagram sent to a multicast group on this host (joined on 127.0.0.1), as an eavesdropper
/// on the hamlet's network would.
public final class PacketRecorder: @unchecked Sendable {
    private let descriptor: Int32
    private let packets = Mutex<[[UInt8]]>([])
    private let running = Mutex(true)
    private var thread: Thread?

    public init(group: String, port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(group)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var request = ip_mreq(
            imr_multiaddr: in_addr(s_addr: inet_addr(group)), imr_interface: in_addr(s_addr: inet_addr("127.0.0.1")))
        setsockopt(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ip_mreq>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 2048)
            while running.withLock({ $0 }) {
                let length = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if length > 0 { packets.withLock { $0.append(Array(buffer[0..<length])) } }
            }
        }
        thread.start()
        self.thread = thread
    }

    /// Stops recording and returns what was heard.
    public func stop() -> [[UInt8]] {
        running.withLock { $0 = false }
        Thread.sleep(forTimeInterval: 0.3)
        close(descriptor)
        return packets.withLock { $0 }
    }
}
