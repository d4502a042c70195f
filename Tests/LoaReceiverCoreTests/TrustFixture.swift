import Foundation
import LoaCodec
import LoaCrypto
import LoaReceiverCore
import LoaWire

/// A commune for receiver-side trust tests: a root key, a receiver state folder (a fresh temporary directory,
/// removed at deinit), key lists the root signs, answers to a link's questions signed by a stream key, and RTP
/// packets with real Opus payloads sealed as the controller seals them.
final class TrustFixture {
    let root = SigningKeyPair.generate()
    let state: String

    init() throws {
        state = FileManager.default.temporaryDirectory.appendingPathComponent("loa-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try (KeyText.base64(root.publicKey) + "\n").write(
            toFile: state + "/root.pub", atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: state) }

    /// A link built as `Receiver` builds it, from `settings` (its state folder replaced by this fixture's).
    /// Making a second one on the same fixture is a receiver restart: only the state folder carries over.
    func link(_ settings: ReceiverSettings = .defaults) throws -> TrustLink {
        var settings = settings
        settings.stateDirectory = state
        return try TrustLink(settings: settings, identity: try ReceiverIdentity.loadOrCreate(stateDirectory: state))
    }

    /// A key list of `version` naming `stream` as the stream key, signed by `signer` (default: the root).
    func list(version: UInt32, stream: SigningKeyPair, signedBy signer: SigningKeyPair? = nil) -> [UInt8] {
        var list = KeyList(version: version, issuedAt: 1, streamKey: stream.publicKey, operators: [])
        var signature = [UInt8](repeating: 0, count: 64)
        list.signedBytes.withUnsafeBytes { m in signature.withUnsafeMutableBytes { (signer ?? root).sign(m, into: $0) }
        }
        list.signature = signature
        return list.encoded
    }

    /// The answer to `question` carrying the controller time `time` (Unix ms) and `list`, signed by `signer`.
    func answer(_ question: [UInt8], time: Int64, list: [UInt8], signedBy signer: SigningKeyPair) -> [UInt8] {
        guard case .request(let nonce)? = try? TrustMessage(decoding: question) else { return [] }
        let signed = TrustMessage.signedAnswer(nonce: nonce, time: UInt64(time), keyList: list)
        var signature = [UInt8](repeating: 0, count: 64)
        signed.withUnsafeBytes { m in signature.withUnsafeMutableBytes { signer.sign(m, into: $0) } }
        return signed + signature
    }

    /// Asks `link` for the time at `monotonic` ns (a question must be due) and gives it, 10 ms later, the
    /// answer signed by `stream` with `list`. Returns whether the link took it.
    @discardableResult
    func exchange(_ link: TrustLink, at monotonic: UInt64, time: Int64, list: [UInt8], stream: SigningKeyPair) -> Bool {
        guard let question = link.request(now: monotonic) else { return false }
        return answer(question, time: time, list: list, signedBy: stream).withUnsafeBytes {
            link.handle($0, now: monotonic + 10_000_000)
        }
    }
}

/// Real Opus frames (a 440 Hz tone) sealed by a stream key, one per 20 ms, as the controller sends them.
struct SealedStream {
    let key: SigningKeyPair
    let epoch: UInt32
    private let frames: [[UInt8]]

    init(key: SigningKeyPair, epoch: UInt32 = 1, frames count: Int = 25) throws {
        self.key = key
        self.epoch = epoch
        let encoder = try OpusEncoder()
        var opus = [UInt8](repeating: 0, count: 1275)
        var frames: [[UInt8]] = []
        for index in 0..<count {
            let pcm = (0..<960).map { n in Int16(8_000 * sin(Double(index * 960 + n) * 2 * Double.pi * 440 / 48_000)) }
            let length = try pcm.withUnsafeBufferPointer { p in
                try opus.withUnsafeMutableBytes { try encoder.encode(p, into: $0) }
            }
            frames.append(Array(opus[0..<length]))
        }
        self.frames = frames
    }

    var count: Int { frames.count }

    /// Packet `index` (0-based) of the stream, its seal stamped with the send time `sentAt` (Unix ms).
    func packet(_ index: Int, sentAt: Int64) -> [UInt8] {
        let header = RTPHeader(
            marker: index == 0, payloadType: 111, sequenceNumber: UInt16(truncatingIfNeeded: 1000 + index),
            timestamp: UInt32(truncatingIfNeeded: index * 960), ssrc: 0x51A1)
        let seal = PacketSeal(
            keyID: KeyList.keyID(key.publicKey), epoch: epoch, index: UInt64(index + 1), sendTime: UInt64(sentAt))
        var bytes = [UInt8](repeating: 0, count: 1500)
        var message = [UInt8](repeating: 0, count: 1600)
        let length = bytes.withUnsafeMutableBytes { raw -> Int in
            let (length, signature) = frames[index].withUnsafeBytes {
                seal.write(header: header, payload: $0, into: raw)
            }
            let m = message.withUnsafeMutableBytes {
                PacketSeal.signedMessage(
                    packet: UnsafeRawBufferPointer(raw), payload: (12 + PacketSeal.overhead)..<length, into: $0)
            }
            message.withUnsafeBytes {
                key.sign(
                    UnsafeRawBufferPointer(rebasing: $0[0..<m]),
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[signature]))
            }
            return length
        }
        return Array(bytes[0..<length])
    }
}

/// A sink that counts the samples it is given to play.
final class CountingSink: AudioSink {
    var samples = 0
    var underruns: Int { 0 }
    func play(_ samples: UnsafeBufferPointer<Int16>) { self.samples += samples.count }
    func pause() {}
}

/// The receiver's order of steps for one datagram (as `Receiver` drains its socket): parse, verify against the
/// link's verifier and trusted clock, and only if accepted hand the packet to the playout. Returns the verdict.
@discardableResult
func deliver(_ bytes: [UInt8], to playout: Playout<CountingSink>, through link: TrustLink, at monotonic: UInt64)
    -> PacketVerifier.Verdict
{
    bytes.withUnsafeBytes { raw in
        guard let packet = try? RTPPacket(parsing: raw) else { return .unsealed }
        let verdict =
            link.verifier?.check(
                packet, datagram: raw, trustedNow: link.now(monotonic: monotonic), monotonic: monotonic)
            ?? .noTrustedTime
        if verdict == .accepted { playout.receive(packet, in: raw, at: monotonic) }
        return verdict
    }
}
