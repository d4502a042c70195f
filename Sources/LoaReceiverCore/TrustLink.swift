import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// What the receiver trusts, and how it learns the time: the commune root key (`--trust FILE`), the
/// root-signed key list (kept in `STATE/keylist`, and never replaced by an older version nor by a different
/// list of the same version, so a revocation survives a reboot), and the controller's time, asked for with a
/// fresh nonce and signed by the stream key. A list past its signed expiry is never adopted; the one held goes on
/// working after it expires (with a warning in the log), so that a lapsed signature never silences the box.
///
/// Until an answer has verified, `verifier` is nil and the receiver plays nothing. It asks again every second
/// until answered, then at the pace `interval(afterAnswers:)` gives (issue 13): four times a second for a minute,
/// once a second for four minutes more, then every 4 s. Each verified answer is one exchange of `timeline`, the
/// estimate of the controller's clock that playout is timed by: through a jittery path (4G) its error falls with the
/// number of exchanges, so a young estimate gets many (240 + 240 answers, some 200 kB on 4G once per start; the
/// controller's per-source and overall budgets may drop some when a whole fleet starts at once, which only slows
/// the estimate down). An answer costs one signature check (the stream key's); the root's signature of the key
/// list is checked only when the list's bytes differ from the list held. A box still without trusted time `graceNanoseconds` after it started
/// says so: in its log (once, then every minute) and in its heartbeats (`lacksTrustedTime`, the controller alerts).
public final class TrustLink {
    public let root: [UInt8]
    public private(set) var keyList: KeyList?
    public private(set) var clock = TrustedClock()
    /// The controller's clock (offset, rate, uncertainty) from every verified answer; never the box's wall clock.
    public private(set) var timeline = ControllerTimeline()
    /// True once the controller answered with nanoseconds (version 2): it keeps the media timeline, its seals
    /// carrying the instant each packet plays (`docs/sync.md`). A controller of an earlier release does not.
    public private(set) var controllerKeepsTimeline = false
    /// Answers taken since this link started.
    public private(set) var answers = 0
    /// When the last answer was taken (monotonic ns; 0: none yet): the controller was in reach then, and the
    /// timeline was last synchronised (issue 15's offline airtime counts from it).
    public private(set) var lastAnswerAt: UInt64 = 0
    /// The encoded key list held, as it arrived (root-signed): an answer carrying the same bytes needs no check.
    private var heldListBytes: [UInt8] = []
    /// The pace: `quickAnswers` answers every `quickInterval`, then `settlingAnswers` every `settlingInterval`, then
    /// every `steadyInterval`.
    public static let quickAnswers = 240
    public static let quickInterval: UInt64 = 250_000_000
    public static let settlingAnswers = 240
    public static let settlingInterval: UInt64 = 1_000_000_000
    public static let steadyInterval: UInt64 = 4_000_000_000
    /// After this many answers (2 s) the log says the controller's clock is estimated: a stream aired after it is not
    /// resampled as the estimate improves on a LAN (`Firmware/check` 02 waits for that line).
    public static let estimatedAfter = 8

    /// The pause (ns) before the next question once `answers` answers have been taken.
    public static func interval(afterAnswers answers: Int) -> UInt64 {
        if answers < quickAnswers { return quickInterval }
        if answers < quickAnswers + settlingAnswers { return settlingInterval }
        return steadyInterval
    }
    public private(set) var verifier: PacketVerifier?
    /// The controller's stream tag key, from its last heartbeat answer (nil until one brings it): handed to the
    /// verifier, now or when it is made, so that the controller's packets get their signature checks first.
    public private(set) var tagKey: StreamTagKey?
    private let identity: ReceiverIdentity
    private var nonce: [UInt8] = []
    private var askedAt: UInt64 = 0
    /// When the next question is due (monotonic ns).
    public private(set) var nextRequest: UInt64 = 0
    /// Answers refused (bad signature, wrong nonce, older key list, another list of the same version).
    public private(set) var refused = 0
    /// Why the last key list was refused, the line written to the log; nil until one is.
    public private(set) var lastRefusal: String?
    /// When this link started asking (monotonic ns), and when the log next says the time is still not trusted.
    private let startedAt = MonotonicClock.now()
    private var nextMissingTimeLine: UInt64 = 0
    /// How long a box may ask before it reports that it has no trusted time: 10 s, ten questions.
    public static let graceNanoseconds: UInt64 = 10_000_000_000
    /// Whether the log has said that the list held has expired.
    private var warnedExpired = false
    /// The freshness window the packet verifier is built with: how far (ms) a packet's signed send time may
    /// lie from the trusted clock.
    public let freshnessMilliseconds: Int64
    /// This box's zone group and port and its commune (the trust anchor's key id): packets verify only if
    /// they were sealed for it.
    public let audience: PacketAudience

