import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// Answers receivers' challenges with the controller's time and the key list, signed by the stream key.
public struct TrustResponder: Sendable {
    let keys: KeyStore

    public init(keys: KeyStore) { self.keys = keys }

    /// The answer to a trust request, or nil if `bytes` is not one.
    public func answer(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard bytes.count == 20, case .request(let nonce)? = try? TrustMessage(decoding: Array(bytes)) else {
            return nil
        }
        let list = keys.current.encoded
        let time = UInt64(SealClock.now())
        return TrustAnswer.make(nonce: nonce, time: time, keyList: list, signedBy: keys.streamKey)
    }
}
