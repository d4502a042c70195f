import LoaSystem
import LoaWire
import Synchronization

/// Sends each zone's sealed packets to the boxes on its unicast roster (issue 14, `docs/delivery.md`): the thin
/// shell around `UnicastRoster`, shared by the heartbeat listener (which keeps the roster) and the pacer threads
/// (which send).
///
/// Contract:
/// - A packet is sealed once, by the zone's stream; every box gets the same bytes, batched into few system calls
///   (`sendmmsg`), from the heartbeat socket: the source address and port the boxes' heartbeats go to, the only
///   one a carrier's NAT mapping lets back in.
/// - Nothing is sent until the listener attaches its socket, nor after it detaches it.
/// - Sending allocates nothing: the target buffers are made once, for `maximumBoxes`.
public final class UnicastDelivery: Sendable {
    private struct State {
        var roster: UnicastRoster
        var socket: UDPSocket?
        var sent = 0
    }

    /// The zones' names, in the pacer's order (a zone's index is its place here).
    let zones: [String]
    private let state: Mutex<State>
    /// Where one packet goes, made once and used only under the lock.
    nonisolated(unsafe) private let addresses: UnsafeMutableBufferPointer<UInt32>
    nonisolated(unsafe) private let ports: UnsafeMutableBufferPointer<UInt16>

    public init(zones: [String], limits: UnicastLimits) {
        self.zones = zones
        let capacity = max(limits.maximumBoxes, 1)
        addresses = .allocate(capacity: capacity)
        ports = .allocate(capacity: capacity)
        state = Mutex(
            State(roster: UnicastRoster(zoneCount: zones.count, limits: limits, now: MonotonicClock.now()), socket: nil)
        )
    }

    deinit {
        addresses.deallocate()
        ports.deallocate()
    }

    /// Sends from `socket` from now on (nil: stop sending).
    package func attach(_ socket: UDPSocket?) { state.withLock { $0.socket = socket } }

    /// Takes an approved box's authenticated heartbeat (`heartbeat`, from `sender`, registered in `zone`) at
    /// `now`; returns whether the box is on a roster now.
    @discardableResult
    package func heard(_ heartbeat: Heartbeat, zone: String?, from sender: SocketAddress, now: UInt64) -> Bool {
        let index = zone.flatMap { zones.firstIndex(of: $0) }
        return state.withLock {
            $0.roster.heard(
                heartbeat.receiver, zone: index, address: sender,
                intervalMilliseconds: heartbeat.intervalMilliseconds, wants: heartbeat.wantsUnicast, now: now)
        }
    }

    /// Drops the boxes whose requests stopped.
    func expire(now: UInt64) { state.withLock { $0.roster.expire(now: now) } }

    /// Whether `zone` sent a packet within the last second.
    func isOnAir(_ zone: String?, now: UInt64) -> Bool {
        guard let index = zone.flatMap({ zones.firstIndex(of: $0) }) else { return false }
        return state.withLock { $0.roster.isOnAir(index, now: now) }
    }

    /// Sends `packet` of zone number `zone` to its unicast boxes (within the caps); returns how many copies left.
    /// Called by the pacer thread that sends the zone, right after the multicast copy.
    @discardableResult
    func send(_ packet: UnsafeRawBufferPointer, zone: Int, now: UInt64) -> Int {
        // The pacer thread's own buffer, only read during the call.
        nonisolated(unsafe) let packet = packet
        return state.withLock { state in
            let count = state.roster.targets(
                zone: zone, bytes: packet.count, now: now, addresses: addresses, ports: ports)
            guard count > 0, let socket = state.socket else { return 0 }
            let sent = socket.send(
                packet, toEach: UnsafeBufferPointer(rebasing: addresses[0..<count]),
                ports: UnsafeBufferPointer(rebasing: ports[0..<count]))
            state.sent += sent
            return sent
        }
    }

    /// Boxes on the rosters, copies sent, and copies skipped by the caps, for `/metrics` and tests.
    package var counts: (boxes: Int, sent: Int, capped: Int) {
        state.withLock { ($0.roster.count, $0.sent, $0.roster.capped) }
    }
}