    /// The receiver's trust as its settings say: the trust anchor `settings.trustFile` and the freshness
    /// window `settings.freshnessSeconds`.
    public convenience init(settings: ReceiverSettings, identity: ReceiverIdentity) throws(ReceiverSetupError) {
        try self.init(
            trustFile: settings.trustFile, identity: identity, group: settings.group,
            freshnessMilliseconds: Int64(settings.freshnessSeconds) * 1000)
    }

    /// Reads the trust anchor; the box listens on `group`. Throws (one line for the log) if there is no anchor
    /// or it is not a public key.
    public init(
        trustFile: String, identity: ReceiverIdentity, group: SocketAddress, freshnessMilliseconds: Int64 = 5_000
    )
        throws(ReceiverSetupError)
    {
        self.freshnessMilliseconds = freshnessMilliseconds
        let text: String
        do { text = try FileSystem.readText(trustFile, limit: 1024) } catch {
            throw ReceiverSetupError(
                "no trust anchor at " + trustFile + " (" + error.reason
                    + "); fetch the commune root key from the controller (GET /keys/root.pub) and give it with --trust FILE"
            )
        }
        guard let root = KeyText.bytes(base64: text), root.count == SigningKeyPair.publicKeyBytes else {
            throw ReceiverSetupError("the trust anchor " + trustFile + " is not a base64 Ed25519 public key")
        }
        self.root = root
        audience = PacketAudience(group: group.address.value, port: group.port, commune: KeyList.keyID(root))
        self.identity = identity
        if let saved = identity.read("keylist").flatMap({ KeyText.bytes(base64: $0) }),
            let list = try? KeyList(decoding: saved),
            list.isSigned(by: root)
        {
            keyList = list
            heldListBytes = saved
        }
    }

    /// The trusted wall time now (Unix ms), or nil.
    public func now(monotonic: UInt64) -> Int64? { clock.now(monotonic: monotonic) }

    /// The pause before the next question once the time is set: short while the timeline is young.
    private var interval: UInt64 { Self.interval(afterAnswers: answers) }

    /// True if the box has had no trusted time for `graceNanoseconds` since it started asking: it plays nothing.
    public func lacksTrustedTime(now: UInt64) -> Bool { !clock.isSet && now &- startedAt >= Self.graceNanoseconds }

    /// A new question to send if one is due. While the box lacks trusted time, says so in the log once a minute.
    public func request(now: UInt64) -> [UInt8]? {
        if lacksTrustedTime(now: now), now >= nextMissingTimeLine {
            nextMissingTimeLine = now + 60_000_000_000
            Log.warning(
                "no trusted time from the controller after " + String((now &- startedAt) / 1_000_000_000) + " s ("
                    + String(refused) + " answers refused" + (lastRefusal.map { "; last: " + $0 } ?? "")
                    + "): this box plays nothing; check that --trust is this commune's root.pub and the controller answers"
            )
        }
        guard now >= nextRequest else { return nil }
        nonce = RandomBytes.make(16)
        askedAt = now
        nextRequest = now + (clock.isSet ? interval : 1_000_000_000)
        return TrustMessage.request(nonce: nonce).encoded
    }

    /// The controller says the key list of `version` is in force (its answer to a heartbeat). If that is newer
    /// than the list this box holds, the next question is due at once (at most one a second), so a new list, and
    /// a revocation in it, reaches the box within a heartbeat interval instead of at the ten-minute re-ask.
    public func announced(keyListVersion version: UInt32, now: UInt64) {
        guard let held = keyList?.version, version > held else { return }
        nextRequest = min(nextRequest, max(now, askedAt + 1_000_000_000))
    }

    /// Takes the stream tag key an authentic heartbeat answer brought; says so in the log when it is new.
    public func use(tagKey key: StreamTagKey) {
        guard key != tagKey else { return }
        tagKey = key
        verifier?.use(tagKey: key)
        Log.info("stream tag key from the controller: its packets get signature checks first")
    }

