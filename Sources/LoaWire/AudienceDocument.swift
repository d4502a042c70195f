/// A document the controller writes for one zone's boxes and signs with its stream key
/// (`LoaTrust.StreamKeySignature`): a clip manifest or a zone timetable.
public protocol AudienceDocument {
    /// The zone and commune it is for.
    var audience: PacketAudience { get }
    /// The bytes that are signed.
    var signed: [UInt8] { get }
    /// How many bytes at the head of `bytes` are the document (the signature follows); nil if they cannot say.
    static func signedLength(of bytes: [UInt8]) -> Int?
    /// Reads the document from exactly its signed bytes.
    init(decoding bytes: [UInt8]) throws(DecodeError)
}
