import LoaControlAPI

/// An item as the priority rule sees it: its priority, whether it was queued with `--now`, when it may start,
/// and its place in the order of queuing (item ids grow with every item queued).
public struct Contender: Sendable, Equatable {
    public var item: Int64
    public var priority: Priority
    public var immediate: Bool
    public var plannedAt: Int64

    public init(item: Int64, priority: Priority, immediate: Bool = false, plannedAt: Int64 = 0) {
        self.item = item
        self.priority = priority
        self.immediate = immediate
        self.plannedAt = plannedAt
    }
}

/// The order and pre-emption rule of Thông tư 39/2020/TT-BTTTT, as pure functions of the items involved.
///
/// - A zone plays its waiting items one at a time: emergency before priority before normal; within a priority,
///   by planned time, then in the order they were queued (`playsBefore`).
/// - What waits first in a zone starts at once if the zone is silent. If something plays, it cuts it only if
///   (`cuts`): it is an emergency and what plays is not, or it is a newer emergency than the one that plays
///   (only a newer emergency cuts an emergency); or it is a priority item queued with `--now` and what plays is
///   a normal item. Otherwise it waits for the boundary of the item on the air.
/// - An item that is cut (or was on the air when the controller stopped) goes back to wait, to resume where it
///   was cut or to restart from its beginning, by its policy (`resumeFrame`).
public enum PreemptionRule {
    /// Whether `first` plays before `second` when both wait in one zone.
    public static func playsBefore(_ first: Contender, _ second: Contender) -> Bool {
        if first.priority.rank != second.priority.rank { return first.priority.rank > second.priority.rank }
        if first.plannedAt != second.plannedAt { return first.plannedAt < second.plannedAt }
        return first.item < second.item
    }

    /// Whether `waiting`, first in its zone's queue, cuts `playing` now rather than waiting for its end.
    public static func cuts(_ waiting: Contender, into playing: Contender) -> Bool {
        switch (waiting.priority, playing.priority) {
        case (.emergency, .normal), (.emergency, .priority): return true
        case (.emergency, .emergency): return waiting.item > playing.item
        case (.priority, .normal): return waiting.immediate
        default: return false
        }
    }

    /// Whether `waiting` starts now in a zone where `playing` (nil: nothing) is on the air.
    public static func starts(_ waiting: Contender, whilePlaying playing: Contender?) -> Bool {
        guard let playing else { return true }
        return cuts(waiting, into: playing)
    }

    /// The frame a cut item starts from next time, cut at `frame`, with the policy `policy`.
    public static func resumeFrame(cutAt frame: Int, policy: InterruptPolicy) -> Int {
        switch policy {
        case .resume: return frame
        case .restart: return 0
        }
    }
}
