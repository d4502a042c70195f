import Testing

@testable import LoaWire

/// The signed description of a clip delivered ahead of airtime.
@Suite("Clip manifest")
struct ClipManifestTests {
    let manifest = ClipManifest(
        item: 0x0102_0304_0506_0708, audience: PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 0xA0B0_C0D0),
        frameMilliseconds: 20, frameCount: 15_000, byteCount: 1_234_567, digest: Array(0..<32))

    @Test func theSignedBytesAreLaidOutAsDocumented() {
        let bytes = manifest.signed
        #expect(bytes.count == ClipManifest.signedBytes)
        #expect(Array(bytes[0..<3]) == [0x4C, 0x4D, 1])
        #expect(Array(bytes[3..<11]) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(Array(bytes[11..<21]) == [0xEF, 0xFF, 0x4D, 0x01, 0x13, 0x8C, 0xA0, 0xB0, 0xC0, 0xD0])
        #expect(bytes[21] == 20)
        #expect(Array(bytes[22..<30]) == [0, 0, 0x3A, 0x98, 0x00, 0x12, 0xD6, 0x87])
        #expect(Array(bytes[30...]) == Array(0..<32))
    }

    @Test func itReadsBackAndRefusesOtherBytes() throws {
        #expect(try ClipManifest(decoding: manifest.signed) == manifest)
        var other = manifest.signed
        other[0] = 0x4C + 1
        #expect(throws: DecodeError.badMagic) { try ClipManifest(decoding: other) }
        var later = manifest.signed
        later[2] = 2
        #expect(throws: DecodeError.badVersion) { try ClipManifest(decoding: later) }
        #expect(throws: DecodeError.truncated) { try ClipManifest(decoding: Array(manifest.signed.prefix(40))) }
    }
}
