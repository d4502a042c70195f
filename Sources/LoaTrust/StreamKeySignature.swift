import LoaCrypto
import LoaWire

/// What the controller signs with its stream key for one zone's boxes, so that a box verifies it without trusting
/// the path it came by: a clip manifest (a clip delivered ahead, issue 15) and a zone timetable (offline airtime).
/// One definition of the signing and of the checks: the document's bytes (`AudienceDocument.signed`), then the
/// stream key's 64-byte Ed25519 signature of them.
public enum StreamKeySignature {
    /// Why a box refuses such a document.
    public enum Refusal: Error, Equatable, Sendable {
        /// Not such a document (`DecodeError`), or bytes after the signature.
        case malformed
        /// Not signed by the stream key in force (a forgery, or a key since revoked).
        case badSignature
        /// For another zone or commune.
        case otherAudience
    }

    /// `document`'s bytes followed by `streamKey`'s signature of them.
    public static func make<Document: AudienceDocument>(_ document: Document, signedBy streamKey: SigningKeyPair)
        -> [UInt8]
    {
        let signed = document.signed
        return signed + Signature.make(signed, by: streamKey)
    }

    /// The document in `bytes` if `streamKey` signed it and it is for `audience`.
    public static func open<Document: AudienceDocument>(
        _ bytes: [UInt8], as type: Document.Type, streamKey: [UInt8], audience: PacketAudience
    ) throws(Refusal) -> Document {
        guard let length = Document.signedLength(of: bytes), length <= bytes.count,
            bytes.count == length + SigningKeyPair.signatureBytes
        else { throw .malformed }
        let signed = Array(bytes[0..<length])
        guard let document = try? Document(decoding: signed) else { throw .malformed }
        guard Signature.verify(Array(bytes[length...]), of: signed, by: streamKey) else { throw .badSignature }
        guard document.audience == audience else { throw .otherAudience }
        return document
    }
}
