import LoaTrust
import LoaWire

/// The receive chain of a speaker box, for one datagram: parse → verify → seal flags → playout. The
/// receiver runs it on every datagram of its socket and the benchmarks drive it as it is, so what they measure
/// is what a box does.
///
/// A datagram that does not parse, or that the verifier does not accept (no verifier yet: no trusted time),
/// is counted as rejected in the playout's statistics, and goes no further; `refusals` counts the packets the
/// verifier refused by reason. An
/// accepted packet whose seal has flags (an emergency is on the air, a live input) calls `onFlags` (with them and
/// the time) before the playout takes it. Receiving allocates nothing.
public final class ReceiveChain<Sink: AudioSink> {
    public let playout: Playout<Sink>
    /// Refused packets by reason.
    public private(set) var refusals = Refusals()
    /// Loss repair (issue 14): every accepted packet's number, so the box can ask for the ones missing (`lostDue`).
    public private(set) var repairs = RepairRequests()
    /// The SSRC of the stream `repairs` follows (0: none yet).
    public private(set) var repairedStream: UInt32 = 0
    private var repairSequences = SequenceExtender()
    private let onFlags: (UInt8, UInt64) -> Void

    public init(playout: Playout<Sink>, onFlags: @escaping (_ flags: UInt8, _ now: UInt64) -> Void = { _, _ in }) {
        self.playout = playout
        self.onFlags = onFlags
    }

    /// Takes one datagram that came from `source` (see `PacketVerifier.sourceKey`) at `now` (monotonic ns).
    /// `verifier` is the one the trusted key list made (nil: none yet) and `trustedNow` the trusted clock
    /// (Unix ms, nil if not set). With `timeline` (the controller's clock, `TrustLink.timeline` when the
    /// controller keeps the media timeline), an accepted packet plays at the instant its seal gives. Returns the
    /// verdict.
    @discardableResult
    public func receive(
        _ datagram: UnsafeRawBufferPointer, from source: UInt64 = 0, verifier: PacketVerifier?, trustedNow: Int64?,
        timeline: ControllerTimeline? = nil, at now: UInt64
    ) -> PacketVerifier.Verdict {
        guard let packet = try? RTPPacket(parsing: datagram) else {
            playout.countRejected()
            return .unsealed
        }
        let verdict =
            verifier?.check(packet, datagram: datagram, from: source, trustedNow: trustedNow, monotonic: now)
            ?? .noTrustedTime
        guard verdict == .accepted, let verifier else {
            refuse(verdict)
            return verdict
        }
        let seal = verifier.lastAccepted
        if seal.flags != 0 { onFlags(seal.flags, now) }
        if packet.header.ssrc != repairedStream {
            repairedStream = packet.header.ssrc
            repairs.reset()
            repairSequences.reset()
        }
        repairs.received(repairSequences.extend(packet.header.sequenceNumber), now: now)
        // The seal's time is the instant (controller ms) the packet's first sample leaves every box's DAC.
        let due = timeline?.localTime(at: Int64(bitPattern: seal.sendTime) &* 1_000_000)
        playout.receive(packet, in: datagram, at: now, due: due, clipFrame: (seal.item, seal.frame))
        return verdict
    }

    /// Writes into `lost` the sequence numbers to ask the controller for again at `now` (see `RepairRequests`):
    /// those still missing that the playout could yet play, a `roundTrip` apart. Allocates nothing when `lost` has
    /// room for `repairs.capacity` numbers.
    public func lostDue(now: UInt64, roundTrip: UInt64, into lost: inout [Int64]) {
        guard let highest = repairs.highestReceived else {
            lost.removeAll(keepingCapacity: true)
            return
        }
        let oldestUseful = Self.oldestUseful(highest: highest, nextToPlay: playout.nextSequenceNumber)
        repairs.due(now: now, roundTrip: roundTrip, oldestUseful: oldestUseful, into: &lost)
    }

    /// The playout's next number (`nextToPlay`, 16 bits) on the count whose highest number is `highest`: both count
    /// the same 16-bit numbers, and the next to play lies within half their range of the highest, before it or just
    /// after it (everything played). Nothing to play (nil): every gap is past use.
    public static func oldestUseful(highest: Int64, nextToPlay: UInt16?) -> Int64 {
        guard let next = nextToPlay else { return highest + 1 }
        return highest - Int64(Int16(bitPattern: UInt16(truncatingIfNeeded: highest) &- next))
    }

    private func refuse(_ verdict: PacketVerifier.Verdict) {
        refusals.count(verdict)
        playout.countRejected()
    }
}

/// Packets the verifier refused, by reason.
public struct Refusals: Sendable {
    public var unsealed = 0
    public var unknownKey = 0
    public var noTrustedTime = 0
    public var stale = 0
    public var replayed = 0
    public var rateLimited = 0
    public var badSignature = 0

    public init() {}

    public mutating func count(_ verdict: PacketVerifier.Verdict) {
        switch verdict {
        case .accepted: break
        case .unsealed: unsealed += 1
        case .unknownKey: unknownKey += 1
        case .noTrustedTime: noTrustedTime += 1
        case .stale: stale += 1
        case .replayed: replayed += 1
        case .rateLimited: rateLimited += 1
        case .badSignature: badSignature += 1
        }
    }

    /// All refused packets.
    public var total: Int { unsealed + unknownKey + noTrustedTime + stale + replayed + rateLimited + badSignature }

    public var summary: String {
        "unsealed=" + String(unsealed) + " unknown-key=" + String(unknownKey) + " no-trusted-time="
            + String(noTrustedTime)
            + " stale=" + String(stale) + " replayed=" + String(replayed) + " rate-limited=" + String(rateLimited)
            + " forged=" + String(badSignature)
    }
}
