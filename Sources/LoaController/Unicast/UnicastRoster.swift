import LoaSystem
import LoaWire

/// Caps on what the controller sends by unicast (`fleet:` keys `unicast-box-kbps`, `unicast-total-mbps`,
/// `unicast-boxes`): a box's share and everyone's, so that no request can make the controller a flood.
public struct UnicastLimits: Sendable, Equatable {
    /// Bytes a second one box may be sent (a zone's stream is far less; the rest is room for repairs).
    public var boxBytesPerSecond: Int
    /// Bytes a second all unicast boxes together may be sent.
    public var totalBytesPerSecond: Int
    /// Boxes that may hear by unicast at once; a request beyond it is refused until one leaves.
    public var maximumBoxes: Int

    public init(boxBytesPerSecond: Int = 32_000, totalBytesPerSecond: Int = 12_500_000, maximumBoxes: Int = 2000) {
        self.boxBytesPerSecond = boxBytesPerSecond
        self.totalBytesPerSecond = totalBytesPerSecond
        self.maximumBoxes = maximumBoxes
    }
}

/// Which boxes hear each zone by unicast, and where to (issue 14, `docs/delivery.md`): the pure rules, with time
/// passed in (monotonic nanoseconds). `UnicastDelivery` holds it behind a lock and sends.
///
/// Contract:
/// - Only `heard` adds or moves an entry, and the listener calls it only for an approved box's authenticated,
///   fresh heartbeat (`FleetRegistry`): the address is the one that heartbeat came from, never one it names. So a
///   forged or replayed request, or one from a box that is not approved or has no zone, changes nothing.
/// - A box is on at most one zone's roster (its registered zone); a heartbeat from a new address or port moves its
///   entry there (a NAT mapping that changed is followed at the next heartbeat).
/// - An entry expires 3 heartbeat intervals (the box's own) plus 1 s after its last request; a heartbeat that does
///   not ask removes it at once.
/// - Each packet goes to a box only while the box's token bucket (`boxBytesPerSecond`, one second deep) and the
///   total bucket (`totalBytesPerSecond`) both hold its size; otherwise that copy is skipped and counted. A repair
///   (a packet sent again) is taken from the same buckets, and only for a box on the roster at the very address
///   and port the NACK came from.
struct UnicastRoster {
    struct Entry: Equatable {
        var receiver: ReceiverID
        var address: UInt32
        var port: UInt16
        var expires: UInt64
        var tokens: Int
        var refilled: UInt64
        /// Each packet goes again this many packets later (redundancy; 0: never).
        var repeatAfter = 0
    }

    let limits: UnicastLimits
    private(set) var zones: [[Entry]]
    private var total: Int
    private var totalRefilled: UInt64
    /// When each zone last sent a packet (0: never).
    private var lastPacket: [UInt64]
    /// Copies not sent because a cap was reached.
    private(set) var capped = 0

    /// An empty roster for `zoneCount` zones.
    init(zoneCount: Int, limits: UnicastLimits, now: UInt64) {
        self.limits = limits
        zones = Array(repeating: [], count: zoneCount)
        lastPacket = Array(repeating: 0, count: zoneCount)
        total = limits.totalBytesPerSecond
        totalRefilled = now
    }

    /// Boxes on all rosters.
    var count: Int { zones.reduce(0) { $0 + $1.count } }

    /// Takes an authenticated heartbeat's request: `wants` puts `receiver` on `zone`'s roster at `address` (moving
    /// it there from any other), else takes it off. Returns whether it is on the roster now (false when full).
    mutating func heard(
        _ receiver: ReceiverID, zone: Int?, address: SocketAddress, intervalMilliseconds: UInt32, wants: Bool,
        repeatAfter: Int = 0, now: UInt64
    ) -> Bool {
        var kept: Entry?
        for index in zones.indices {
            if let position = zones[index].firstIndex(where: { $0.receiver == receiver }) {
                let entry = zones[index].remove(at: position)
                if index == zone { kept = entry }
            }
        }
        guard wants, let zone, zones.indices.contains(zone) else { return false }
        guard kept != nil || count < limits.maximumBoxes else { return false }
        let lifetime = 3 * UInt64(max(intervalMilliseconds, 1000)) * 1_000_000 + 1_000_000_000
        var entry =
            kept
            ?? Entry(
                receiver: receiver, address: address.address.value, port: address.port, expires: 0,
                tokens: limits.boxBytesPerSecond, refilled: now)
        entry.address = address.address.value
        entry.port = address.port
        entry.expires = now + lifetime
        entry.repeatAfter = repeatAfter
        zones[zone].append(entry)
        return true
    }

