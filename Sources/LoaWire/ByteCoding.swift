/// Appends big-endian fields to a byte array: the encoding of Loa's control messages.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    public mutating func u16(_ value: UInt16) {
        for shift in [8, 0] { bytes.append(UInt8(truncatingIfNeeded: value >> UInt16(shift))) }
    }
    public mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }
    public mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
    public mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    /// A UTF-8 string of at most 255 bytes, prefixed by its length.
    public mutating func text(_ value: String) {
        let utf8 = Array(value.utf8.prefix(255))
        bytes.append(UInt8(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Why bytes are not a well-formed message.
public enum DecodeError: Error, Equatable, Sendable {
    case truncated
    case badMagic
    case badVersion
    case badValue
    case trailingBytes
}

/// Reads big-endian fields from bytes, refusing to read past the end.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    public mutating func u8() throws(DecodeError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated }
        offset += 1
        return bytes[offset - 1]
    }

    public mutating func u16() throws(DecodeError) -> UInt16 {
        let high = try u8()
        return UInt16(high) << 8 | UInt16(try u8())
    }

    public mutating func u32() throws(DecodeError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try u8()) }
        return value
    }

    public mutating func u64() throws(DecodeError) -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(try u8()) }
        return value
    }

    public mutating func raw(_ count: Int) throws(DecodeError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw .truncated }
        offset += count
        return Array(bytes[offset - count..<offset])
    }

    public mutating func text() throws(DecodeError) -> String {
        let count = Int(try u8())
        let utf8 = try raw(count)
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Throws unless every byte was read.
    public func finish() throws(DecodeError) { if remaining != 0 { throw .trailingBytes } }
}
