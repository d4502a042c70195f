import LoaWire

/// The zone's timetable the box holds, and the rule by which it plays a slot of it on its own when its controller
/// is out of reach (issue 15, point 4; `docs/delivery.md`). Pure: the receiver's loop feeds it the time and what the
/// box holds, and carries out what it decides.
///
/// Contract:
/// - `take` keeps a verified timetable (`LoaTrust.StreamKeySignature`) only if it was issued later than the one held:
///   an older one, replayed or late, changes nothing. A newer one replaces the old whole, its cancellations too.
/// - `next` decides at `now` (Unix ms on the commune's clock as the box keeps it): nothing while the controller is
///   in reach (heard from less than `unreachableAfterMilliseconds` ago by what cannot be a replay: a time answer, an
///   answer to a recent heartbeat, a new command, a verified packet of the zone's stream; it airs the zone itself,
///   and the box plays the stream); else the first entry, in the timetable's order, not cancelled and not yet
///   started or refused, whose airing holds `now`: from `leadMilliseconds` before its start to its end, its start being its
///   instant plus the zone's playout delay, or the end of the item played offline before it if that is later.
///   It is played (`.play`) if the box holds its clip whole and verified (`HeldClips`), the timetable is fresh
///   (issued at most `freshnessMilliseconds` before `now`) and the box's time is trusted (its worst error since the
///   last synchronisation, the estimate's uncertainty plus `residualPartsPerMillion` of the time since, at most
///   `maximumTimeErrorMilliseconds`); else it is refused (`.refuse`) with the reason, once.
/// - A cancelled entry is never played; no entry is started twice.
public struct OfflineTimetable {
    /// What the box does about a slot.
    public enum Decision: Equatable {
        /// Play `item` from its copy, its first sample out at `startsAt` (Unix ms, commune's clock).
        case play(item: UInt64, startsAt: Int64)
        /// The slot of `item` is due but the box may not play it.
        case refuse(item: UInt64, reason: Refusal)
    }

    /// Why a slot due offline is not played.
    public enum Refusal: Equatable {
        /// The box does not hold the item's clip whole and verified.
        case notHeld
        /// The timetable was issued longer ago than the freshness setting: the box cannot confirm it is current.
        case stale
        /// The box's clock may be further from the commune's than `maximumTimeErrorMilliseconds`.
        case untrustedTime
    }

    /// The timetable held (nil: none yet).
    public private(set) var timetable: ZoneTimetable?
    /// How old a timetable may be and still be played from (`offline-freshness-hours`; default 24 h).
    public var freshnessMilliseconds: Int64
    /// How long without a word from the controller (a time answer, an answer to a recent heartbeat, a new command, a
    /// verified packet of the zone's stream) before it counts as out of reach (`offline-after`; default 9 s: two of the box's steady time
    /// questions unanswered, and nothing else heard).
    public var unreachableAfterMilliseconds: Int64
    /// How far before a slot's start the box decides, so that it starts on time.
    public static let leadMilliseconds: Int64 = 500
    /// The crystal's drift the box assumes once its rate is estimated (ppm).
    public static let residualPartsPerMillion: Int64 = 50
    /// The largest error of the box's clock with which it still plays a slot on its own: 5 s (at 50 ppm, about 27 h
    /// after the last synchronisation).
    public static let maximumTimeErrorMilliseconds: Int64 = 5_000
    /// Items started or refused (never twice), and when the last item played offline ends (Unix ms).
    private var done: [UInt64] = []
    private var busyUntil: Int64 = 0

    public init(freshnessMilliseconds: Int64 = 24 * 3_600_000, unreachableAfterMilliseconds: Int64 = 9_000) {
        self.freshnessMilliseconds = freshnessMilliseconds
        self.unreachableAfterMilliseconds = unreachableAfterMilliseconds
    }

    /// Keeps `timetable` if it was issued later than the one held; returns whether it did.
    @discardableResult
    public mutating func take(_ timetable: ZoneTimetable) -> Bool {
        if let held = self.timetable, timetable.issuedAt <= held.issuedAt { return false }
        self.timetable = timetable
        done.removeAll { item in !timetable.entries.contains { $0.item == item } }
        return true
    }

    /// What to do at `now` (see the contract). `sinceAnswer`: ms since the controller's last time answer (nil:
    /// never answered); `sinceContact`: ms since the box last heard from the controller at all, time answers
    /// included (nil: as `sinceAnswer`); `timeError`: the estimate's uncertainty at the
    /// last answer (ms); `length`: how long an item's held clip plays (ms), nil if it is not held.
    public mutating func next(
        now: Int64, sinceAnswer: Int64?, sinceContact: Int64? = nil, timeError: Int64, length: (UInt64) -> Int?
    ) -> Decision? {
        guard let timetable, let sinceAnswer, (sinceContact ?? sinceAnswer) >= unreachableAfterMilliseconds else {
            return nil
        }
        let delay = Int64(timetable.playoutDelayMilliseconds)
        for entry in timetable.entries where !entry.cancelled && !done.contains(entry.item) {
            let start = max(entry.airsAt + delay, busyUntil)
            guard now >= start - Self.leadMilliseconds else { continue }
            guard let milliseconds = length(entry.item) else {
                // Not held: refused only once its time has come and gone without it.
                if now >= start { return refuse(entry.item, .notHeld) }
                continue
            }
            guard now < start + Int64(milliseconds) else { continue }
            if now - timetable.issuedAt > freshnessMilliseconds { return refuse(entry.item, .stale) }
            if timeError + sinceAnswer * Self.residualPartsPerMillion / 1_000_000 > Self.maximumTimeErrorMilliseconds {
                return refuse(entry.item, .untrustedTime)
            }
            done.append(entry.item)
            busyUntil = start + Int64(milliseconds)
            return .play(item: entry.item, startsAt: start)
        }
        return nil
    }

    private mutating func refuse(_ item: UInt64, _ reason: Refusal) -> Decision {
        done.append(item)
        return .refuse(item: item, reason: reason)
    }
}
