import Foundation
import LoaCodec
import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
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

    /// What a box with the default settings listens as: the default group, this commune.
    var audience: PacketAudience {
        let group = ReceiverSettings.defaults.group
        return PacketAudience(group: group.address.value, port: group.port, commune: KeyList.keyID(root.publicKey))
    }

    /// A link built as `Receiver` builds it, from `settings` (its state folder replaced by this fixture's).
    /// Making a second one on the same fixture is a receiver restart: only the state folder carries over.
    func link(_ settings: ReceiverSettings = .defaults) throws -> TrustLink {
        var settings = settings
        settings.stateDirectory = state
        return try TrustLink(settings: settings, identity: try ReceiverIdentity.loadOrCreate(stateDirectory: state))
    }

    /// A key list of `version` naming `stream` as the stream key, signed by `signer` (default: the root).
    func list(version: UInt32, stream: SigningKeyPair, signedBy signer: SigningKeyPair? = nil) -> [UInt8] {
        KeyListFixture.list(version: version, stream: stream.publicKey, signedBy: signer ?? root).encoded
    }

    /// The answer to `question` carrying the controller time `time` (Unix ms), or with `nanoseconds` (Unix ns) a
    /// version 2 answer carrying both, and `list`, signed by `signer`.
    func answer(
        _ question: [UInt8], time: Int64, nanoseconds: Int64? = nil, list: [UInt8], signedBy signer: SigningKeyPair
    ) -> [UInt8] {
        guard case .request(let nonce)? = try? TrustMessage(decoding: question) else { return [] }
        return TrustAnswer.make(
            nonce: nonce, time: UInt64(time), nanoseconds: nanoseconds.map { UInt64($0) }, keyList: list,
            signedBy: signer)
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

/// A sink that counts the samples it is given to play.
final class CountingSink: AudioSink {
    var samples = 0
    var underruns: Int { 0 }
    func play(_ samples: UnsafeBufferPointer<Int16>) { self.samples += samples.count }
    func pause() {}
}

/// One datagram through the receiver's receive chain (`ReceiveChain`, as `Receiver` runs it): parse, verify
/// against the link's verifier and trusted clock, and only if accepted hand the packet to `playout`. Returns
/// the verdict.
@discardableResult
func deliver(_ bytes: [UInt8], to playout: Playout<CountingSink>, through link: TrustLink, at monotonic: UInt64)
    -> PacketVerifier.Verdict
{
    bytes.withUnsafeBytes { raw in
        ReceiveChain(playout: playout).receive(
            raw, verifier: link.verifier, trustedNow: link.now(monotonic: monotonic), at: monotonic)
    }
}
