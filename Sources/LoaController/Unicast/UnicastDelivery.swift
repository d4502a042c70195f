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
/// - Sending allocates nothing: each stream's target buffers (`UnicastTargets`) are made once, for `maximumBoxes`;
///   the lock is held while they are filled, not while the copies go.
public final class UnicastDelivery: Sendable {
    private struct State {
        var roster: UnicastRoster
        var socket: UDPSocket?
        var sent = 0
        /// Each zone's last packets as sent, and the SSRC of its stream: what a NACK is answered from.
        var histories: [PacketHistory]
        var ssrcs: [UInt32]
        /// Packets sent again on request, and requested ones that were not (no longer held, not that box's zone,
        /// over a cap).
        var repaired = 0
        var unrepaired = 0
        /// Copies sent again for redundancy.
        var repeated = 0
    }

    /// The zones' names, in the pacer's order (a zone's index is its place here).
    let zones: [String]
    private let state: Mutex<State>
    /// The most boxes on the rosters: the room each stream's `UnicastTargets` has.
    private let capacity: Int

    public init(zones: [String], limits: UnicastLimits) {
        self.zones = zones
        capacity = max(limits.maximumBoxes, 1)
        state = Mutex(
            State(
                roster: UnicastRoster(zoneCount: zones.count, limits: limits, now: MonotonicClock.now()), socket: nil,
                histories: zones.map { _ in PacketHistory() }, ssrcs: zones.map { _ in 0 }))
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
                intervalMilliseconds: heartbeat.intervalMilliseconds, wants: heartbeat.wantsUnicast,
                repeatAfter: Int(heartbeat.repeatAfter), now: now)
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
    /// Called by the pacer thread that sends the zone, right after the multicast copy, with that stream's own
    /// `targets`: they are filled under the lock, and the copies sent outside it, so that two pacer threads never
    /// wait for each other's system calls.
    @discardableResult
    func send(_ packet: UnsafeRawBufferPointer, zone: Int, now: UInt64, targets: UnicastTargets) -> Int {
        // The pacer thread's own buffer, only read during the call.
        nonisolated(unsafe) let packet = packet
        // Its RTP sequence number, when it is a kept zone's RTP packet.
        let sequence =
            zone < zones.count && packet.count >= RTPHeader.fixedSize ? UInt16(packet[2]) << 8 | UInt16(packet[3]) : nil
        let (count, socket) = state.withLock { state -> (Int, UDPSocket?) in
            if let sequence {
                state.histories[zone].keep(sequence: sequence, packet: packet)
                state.ssrcs[zone] = packet.loadUnaligned(fromByteOffset: 8, as: UInt32.self).bigEndian
            }
            let count = state.roster.targets(
                zone: zone, bytes: packet.count, now: now, addresses: targets.addresses, ports: targets.ports)
            return (count, state.socket)
        }
        guard count > 0, let socket else { return 0 }
        let sent = socket.send(
            packet, toEach: UnsafeBufferPointer(rebasing: targets.addresses[0..<count]),
            ports: UnsafeBufferPointer(rebasing: targets.ports[0..<count]))
        state.withLock { state in
            state.sent += sent
            // Redundancy: the packet `k` numbers before this one, again, to each box that asked for it.
            guard let sequence else { return }
            let history = state.histories[zone]
            var repeated = 0
            state.roster.repeats(
                zone: zone, now: now,
                size: { k in history.withPacket(sequence &- UInt16(k)) { $0.count } },
                send: { address, port, k in
                    let target = SocketAddress(address: IPv4Address(address), port: port)
                    if history.withPacket(sequence &- UInt16(k), { socket.send($0, to: target) }) == true {
                        repeated += 1
                    }
                })
            state.repeated += repeated
        }
        return sent
    }

    /// A stream's own room for where one packet's copies go (`maximumBoxes` of them), made once.
    package func makeTargets() -> UnicastTargets { UnicastTargets(capacity: capacity) }

    /// Answers a box's NACK (RFC 4585 generic NACK, `request`, from `sender`) at `now`: each packet it names that
    /// the zone of its media SSRC still holds goes again, the very bytes first sent, to `sender`, if `sender` is a
    /// box on that zone's roster and within its caps. Returns how many went. Anything else (not a NACK, an
    /// unknown stream, an address not on the roster) sends nothing: a forged request cannot aim a packet at
    /// anyone but a box that asked for the stream with its own key, and then only within its share.
    @discardableResult
    func repair(_ request: UnsafeRawBufferPointer, from sender: SocketAddress, now: UInt64) -> Int {
        guard let nack = try? RTCPGenericNACK(decoding: [UInt8](request)) else { return 0 }
        return state.withLock { state in
            guard let socket = state.socket, let zone = state.ssrcs.firstIndex(of: nack.mediaSSRC) else { return 0 }
            var sent = 0
            for sequence in nack.lost {
                let went =
                    state.histories[zone].withPacket(sequence) { packet in
                        state.roster.repair(zone: zone, to: sender, bytes: packet.count, now: now)
                            && socket.send(packet, to: sender)
                    } ?? false
                if went { sent += 1 } else { state.unrepaired += 1 }
            }
            state.repaired += sent
            return sent
        }
    }

    /// Boxes on the rosters, copies sent, copies skipped by the caps, packets sent again on request and requested
    /// ones not sent, for `/metrics` and tests.
    package var counts: (boxes: Int, sent: Int, capped: Int, repaired: Int, unrepaired: Int, repeated: Int) {
        state.withLock { ($0.roster.count, $0.sent, $0.roster.capped, $0.repaired, $0.unrepaired, $0.repeated) }
    }
}

/// Where one packet's copies go: addresses and ports, room for `capacity` boxes, made once per zone stream and
/// used only by the pacer thread that sends it.
package final class UnicastTargets: @unchecked Sendable {
    let addresses: UnsafeMutableBufferPointer<UInt32>
    let ports: UnsafeMutableBufferPointer<UInt16>

    init(capacity: Int) {
        addresses = .allocate(capacity: capacity)
        ports = .allocate(capacity: capacity)
    }

    deinit {
        addresses.deallocate()
        ports.deallocate()
    }
}
