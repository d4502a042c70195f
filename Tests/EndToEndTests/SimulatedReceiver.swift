import Foundation
import LoaCrypto
import LoaSystem
import LoaWire

/// A speaker box made of nothing but the fleet protocol, for tests that need to send exactly the heartbeat
/// they want (and bad ones): its own key pair and socket, on 127.0.0.1 only.
final class SimulatedReceiver {
    let keys = SigningKeyPair.generate()
    let socket: UDPSocket
    let controller: SocketAddress
    var key: MessageKey?
    var sequence: UInt32 = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)

    var id: ReceiverID { ReceiverID(publicKey: keys.publicKey) }

    init(controllerPort: Int) throws {
        socket = try UDPSocket()
        try socket.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
        controller = SocketAddress(address: IPv4Address("127.0.0.1")!, port: UInt16(controllerPort))
    }

    deinit { buffer.deallocate() }

    func heartbeat() -> Heartbeat {
        sequence += 1
        return Heartbeat(
            receiver: id, epoch: 1, sequence: sequence, intervalMilliseconds: 1000, version: "sim", zones: ["all"])
    }

    /// The bytes of `message`, signed (enrolment, welcome) or tagged with `key`.
    func bytes(_ message: FleetMessage, key: MessageKey? = nil) -> [UInt8] {
        let length = message.encode(into: buffer)
        let signed = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        let trailer = UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + message.trailerBytes)])
        if case .enrolment = message {
            keys.sign(signed, into: trailer)
        } else if let key = key ?? self.key {
            key.tag(signed, into: trailer)
        }
        return Array(buffer[0..<(length + message.trailerBytes)])
    }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { socket.send($0, to: controller) }
    }

    /// Reads welcomes (adopting the shared key) and returns commands, acknowledging each.
    @discardableResult
    func poll() -> [FleetMessage] {
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
