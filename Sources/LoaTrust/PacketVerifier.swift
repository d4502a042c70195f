import LoaCrypto
import LoaWire

/// Decides whether a received RTP packet was sealed by the controller's stream key and is fresh, so that a
/// forged, altered or replayed packet never reaches the decoder. There is no way to turn it off.
///
/// Checks run cheapest first: a seal is present and names the known stream key; trusted time is set; the
/// signed send time lies within `windowMilliseconds` of the trusted clock (a recording replayed seconds or a
/// day later fails here, even at a receiver that has just restarted); the index is new within the epoch's
/// window; the stream tag, if this verifier holds the controller's stream tag key (`use(tagKey:)`); a budget
/// allows at most `verificationsPerSecond` signature checks, tagged packets first, and of the rest most for the
/// address the last genuine packet came from, so a flood of forgeries, even one that spoofs the controller's
/// address, can neither use up the CPU nor starve the real stream (`VerificationBudget`); and only then the
/// Ed25519 signature. A tag only orders the checks: a tagged packet is verified like any other. A packet of a new epoch (the
/// controller restarted) is accepted only if its signature verifies and it is newer than the epoch in force:
/// its send time is later than the last accepted packet's while that one is still fresh, so a recording of an
/// earlier epoch can never take the stream back (alternating two epochs re-plays nothing). The signature covers
/// the verifier's `audience`: a packet sealed for another zone's group or another commune never verifies.
/// Verifying allocates nothing.
public final class PacketVerifier {
    public enum Verdict: Equatable, Sendable {
        case accepted
        case unsealed
        case unknownKey
        case noTrustedTime
        case stale
        case replayed
        case rateLimited
        case badSignature
    }

    /// The stream key in force (from the root-signed key list).
    public private(set) var streamKey: [UInt8]
    private var keyID: UInt32
    /// The zone group, port and commune this box listens as; only packets sealed for it verify.
    public let audience: PacketAudience
    public let windowMilliseconds: Int64
    public let verificationsPerSecond: Int
    /// The seal of the last packet accepted (its flags say whether an emergency is on the air).
    public private(set) var lastAccepted = PacketSeal(keyID: 0, epoch: 0, index: 0, sendTime: 0)
    private var epoch: UInt32?
    /// The latest send time accepted in the epoch in force (Unix ms).
    private var newestSendTime: Int64 = 0
    private var highest: UInt64 = 0
    /// Bit i set: index `highest - i` was accepted.
    private var seen: UInt64 = 0
    private var budget: VerificationBudget
    /// The controller's stream tag key, once a heartbeat answer brought it (nil: no packet counts as tagged).
    public private(set) var tagKey: StreamTagKey?
    /// Where the last genuine packet came from (address and port as one number).
    private var trustedSource: UInt64?
    private let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 1600, alignment: 8)

    public init(
        streamKey: [UInt8], audience: PacketAudience, windowMilliseconds: Int64 = 5_000,
        verificationsPerSecond: Int = 400, tagKey: StreamTagKey? = nil
    ) {
        self.streamKey = streamKey
        self.audience = audience
        keyID = KeyList.keyID(streamKey)
        self.windowMilliseconds = windowMilliseconds
        self.verificationsPerSecond = verificationsPerSecond
        budget = VerificationBudget(perSecond: verificationsPerSecond)
        self.tagKey = tagKey
    }

    deinit { message.deallocate() }

    /// Replaces the stream key (a newer key list); the replay window starts anew.
    public func use(streamKey: [UInt8]) {
        guard streamKey != self.streamKey else { return }
        self.streamKey = streamKey
        keyID = KeyList.keyID(streamKey)
        epoch = nil
    }

    /// Takes the controller's stream tag key (from its heartbeat answer; a controller makes a new one each start).
    public func use(tagKey: StreamTagKey) {
        guard tagKey != self.tagKey else { return }
        self.tagKey = tagKey
        budget.reserving = false  // until a packet tagged with it verifies
    }

    /// True if the stream tag of sealed `datagram` checks with the tag key held.
    private func isTagged(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard let tagKey else { return false }
        let count = PacketSeal.taggedBytes(packet: datagram, length: datagram.count, into: message)
        return count > 0
            && tagKey.tag(UnsafeRawBufferPointer(rebasing: message[0..<count])) == PacketSeal.readTag(datagram)
    }

    /// Checks one parsed packet that came from `source` (its sender's address and port as one number, see
    /// `sourceKey`). `trustedNow` is the trusted clock (nil if not yet set); `monotonic` is now in ns.
    public func check(
        _ packet: RTPPacket, datagram: UnsafeRawBufferPointer, from source: UInt64 = 0, trustedNow: Int64?,
        monotonic: UInt64
    ) -> Verdict {
        guard let (seal, signature) = PacketSeal.read(packet, in: datagram) else { return .unsealed }
        guard seal.keyID == keyID else { return .unknownKey }
        guard let now = trustedNow else { return .noTrustedTime }
        // Every field is attacker-controlled until the signature verifies: no arithmetic on it may trap.
        let (age, overflow) = now.subtractingReportingOverflow(Int64(truncatingIfNeeded: seal.sendTime))
        guard !overflow, age <= windowMilliseconds, age >= -windowMilliseconds else { return .stale }
        let sameEpoch = epoch == seal.epoch
        if sameEpoch && seal.index <= highest {
            let behind = highest - seal.index
            if behind >= 64 || seen & (1 << behind) != 0 { return .replayed }
        }
        if !sameEpoch, epoch != nil, Int64(truncatingIfNeeded: seal.sendTime) <= newestSendTime,
            (now &- newestSendTime).magnitude <= windowMilliseconds.magnitude
        {
            return .replayed  // an epoch no newer than the one in force: never go back
        }
        let tagged = isTagged(datagram)
        guard budget.take(from: source, trusted: source == trustedSource, tagged: tagged, now: monotonic) else {
            return .rateLimited
        }
        let length = PacketSeal.signedMessage(
            packet: datagram, payload: packet.payload, audience: audience, into: message)
        let valid =
            length > 0
            && streamKey.withUnsafeBytes { key in
                SigningKeyPair.verify(
                    UnsafeRawBufferPointer(rebasing: datagram[signature]),
                    of: UnsafeRawBufferPointer(rebasing: message[0..<length]), by: key)
            }
        guard valid else { return .badSignature }
        if !sameEpoch {
            epoch = seal.epoch
            highest = seal.index
            seen = 1
        } else if seal.index > highest {
            let shift = seal.index - highest
            seen = shift >= 64 ? 1 : (seen << shift) | 1
            highest = seal.index
        } else {
            seen |= 1 << (highest - seal.index)
        }
        lastAccepted = seal
        if !sameEpoch || Int64(truncatingIfNeeded: seal.sendTime) > newestSendTime {
            newestSendTime = Int64(truncatingIfNeeded: seal.sendTime)
        }
        trustedSource = source
        budget.reserving = tagged
        return .accepted
    }

    /// A sender's IPv4 address and UDP port as the one number `check` takes.
    public static func sourceKey(address: UInt32, port: UInt16) -> UInt64 { UInt64(address) << 16 | UInt64(port) }
}