    /// Drops the entries whose requests stopped before `now`.
    mutating func expire(now: UInt64) {
        for index in zones.indices where zones[index].contains(where: { $0.expires < now }) {
            zones[index].removeAll { $0.expires < now }
        }
    }

    /// Whether `zone` sent a packet within the last second.
    func isOnAir(_ zone: Int, now: UInt64) -> Bool {
        zones.indices.contains(zone) && lastPacket[zone] != 0 && now &- lastPacket[zone] < 1_000_000_000
    }

    /// Writes into `addresses` and `ports` where a packet of `bytes` of `zone` goes at `now`, taking it from the
    /// caps; returns how many (at most the buffers' size). Allocates nothing.
    mutating func targets(
        zone: Int, bytes: Int, now: UInt64, addresses: UnsafeMutableBufferPointer<UInt32>,
        ports: UnsafeMutableBufferPointer<UInt16>
    ) -> Int {
        guard zones.indices.contains(zone) else { return 0 }
        lastPacket[zone] = now
        total = Self.refill(total, since: totalRefilled, now: now, rate: limits.totalBytesPerSecond)
        totalRefilled = now
        var count = 0
        for index in zones[zone].indices {
            var entry = zones[zone][index]
            entry.tokens = Self.refill(entry.tokens, since: entry.refilled, now: now, rate: limits.boxBytesPerSecond)
            entry.refilled = now
            if entry.expires >= now, entry.tokens >= bytes, total >= bytes, count < addresses.count,
                count < ports.count
            {
                entry.tokens -= bytes
                total -= bytes
                addresses[count] = entry.address
                ports[count] = entry.port
                count += 1
            } else {
                capped += 1
            }
            zones[zone][index] = entry
        }
        return count
    }

    /// Takes a repair of `bytes` (a packet sent again, answering a NACK) for the box at `address` on `zone`'s
    /// roster from its cap and the total one; returns whether it may go. No such box there (a request from any
    /// other address: forged, or a box that does not hear by unicast), or a cap reached, and it may not (counted
    /// in `capped`).
    mutating func repair(zone: Int, to address: SocketAddress, bytes: Int, now: UInt64) -> Bool {
        guard zones.indices.contains(zone),
            let index = zones[zone].firstIndex(where: {
                $0.address == address.address.value && $0.port == address.port && $0.expires >= now
            })
        else { return false }
        total = Self.refill(total, since: totalRefilled, now: now, rate: limits.totalBytesPerSecond)
        totalRefilled = now
        var entry = zones[zone][index]
        entry.tokens = Self.refill(entry.tokens, since: entry.refilled, now: now, rate: limits.boxBytesPerSecond)
        entry.refilled = now
        defer { zones[zone][index] = entry }
        guard entry.tokens >= bytes, total >= bytes else {
            capped += 1
            return false
        }
        entry.tokens -= bytes
        total -= bytes
        return true
    }

    /// Redundancy: for each box of `zone` that wants every packet again `k` packets later, asks `size(k)` for the
    /// length of that packet (nil: no longer held) and, if the box's share and the total hold it, takes it from them
    /// and calls `send(address, port, k)`; otherwise counts it in `capped`. Allocates nothing.
    mutating func repeats(
        zone: Int, now: UInt64, size: (Int) -> Int?, send: (UInt32, UInt16, Int) -> Void
    ) {
        guard zones.indices.contains(zone) else { return }
        for index in zones[zone].indices where zones[zone][index].repeatAfter > 0 {
            var entry = zones[zone][index]
            guard entry.expires >= now, let bytes = size(entry.repeatAfter) else { continue }
            total = Self.refill(total, since: totalRefilled, now: now, rate: limits.totalBytesPerSecond)
            totalRefilled = now
            entry.tokens = Self.refill(entry.tokens, since: entry.refilled, now: now, rate: limits.boxBytesPerSecond)
            entry.refilled = now
            if entry.tokens >= bytes && total >= bytes {
                entry.tokens -= bytes
                total -= bytes
                send(entry.address, entry.port, entry.repeatAfter)
            } else {
                capped += 1
            }
            zones[zone][index] = entry
        }
    }

    /// A bucket of `tokens` refilled at `rate` a second from `since` to `now`, at most one second's worth.
    private static func refill(_ tokens: Int, since: UInt64, now: UInt64, rate: Int) -> Int {
        guard now > since else { return tokens }
        let added = Int(min((now - since) / 1000 * UInt64(rate) / 1_000_000, UInt64(rate)))
        return min(tokens + added, rate)
    }
}
