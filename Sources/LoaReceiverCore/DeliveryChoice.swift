import LoaWire

/// Whether a box asks its controller for its zone's packets by unicast (issue 14, `docs/delivery.md`): the pure
/// rule, with monotonic time (ns) passed in.
///
/// Contract:
/// - `multicast` never asks; `unicast` always asks.
/// - `auto` starts on multicast. It asks once the controller has said the zone is on the air and no multicast
///   packet has arrived for `wait` since then (or since the last one); it keeps asking while idle, so the next
///   bulletin (an emergency after ten quiet minutes) arrives at once, and stops as soon as a multicast packet
///   arrives again.
/// - The path to the controller must stay open (heartbeats at least every keepalive) while the box asks for unicast,
///   and also while an `auto` box has heard no multicast for `wait`: behind a NAT it would otherwise learn that its
///   zone is on the air only at its next heartbeat, and hear nothing of a short bulletin.
public struct DeliveryChoice: Sendable {
    public let mode: Delivery
    /// How long `auto` waits for multicast on a zone that is on the air.
    public let wait: UInt64
    private var lastMulticast: UInt64?
    private var onAirSince: UInt64?
    private var unicast: Bool

    public init(mode: Delivery, wait: UInt64 = 3_000_000_000) {
        self.mode = mode
        self.wait = wait
        unicast = mode == .unicast
    }

    /// Whether the box asks for unicast now.
    public var wantsUnicast: Bool { unicast }

    /// Whether the box should keep its path to the controller open at `now` (see the contract).
    public func keepsPathOpen(at now: UInt64) -> Bool {
        unicast || (mode == .auto && (lastMulticast.map { now &- $0 >= wait } ?? true))
    }

    /// A verified packet arrived by multicast at `now`.
    public mutating func heardMulticast(at now: UInt64) {
        lastMulticast = now
        if mode == .auto { unicast = false }
    }

    /// The controller's latest heartbeat answer said the zone is (or is not) on the air.
    public mutating func zoneOnAir(_ onAir: Bool, at now: UInt64) {
        if !onAir {
            onAirSince = nil
        } else if onAirSince == nil {
            onAirSince = now
        }
    }

    /// Updates the choice at `now`; returns true when it changed (the box then tells its controller at once).
    public mutating func advance(to now: UInt64) -> Bool {
        guard mode == .auto, !unicast, let since = onAirSince else { return false }
        let quietSince = max(since, lastMulticast ?? 0)
        guard now >= quietSince &+ wait else { return false }
        unicast = true
        return true
    }
}
