import LoaCrypto
import LoaTrust
import LoaWire
import Synchronization

/// Each zone's timetable as its boxes hold it (issue 15, point 4; `docs/delivery.md`): the stored-clip items
/// planned ahead, with their instants and priorities, and those cancelled before they aired, signed by the stream
/// key, so that a box whose controller is out of reach at a slot's time plays the slot from its copy, and never an
/// item cancelled.
///
/// Contract:
/// - `refresh` takes each zone's entries and playout delay (every few seconds) and signs a new timetable, issued
///   now, when they changed or when the one in force is older than `reissueMilliseconds`: a box confirms by its
///   `issuedAt` that what it holds is still current (it stops playing a timetable older than its freshness
///   setting), and never takes one older than its own.
/// - `timetable(zone:holding:)` gives the signed timetable in force for a box that holds another (by its
///   `issuedAt`, from its heartbeat), nil when it holds this one: the heartbeat listener sends it with its answer.
public final class ZoneTimetables: Sendable {
    private struct Issued {
        var timetable: ZoneTimetable
        var signed: [UInt8]
    }

    let audiences: [String: PacketAudience]
    private let streamKey: SigningKeyPair
    /// How long a timetable stays in force unchanged before it is issued afresh (ms): well within a box's
    /// freshness setting (24 h by default).
    public let reissueMilliseconds: Int64
    private let state = Mutex([String: Issued]())

    public init(audiences: [String: PacketAudience], streamKey: SigningKeyPair, reissueMilliseconds: Int64 = 3_600_000)
    {
        self.audiences = audiences
        self.streamKey = streamKey
        self.reissueMilliseconds = reissueMilliseconds
    }

    /// Brings each zone's timetable up to date at `now` (Unix ms) with `entries` (in airing order; the first
    /// `ZoneTimetable.maximumEntries`) and the zone's playout delay (ms).
    public func refresh(_ entries: [String: [ZoneTimetable.Entry]], delays: [String: Int], now: Int64) {
        let held = state.withLock { $0 }
        var issued: [String: Issued] = [:]
        for (zone, audience) in audiences {
            let carried = Array((entries[zone] ?? []).prefix(ZoneTimetable.maximumEntries))
            let delay = UInt16(clamping: delays[zone] ?? 0)
            if let current = held[zone], current.timetable.entries == carried,
                current.timetable.playoutDelayMilliseconds == delay,
                now >= current.timetable.issuedAt, now - current.timetable.issuedAt < reissueMilliseconds
            {
                issued[zone] = current
                continue
            }
            // Strictly later than the one in force, so that a box takes it even within the same millisecond.
            let issuedAt = max(now, (held[zone]?.timetable.issuedAt ?? 0) + 1)
            let timetable = ZoneTimetable(
                audience: audience, issuedAt: issuedAt, playoutDelayMilliseconds: delay, entries: carried)
            issued[zone] = Issued(timetable: timetable, signed: StreamKeySignature.make(timetable, signedBy: streamKey))
        }
        state.withLock { $0 = issued }
    }

    /// The signed timetable in force for `zone` if a box holding the one issued at `holding` (nil: none) needs it.
    func timetable(zone: String, holding: Int64?) -> [UInt8]? {
        state.withLock { state in
            guard let issued = state[zone], issued.timetable.issuedAt != holding else { return nil }
            return issued.signed
        }
    }

    /// The timetable in force for `zone`, for tests and the API.
    public func current(zone: String) -> ZoneTimetable? { state.withLock { $0[zone]?.timetable } }
}
