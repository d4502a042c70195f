import LoaCrypto
import LoaSystem
import LoaWire

/// Seals a zone stream's packets with the controller's stream key (see `PacketSeal`).
///
/// One signer per stream, used only by the pacer thread. Sealing allocates nothing.
final class PacketSigner {
    private let key: SigningKeyPair
    private let keyID: UInt32
    /// A random number for this run of this stream: a receiver that sees a new epoch starts its replay window anew.
    let epoch: UInt32
    private var index: UInt64 = 0
    private let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 1600, alignment: 8)

    init(key: SigningKeyPair) {
        self.key = key
        keyID = KeyList.keyID(key.publicKey)
        epoch = SecureRandom.uint32()
    }

    deinit { message.deallocate() }

    /// Writes `header` + seal + `payload` into `packet` and signs it; returns the packet's length (0 if too big).
    func seal(
        header: RTPHeader, payload: UnsafeRawBufferPointer, emergency: Bool = false,
        into packet: UnsafeMutableRawBufferPointer
    ) -> Int {
        index += 1
        let seal = PacketSeal(
            keyID: keyID, epoch: epoch, index: index, sendTime: UInt64(WallClock.now() / 1_000_000),
            flags: emergency ? PacketSeal.emergencyFlag : 0)
        let (length, signature) = seal.write(header: header, payload: payload, into: packet)
        guard length > 0 else { return 0 }
        let payloadRange = (RTPHeader.fixedSize + PacketSeal.overhead)..<length
        let messageLength = PacketSeal.signedMessage(
            packet: UnsafeRawBufferPointer(packet), payload: payloadRange, into: message)
        key.sign(
            UnsafeRawBufferPointer(rebasing: message[0..<messageLength]),
            into: UnsafeMutableRawBufferPointer(rebasing: packet[signature]))
        return length
    }
}
