/// The receiver's challenge for trusted time and keys, and the controller's signed answer, on the same UDP
/// path as heartbeats (magic "LT", so the fleet protocol never mistakes one for its own).
///
/// - request: "LT", version (1 or 2), kind 1, a fresh 16-byte nonce. Boxes send version 2.
/// - answer: "LT", the request's version, kind 2, the nonce, the controller's wall time (UInt64 Unix ms), in
///   version 2 also its time in nanoseconds on the same time base (UInt64 Unix ns: the seals' clock, read with
///   full resolution, for `ControllerTimeline`), the root-signed key list (UInt16 length, bytes), then the stream
///   key's Ed25519 signature of everything before it.
/// The controller answers a request in its own version, so a box of an earlier release keeps its format.
/// Echoing the nonce makes every answer good for one question only: an old answer replayed to a receiver that
/// has just booted with a stale clock is refused.
public enum TrustMessage: Equatable, Sendable {
    case request(nonce: [UInt8])
    /// `nanoseconds` is nil in a version 1 answer.
    case answer(nonce: [UInt8], time: UInt64, nanoseconds: UInt64?, keyList: [UInt8], signature: [UInt8])

    public static let magic: [UInt8] = [0x4C, 0x54]  // "LT"
    /// The version a request is sent in.
    public static let version: UInt8 = 2
    /// The longest answer: its 38-byte head, the longest key list (`KeyList.maximumBytes`) and the signature. One UDP
    /// datagram (IP fragments it on the way; the limit of 65,507 bytes is far off).
    public static let maximumAnswerBytes = 38 + KeyList.maximumBytes + 64

    /// True if `bytes` start like a trust message (so it is not a fleet message).
    public static func isTrust(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// The version a trust message in `bytes` was written in (the answer's version follows the request's).
    public static func version(of bytes: UnsafeRawBufferPointer) -> UInt8 { bytes.count >= 3 ? bytes[2] : 0 }

    /// The bytes the stream key signs in an answer: version 2 with `nanoseconds`, else version 1.
    public static func signedAnswer(nonce: [UInt8], time: UInt64, nanoseconds: UInt64? = nil, keyList: [UInt8])
        -> [UInt8]
    {
        var writer = ByteWriter()
        writer.raw(magic)
        writer.u8(nanoseconds == nil ? 1 : 2)
        writer.u8(2)
        writer.raw(nonce)
        writer.u64(time)
        if let nanoseconds { writer.u64(nanoseconds) }
        writer.u16(UInt16(keyList.count))
        writer.raw(keyList)
        return writer.bytes
    }

    public var encoded: [UInt8] {
        switch self {
        case .request(let nonce):
            return Self.magic + [Self.version, 1] + nonce
        case .answer(let nonce, let time, let nanoseconds, let keyList, let signature):
            return Self.signedAnswer(nonce: nonce, time: time, nanoseconds: nanoseconds, keyList: keyList) + signature
        }
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        guard try reader.raw(2) == Self.magic else { throw .badMagic }
        let version = try reader.u8()
        guard version == 1 || version == 2 else { throw .badVersion }
        switch try reader.u8() {
        case 1:
            self = .request(nonce: try reader.raw(16))
        case 2:
            let nonce = try reader.raw(16)
            let time = try reader.u64()
            let nanoseconds = version == 2 ? try reader.u64() : nil
            let length = Int(try reader.u8()) << 8 | Int(try reader.u8())
            let list = try reader.raw(length)
            self = .answer(
                nonce: nonce, time: time, nanoseconds: nanoseconds, keyList: list, signature: try reader.raw(64))
        default:
            throw .badValue
        }
        try reader.finish()
    }
}
