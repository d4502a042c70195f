import LoaCrypto
import LoaWire

/// The controller's signed answer to a receiver's trust request: its time and the key list, signed by the
/// stream key the list names.
public enum TrustAnswer {
    /// The answer's bytes (`TrustMessage.answer` encoded) for `nonce`, the time `time` (Unix ms), in version 2
    /// also `nanoseconds` (Unix ns, the same instant at full resolution), and the encoded key list `keyList`,
    /// signed by `streamKey`.
    public static func make(
        nonce: [UInt8], time: UInt64, nanoseconds: UInt64? = nil, keyList: [UInt8],
        signedBy streamKey: SigningKeyPair
    ) -> [UInt8] {
        let signed = TrustMessage.signedAnswer(nonce: nonce, time: time, nanoseconds: nanoseconds, keyList: keyList)
        return signed + Signature.make(signed, by: streamKey)
    }

    /// True if `signature` is `streamKey`'s signature of the answer with `nonce`, `time`, `nanoseconds` (nil in
    /// version 1) and `keyList`.
    public static func isSigned(
        nonce: [UInt8], time: UInt64, nanoseconds: UInt64? = nil, keyList: [UInt8], signature: [UInt8],
        by streamKey: [UInt8]
    ) -> Bool {
        Signature.verify(
            signature,
            of: TrustMessage.signedAnswer(nonce: nonce, time: time, nanoseconds: nanoseconds, keyList: keyList),
            by: streamKey)
    }
}
