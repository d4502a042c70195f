import LoaCrypto
import LoaWire

/// A clip manifest with the stream key's signature: made by the controller when it offers a clip to boxes, opened
/// by a box before it stores a delivered clip and again before every use of a cached one.
public enum SignedClipManifest {
    /// Why a manifest is refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// Not a manifest (`DecodeError`), or bytes after the signature.
        case malformed
        /// Not signed by the stream key in force (a forgery, or a key since revoked).
        case badSignature
        /// For another zone or commune.
        case otherAudience
    }

    /// The manifest's bytes followed by `streamKey`'s signature of them.
    public static func make(_ manifest: ClipManifest, signedBy streamKey: SigningKeyPair) -> [UInt8] {
        let signed = manifest.signed
        return signed + Signature.make(signed, by: streamKey)
    }

    /// The manifest in `bytes` if `streamKey` signed it and it is for `audience`.
    public static func open(_ bytes: [UInt8], streamKey: [UInt8], audience: PacketAudience) throws(Refusal)
        -> ClipManifest
    {
        guard bytes.count == ClipManifest.signedBytes + SigningKeyPair.signatureBytes,
            let manifest = try? ClipManifest(decoding: bytes)
        else { throw .malformed }
        let signed = Array(bytes[0..<ClipManifest.signedBytes])
        let signature = Array(bytes[ClipManifest.signedBytes...])
        guard Signature.verify(signature, of: signed, by: streamKey) else { throw .badSignature }
        guard manifest.audience == audience else { throw .otherAudience }
        return manifest
    }
}