    /// Takes an answer; returns true if it set the time.
    @discardableResult
    public func handle(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        guard
            case .answer(let echoed, let time, let nanoseconds, let listBytes, let signature)? = try? TrustMessage(
                decoding: Array(bytes)),
            !nonce.isEmpty, echoed == nonce, now &- askedAt < 5_000_000_000,
            let list = try? KeyList(decoding: listBytes), listBytes == heldListBytes || list.isSigned(by: root)
        else {
            refused += 1
            return false
        }
        if let current = keyList, let reason = Self.refusal(of: list, holding: current) {
            refused += 1
            lastRefusal = reason
            Log.warning(reason)
            return false
        }
        guard
            TrustAnswer.isSigned(
                nonce: echoed, time: time, nanoseconds: nanoseconds, keyList: listBytes, signature: signature,
                by: list.streamKey)
        else {
            refused += 1
            return false
        }
        if list.isExpired(at: time) {
            // A box never adopts an expired list; one it already holds keeps working (a lapsed signature must not
            // silence the commune), loudly, until the controller installs a newer one.
            guard keyList?.version == list.version else {
                let reason =
                    "refused key list version " + String(list.version) + ": it expired at " + String(list.expiresAt)
                    + " (Unix ms); the controller must install a newer one ('loa keys sign-list', 'loa keys install')"
                refused += 1
                lastRefusal = reason
                Log.warning(reason)
                return false
            }
            if !warnedExpired {
                Log.warning(
                    "key list version " + String(list.version)
                        + " has expired; playing on with it until the controller installs a newer one")
                warnedExpired = true
            }
        }
        nonce = []
        if keyList?.version != list.version {
            identity.write("keylist", KeyText.base64(list.encoded))
            Log.info(
                "key list version " + String(list.version) + " from the controller, signed by the commune root key")
        }
        keyList = list
        heldListBytes = listBytes
        let first = !clock.isSet
        clock.set(controllerTime: Int64(time), askedAt: askedAt, answeredAt: now)
        // A controller of an earlier release answers in milliseconds only: the timeline takes those.
        let controllerTime = nanoseconds.map { Int64(bitPattern: $0) } ?? Int64(time) &* 1_000_000
        if case .restarted(let jump) = timeline.take(
            .init(askedAt: askedAt, controllerTime: controllerTime, answeredAt: now))
        {
            Log.warning("the controller's clock jumped by " + String(jump / 1_000_000) + " ms; estimating it afresh")
        }
        answers += 1
        lastAnswerAt = now
        controllerKeepsTimeline = nanoseconds != nil
        if first { Log.info("trusted time from the controller (±" + String(clock.uncertaintyMilliseconds) + " ms)") }
        if answers == Self.estimatedAfter && controllerKeepsTimeline {
            // On a LAN the estimate now moves only as the crystals drift (a stream playing before this may be
            // resampled a little as the estimate improves); through a jittery path it goes on improving.
            Log.info(
                "the controller's clock is estimated from " + String(timeline.exchangeCount) + " exchanges (±"
                    + String(timeline.uncertaintyNanoseconds / 1000) + " µs)")
        }
        if let verifier {
            verifier.use(streamKey: list.streamKey)
        } else {
            let made = PacketVerifier(
                streamKey: list.streamKey, audience: audience, windowMilliseconds: freshnessMilliseconds)
            if let tagKey { made.use(tagKey: tagKey) }
            verifier = made
        }
        nextRequest = now + interval
        return true
    }

    /// Why a root-signed `list` must not replace `current`, or nil if it may: it is older, or it has the same
    /// version but other contents (a version names one list only, so a list re-sent is the same bytes; a
    /// different one of the same version could bring back a revoked key). Newer lists are taken.
    static func refusal(of list: KeyList, holding current: KeyList) -> String? {
        if list.version < current.version {
            return "refused key list version " + String(list.version) + ": older than version "
                + String(current.version)
        }
        if list.version == current.version, list.signedBytes != current.signedBytes {
            return "refused key list version " + String(list.version)
                + ": it differs from the version " + String(current.version)
                + " this box holds, and a version is never reused (the controller must sign a newer one)"
        }
        return nil
    }
}
