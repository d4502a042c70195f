import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sends hostile datagrams to a multicast group on this host only (127.0.0.1, TTL 0).
struct JunkSender {
    let descriptor: Int32
    var target = sockaddr_in()

    init(group: String, port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var interface = in_addr(s_addr: inet_addr("127.0.0.1"))
        setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_IF, &interface, socklen_t(MemoryLayout<in_addr>.size))
        var ttl: UInt8 = 0
        setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &ttl, 1)
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(port).bigEndian)
        target.sin_addr.s_addr = inet_addr(group)
    }

    func send(_ bytes: [UInt8]) {
        var target = self.target
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &target) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    func close() { Glibc.close(descriptor) }

    /// `count` datagrams of every kind a receiver must refuse: random bytes, truncated headers, RTP of another
    /// version, another payload type or another SSRC, Opus payloads that cannot be, and oversized datagrams.
    static func junk(count: Int) -> [[UInt8]] {
        var random = SystemRandomNumberGenerator()
        var result: [[UInt8]] = []
        for index in 0..<count {
            var packet: [UInt8]
            switch index % 6 {
            case 0:
                packet = (0..<Int.random(in: 1..<400, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            case 1: packet = [0x80, 111, 0, 1, 0, 0]  // shorter than an RTP header
            case 2: packet = [0x40, 111] + [UInt8](repeating: 0x11, count: 100)  // RTP version 1
            case 3:  // payload type 96
                packet = [0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9] + [UInt8](repeating: 0x78, count: 80)
            case 4: packet = [0x80, 111, 0, 1, 0, 0, 0, 1, 0xBA, 0xD0, 0xBA, 0xD0, 0x78, 0x01, 0x02]  // a foreign SSRC
            default: packet = [UInt8](repeating: 0x80, count: 2000 + index)  // larger than any packet of the stream
            }
            result.append(packet)
        }
        return result
    }
}
