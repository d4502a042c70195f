import CLoaSystem

/// An IPv4 address in host byte order.
public struct IPv4Address: Equatable, Hashable, Sendable {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// Parses dotted-quad text; nil if it is not an IPv4 address.
    public init?(_ text: String) {
        var parsed: UInt32 = 0
        guard text.withCString({ loa_parse_ipv4($0, &parsed) }) == 0 else { return nil }
        value = parsed
    }

    /// 224.0.0.0/4.
    public var isMulticast: Bool { value >> 28 == 0xE }

    /// 0.0.0.0.
    public static let any = IPv4Address(0)

    /// Dotted-quad text.
    public var text: String {
        var buffer: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw in
            let characters = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            loa_format_ipv4(value, characters)
            return String(cString: characters)
        }
    }
}

/// An IPv4 address and UDP port, written "ADDR:PORT".
public struct SocketAddress: Equatable, Hashable, Sendable {
    public var address: IPv4Address
    public var port: UInt16

    public init(address: IPv4Address, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses "ADDR:PORT"; nil if either half is malformed or the port is 0.
    public init?(_ text: String) {
        guard let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let host = String(text[..<colon])
        let portText = text[text.utf8.index(after: colon)...]
        guard let address = IPv4Address(host), let port = UInt16(portText), port > 0 else { return nil }
        self.init(address: address, port: port)
    }

    /// "ADDR:PORT".
    public var text: String { address.text + ":" + String(port) }

    /// Resolves "HOST:PORT" (HOST a name or an address) or a URL such as "http://10.8.0.1:8750/" to an
    /// IPv4 address and port; nil if it has no port or the name does not resolve.
    public static func resolve(_ text: String) -> SocketAddress? {
        var bytes = Array(text.utf8)[...]
        var index = bytes.startIndex
        while index + 2 < bytes.endIndex {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
                && bytes[index + 2] == UInt8(ascii: "/")
            {
                bytes = bytes[(index + 3)...]
                break
            }
            index += 1
        }
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) { bytes = bytes[..<slash] }
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let host = String(decoding: bytes[..<colon], as: UTF8.self)
        let portText = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
        guard let port = UInt16(portText), port > 0, !host.isEmpty else { return nil }
        var address: UInt32 = 0
        guard host.withCString({ loa_resolve_ipv4($0, &address) }) == 0 else { return nil }
        return SocketAddress(address: IPv4Address(address), port: port)
    }
}

/// A network interface found by name ("eth0") or by one of its IPv4 addresses.
public struct NetworkInterface: Equatable, Sendable {
    /// The kernel's interface index.
    public var index: Int32
    /// The interface's first IPv4 address.
    public var address: IPv4Address

    /// Looks the interface up; nil if no interface has that name or address.
    public init?(_ nameOrAddress: String) {
        var index: Int32 = 0
        var address: UInt32 = 0
        guard nameOrAddress.withCString({ loa_find_interface($0, &index, &address) }) == 0 else { return nil }
        self.index = index
        self.address = IPv4Address(address)
    }
}
