import LoaCrypto
import LoaReceiverCore
import LoaWire

/// Seals packets as the controller's `PacketSigner` does (RFC 8285 extension, Ed25519 over header, seal and
/// payload), with a key whose public half the benchmark hands to a `PacketVerifier`.
final class BenchSealer {
    let key = SigningKeyPair.generate()
    let keyID: UInt32
    let epoch: UInt32 = 0x4C4F_4131
    private var index: UInt64 = 0
    private let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 1600, alignment: 8)

    init() { keyID = KeyList.keyID(key.publicKey) }

    deinit { message.deallocate() }

    /// A verifier that trusts this sealer's key, as a receiver does once it has the key list.
    func verifier() -> PacketVerifier { PacketVerifier(streamKey: key.publicKey) }

    /// Writes the sealed packet into `packet`; `sendTime` is Unix milliseconds. Returns its length (0 if too big).
    func seal(
        header: RTPHeader, payload: UnsafeRawBufferPointer, sendTime: Int64, into packet: UnsafeMutableRawBufferPointer
    ) -> Int {
        index += 1
        let seal = PacketSeal(keyID: keyID, epoch: epoch, index: index, sendTime: UInt64(sendTime))
        let (length, signature) = seal.write(header: header, payload: payload, into: packet)
        guard length > 0 else { return 0 }
        let messageLength = PacketSeal.signedMessage(
            packet: UnsafeRawBufferPointer(packet), payload: (RTPHeader.fixedSize + PacketSeal.overhead)..<length,
            into: message)
        key.sign(
            UnsafeRawBufferPointer(rebasing: message[0..<messageLength]),
            into: UnsafeMutableRawBufferPointer(rebasing: packet[signature]))
        return length
    }
}
