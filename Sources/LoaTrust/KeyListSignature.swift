import LoaCrypto
import LoaWire

extension KeyList {
    /// This list with `root`'s signature of `signedBytes` in `signature`.
    public func signed(by root: SigningKeyPair) -> KeyList {
        var list = self
        list.signature = Signature.make(signedBytes, by: root)
        return list
    }

    /// True if `signature` is `root`'s (a 32-byte public key) signature of `signedBytes`. A list that is not
    /// signed by the commune's root key is never trusted, whatever it says.
    public func isSigned(by root: [UInt8]) -> Bool { Signature.verify(signature, of: signedBytes, by: root) }
}
