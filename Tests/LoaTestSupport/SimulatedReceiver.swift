import Foundation
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// A speaker box made of nothing but the fleet protocol, for tests that need to send exactly the heartbeat
/// they want (and bad ones): its own key pair and socket, on 127.0.0.1 only.
public final class SimulatedReceiver {
    public let keys = SigningKeyPair.generate()
    public let socket: UDPSocket
    public let controller: SocketAddress
    public var key: MessageKey?
    public var sequence: UInt32 = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)

    public var id: ReceiverID { ReceiverID(publicKey: keys.publicKey) }

    public init(controllerPort: Int) throws {
        socket = try UDPSocket()
        try socket.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
        controller = SocketAddress(address: IPv4Address("127.0.0.1")!, port: UInt16(controllerPort))
    }

    deinit { buffer.deallocate() }

    public func heartbeat() -> Heartbeat {
        sequence += 1
        return Heartbeat(
            receiver: id, epoch: 1, sequence: sequence, intervalMilliseconds: 1000, version: "sim", zones: ["all"])
    }

    /// The bytes of `message`, signed (enrolment, welcome) or tagged with `key` (or the shared key); with no
    /// key to tag it, its trailer is zeros (a message no controller accepts).
    public func bytes(_ message: FleetMessage, key: MessageKey? = nil) -> [UInt8] {
        let authenticated = FleetAuthentication.bytes(message, signer: keys, key: key ?? self.key)
        guard authenticated.isEmpty else { return authenticated }
        let length = message.encode(into: buffer)
        return Array(buffer[0..<length]) + [UInt8](repeating: 0, count: message.trailerBytes)
    }

    public func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { socket.send($0, to: controller) }
    }

    /// Reads welcomes (adopting the shared key) and returns commands, acknowledging each.
    @discardableResult
    public func poll() -> [FleetMessage] {
        var messages: [FleetMessage] = []
        while case .datagram(let length) = (try? socket.receive(into: buffer)) ?? .nothing {
            guard let parsed = try? FleetMessage.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<length])) else {
                continue
            }
            if case .welcome(_, let controllerKey) = parsed.message {
                key = keys.sharedKey(receiver: keys.publicKey, controller: controllerKey)
            }
            messages.append(parsed.message)
        }
        return messages
    }
}
