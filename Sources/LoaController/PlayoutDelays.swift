import Synchronization

/// How a zone's playout delay follows what its boxes' networks do (issue 14, point 5; `docs/delivery.md`): the
/// pure rule.
///
/// On the commune's timeline every box of a zone plays sample *n* at the same instant, so the depth of each box's
/// jitter buffer is the zone's playout delay less the packet's transit: the delay is the one depth there is, and it
/// must cover the zone's slowest box. Each box measures how early its packets come before they are needed, at the
/// 95th percentile, less a frame (`JitterTarget.spare`, in its heartbeats); a box with a negative spare needs that
/// much more delay. The zone's delay adapts between `floor` (`playout-delay-ms`) and `ceiling`
/// (`playout-delay-max-ms`), and only when an item starts after a silence longer than the delay in force, when every
/// box's buffer has run dry and starts again on the new instants: never with a gap or a click.
///
/// Contract (`next`):
/// - Without a report since the delay took force, the delay stays.
/// - Otherwise the zone needs the largest of (delay in force − spare) over the reports; the delay becomes that,
///   rounded up to `step`, at once if it rises, by at most `fallPerStart` if it falls (a calm item does not
///   empty the margin the next burst will need); always within `floor...ceiling`.
public struct PlayoutDelayRule: Sendable, Equatable {
    public var floor: Int
    public var ceiling: Int
    /// Delays are whole multiples of this (ms).
    public static let step = 10
    /// The most the delay falls at one item's start (ms).
    public static let fallPerStart = 50

    public init(floor: Int, ceiling: Int) {
        self.floor = floor
        self.ceiling = max(floor, ceiling)
    }

    /// True when the delay can change at all (`ceiling` above `floor`).
    public var adapts: Bool { ceiling > floor }

    /// The delay (ms) for an item that starts after a silence, from the delay in force and the largest need
    /// reported while it was (nil: none).
    public func next(current: Int, need: Int?) -> Int {
        guard adapts, let need else { return min(max(current, floor), ceiling) }
        let rounded = (max(need, 0) + Self.step - 1) / Self.step * Self.step
        let wanted = rounded >= current ? rounded : max(rounded, current - Self.fallPerStart)
        return min(max(wanted, floor), ceiling)
    }
}

/// Each zone's playout delay as it adapts (`PlayoutDelayRule`): the heartbeat listener reports each box's spare, the
/// zone's stream asks for the delay when an item starts after a silence. Shared by the listener and the pacer
/// threads; nothing here runs per packet.
public final class PlayoutDelays: Sendable {
    private struct ZoneDelay {
        var rule: PlayoutDelayRule
        var current: Int
        /// The largest need reported since `current` took force.
        var need: Int?
    }

    /// The zones' names, in the pacer's order (a zone's index is its place here).
    let zones: [String]
    private let state: Mutex<[ZoneDelay]>

    /// `zones`: each zone's name and its rule, in the pacer's order; each starts at its floor.
    public init(zones: [(name: String, rule: PlayoutDelayRule)]) {
        self.zones = zones.map(\.name)
        state = Mutex(zones.map { ZoneDelay(rule: $0.rule, current: $0.rule.floor) })
    }

    /// Takes a box's report of zone `zone`: its spare (ms, see `JitterReport`) while it plays at the delay in force.
    public func heard(zone: String, spareMilliseconds: Int) {
        guard let index = zones.firstIndex(of: zone) else { return }
        state.withLock { delays in
            guard delays[index].rule.adapts else { return }
            let need = delays[index].current - spareMilliseconds
            delays[index].need = max(delays[index].need ?? need, need)
        }
    }

    /// The delay (ms) for an item zone number `index` starts after a silence: the rule applied to what was reported
    /// since the last change, which starts a new period.
    package func delayForStart(zone index: Int) -> Int {
        state.withLock { delays in
            let next = delays[index].rule.next(current: delays[index].current, need: delays[index].need)
            if next != delays[index].current || delays[index].need != nil {
                delays[index].current = next
                delays[index].need = nil
            }
            return next
        }
    }

    /// Each zone's delay in force (ms), by name.
    public var current: [(zone: String, milliseconds: Int)] {
        let values = state.withLock { $0.map(\.current) }
        return Array(zip(zones, values)).map { (zone: $0.0, milliseconds: $0.1) }
    }
}
