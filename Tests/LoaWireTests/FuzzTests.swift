import LoaWire
import Testing

/// Deterministic random-input fuzzing of every parser that reads bytes from the network or from a user:
/// no input may crash or hang them. Each run tries random bytes and mutations of valid messages.
@Suite("Fuzzing the parsers")
struct FuzzTests {
    /// A small deterministic generator (SplitMix64), so that a failure is reproducible.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func inputs(seeds: [[UInt8]], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix(state: seed)
        var result: [[UInt8]] = []
        for index in 0..<count {
            if index % 3 == 0 || seeds.isEmpty {
                result.append(
                    (0..<Int.random(in: 0..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                )
                continue
            }
            var bytes = seeds[index % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !bytes.isEmpty:
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8(
                        1 << Int.random(in: 0..<8, using: &random))
                case 1 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
                case 2:
                    bytes.append(
                        contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in
                            UInt8.random(in: 0...255, using: &random)
                        })
                default: if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] = 0xFF }
                }
            }
            result.append(bytes)
        }
        return result
    }

    func sealedPacket() -> [UInt8] {
        let header = RTPHeader(marker: true, payloadType: 111, sequenceNumber: 9, timestamp: 99, ssrc: 7)
        let seal = PacketSeal(keyID: 1, epoch: 2, index: 3, sendTime: 4)
        var bytes = [UInt8](repeating: 0, count: 300)
        let payload: [UInt8] = [0x78, 1, 2, 3, 4, 5]
        let length = bytes.withUnsafeMutableBytes { raw in
            payload.withUnsafeBytes { seal.write(header: header, payload: $0, into: raw).length }
        }
        return Array(bytes[0..<length])
    }

    @Test func rtpAndSealParsersSurviveAnything() {
        var parsed = 0
        for bytes in inputs(
            seeds: [sealedPacket(), [0x80, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x78]], count: 200_000, seed: 1)
        {
            bytes.withUnsafeBytes { raw in
                guard let packet = try? RTPPacket(parsing: raw) else { return }
                parsed += 1
                _ = PacketSeal.read(packet, in: raw)
                _ = OpusPacketInfo(payload: UnsafeRawBufferPointer(rebasing: raw[packet.payload]))
            }
        }
        #expect(parsed > 1000)  // the mutations reach the deeper checks
    }

    @Test func commandAndKeyListDecodersSurviveAnything() {
        var command = EmergencyCommand(
            commune: 0x0A0B_0C0D, action: .start, issuedAt: 1, expiresAt: 2, nonce: [UInt8](repeating: 3, count: 16),
            clipSHA256: [UInt8](repeating: 4, count: 32),
            item: 0, zones: ["thon-dong", "thon-tay"])
        command.signatures = [([UInt8](repeating: 5, count: 32), [UInt8](repeating: 6, count: 64))]
        let list = KeyList(
            version: 3, issuedAt: 4, streamKey: [UInt8](repeating: 7, count: 32),
            operators: [
                .init(name: "chủ tịch", mayTriggerEmergencies: true, publicKey: [UInt8](repeating: 8, count: 32))
            ],
            signature: [UInt8](repeating: 9, count: 64))
        #expect((try? EmergencyCommand(decoding: command.encoded)) == command)
        #expect((try? KeyList(decoding: list.encoded)) == list)
        var decoded = 0
        for bytes in inputs(seeds: [command.encoded, list.encoded], count: 100_000, seed: 2) {
            if (try? EmergencyCommand(decoding: bytes)) != nil { decoded += 1 }
            if (try? KeyList(decoding: bytes)) != nil { decoded += 1 }
        }
        #expect(decoded > 100)
    }
}
