import CLoaSystem

/// A non-blocking IPv4 UDP socket for multicast streams: the one way Loa's Swift code touches the network.
///
/// The socket is closed when the value is deinitialised. Receiving never allocates. Each call is one system call on
/// one descriptor, so several threads may share a socket (the heartbeat socket also sends unicast audio).
public final class UDPSocket: @unchecked Sendable {
    private let descriptor: Int32

    /// Opens a socket.
    public init() throws(SystemError) {
        let descriptor = loa_udp_open()
        guard descriptor >= 0 else { throw SystemError("open a UDP socket") }
        self.descriptor = descriptor
    }

    deinit { loa_close(descriptor) }

    /// Binds to `address:port`, sharing the port with other listeners of the same group.
    /// With `shared` false the port is this socket's alone (a second bind fails with "in use").
    public func bind(_ address: SocketAddress, shared: Bool = true) throws(SystemError) {
        guard loa_udp_bind(descriptor, address.address.value, address.port, shared ? 1 : 0) == 0 else {
            throw SystemError("bind to " + address.text)
        }
    }

    /// Joins a multicast group on an interface.
    public func join(_ group: IPv4Address, on interface: NetworkInterface) throws(SystemError) {
        guard loa_udp_join(descriptor, group.value, interface.index) == 0 else {
            throw SystemError("join " + group.text + " on interface " + String(interface.index))
        }
    }

    /// Sends multicast through `interface` with `ttl` hops (0: this host only); loops copies back to
    /// listeners on this host.
    public func setMulticastOutput(interface: NetworkInterface, ttl: Int) throws(SystemError) {
        guard loa_udp_multicast_out(descriptor, interface.index, interface.address.value, Int32(ttl), 1) == 0 else {
            throw SystemError("set the multicast interface and TTL")
        }
    }

    /// Asks the kernel for a receive buffer of `bytes`, so that a busy moment does not drop datagrams.
    public func setReceiveBuffer(bytes: Int) {
        _ = loa_udp_receive_buffer(descriptor, Int32(bytes))
    }

    /// Sends one datagram. Returns false if the kernel refused it (the caller counts it).
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, to target: SocketAddress) -> Bool {
        loa_udp_send(descriptor, bytes.baseAddress, bytes.count, target.address.value, target.port) == bytes.count
    }

    /// Sends the same datagram to each target (`addresses[i]`, `ports[i]`), batched into few system calls, as a
    /// zone's packet goes to its unicast boxes. Returns how many were sent; a target the kernel refused is skipped.
    /// Allocates nothing.
    public func send(
        _ bytes: UnsafeRawBufferPointer, toEach addresses: UnsafeBufferPointer<UInt32>,
        ports: UnsafeBufferPointer<UInt16>
    ) -> Int {
        guard let addressBase = addresses.baseAddress, let portBase = ports.baseAddress else { return 0 }
        return loa_udp_send_each(
            descriptor, bytes.baseAddress, bytes.count, addressBase, portBase, min(addresses.count, ports.count))
    }

    /// The result of one receive.
    public enum Received: Equatable {
        /// Nothing is waiting.
        case nothing
        /// A datagram of this many bytes was copied into the buffer.
        case datagram(Int)
        /// A datagram larger than the buffer arrived and was discarded.
        case oversized
    }

    /// Takes one waiting datagram into `buffer` without blocking.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Received {
        let length = loa_udp_receive(descriptor, buffer.baseAddress, buffer.count, nil, nil)
        if length < 0 { throw SystemError("receive a datagram") }
        if length == 0 { return .nothing }
        return length > buffer.count ? .oversized : .datagram(length)
    }

    /// Takes one waiting datagram into `buffer` without blocking, with the address it came from.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, from sender: inout SocketAddress)
        throws(SystemError)
        -> Received
    {
        var address: UInt32 = 0
        var port: UInt16 = 0
        let length = loa_udp_receive(descriptor, buffer.baseAddress, buffer.count, &address, &port)
        if length < 0 { throw SystemError("receive a datagram") }
        if length == 0 { return .nothing }
        sender = SocketAddress(address: IPv4Address(address), port: port)
        return length > buffer.count ? .oversized : .datagram(length)
    }

    /// Waits until `first` or `second` has a datagram waiting, or the monotonic `deadline` passes.
    public static func waitReadable(_ first: UDPSocket, _ second: UDPSocket?, until deadline: UInt64) -> (
        first: Bool, second: Bool
    ) {
        let mask = loa_wait_readable2(first.descriptor, second?.descriptor ?? -1, deadline)
        guard mask > 0 else { return (false, false) }
        return (mask & 1 != 0, mask & 2 != 0)
    }

    /// Waits until a datagram is waiting or the monotonic `deadline` passes. True if one is waiting.
    public func waitReadable(until deadline: UInt64) -> Bool {
        loa_wait_readable_until(descriptor, deadline) > 0
    }

    /// The local port, useful after binding to port 0.
    public var localPort: Int { Int(loa_udp_local_port(descriptor)) }
}
