import LoaSystem
import LoaWire
import Testing

@testable import LoaController

/// Issue 14, points 1–3: who gets a zone's packets by unicast, where to, for how long, and how much.
@Suite("Unicast roster")
struct UnicastRosterTests {
    let box = ReceiverID(0xB0)
    let other = ReceiverID(0xB1)
    let mapped = SocketAddress(address: IPv4Address(0x0A4D_0102), port: 40_001)
    let second = 1_000_000_000 as UInt64

    func targets(_ roster: inout UnicastRoster, zone: Int, bytes: Int = 200, now: UInt64) -> [SocketAddress] {
        let addresses = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 16)
        let ports = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 16)
        defer {
            addresses.deallocate()
            ports.deallocate()
        }
        let count = roster.targets(zone: zone, bytes: bytes, now: now, addresses: addresses, ports: ports)
        return (0..<count).map { SocketAddress(address: IPv4Address(addresses[$0]), port: ports[$0]) }
    }

    @Test func aBoxThatAsksGetsItsZonesPacketsAtTheAddressItAskedFrom() {
        var roster = UnicastRoster(zoneCount: 2, limits: UnicastLimits(), now: second)
        let asked = roster.heard(box, zone: 1, address: mapped, intervalMilliseconds: 5000, wants: true, now: second)
        #expect(asked)
        let sent1 = targets(&roster, zone: 1, now: 2 * second)
        #expect(sent1 == [mapped])
        #expect(roster.isOnAir(1, now: 2 * second + second / 2))
        #expect(!roster.isOnAir(1, now: 4 * second))
        #expect(!roster.isOnAir(0, now: 2 * second), "zone 0 sent nothing")
        let sent2 = targets(&roster, zone: 0, now: 2 * second)
        #expect(sent2.isEmpty, "nobody asked for zone 0")
    }

    /// A new mapping (port) is followed at the next heartbeat; a move to another zone leaves the old roster; a
    /// heartbeat that does not ask, or a box with no zone, is off every roster.
    @Test func theMappingAndTheZoneAreFollowedAtTheNextHeartbeat() {
        var roster = UnicastRoster(zoneCount: 2, limits: UnicastLimits(), now: 0)
        _ = roster.heard(box, zone: 0, address: mapped, intervalMilliseconds: 5000, wants: true, now: second)
        var moved = mapped
        moved.port = 40_777
        _ = roster.heard(box, zone: 0, address: moved, intervalMilliseconds: 5000, wants: true, now: 2 * second)
        let sent3 = targets(&roster, zone: 0, now: 3 * second)
        #expect(sent3 == [moved])
        _ = roster.heard(box, zone: 1, address: moved, intervalMilliseconds: 5000, wants: true, now: 4 * second)
        let sent4 = targets(&roster, zone: 0, now: 5 * second)
        #expect(sent4.isEmpty)
        let sent5 = targets(&roster, zone: 1, now: 5 * second)
        #expect(sent5 == [moved])
        let stopped = roster.heard(
            box, zone: 1, address: moved, intervalMilliseconds: 5000, wants: false, now: 6 * second)
        #expect(!stopped)
        #expect(roster.count == 0)
        let zoneless = roster.heard(
            box, zone: nil, address: moved, intervalMilliseconds: 5000, wants: true, now: 7 * second)
        #expect(!zoneless)
        #expect(roster.count == 0)
    }

    /// An entry lives three of the box's intervals plus a second after its last request.
    @Test func anEntryExpiresWhenItsHeartbeatsStop() {
        var roster = UnicastRoster(zoneCount: 1, limits: UnicastLimits(), now: 0)
        _ = roster.heard(box, zone: 0, address: mapped, intervalMilliseconds: 15_000, wants: true, now: second)
        roster.expire(now: 47 * second)
        #expect(roster.count == 1)
        let sent6 = targets(&roster, zone: 0, now: 47 * second)
        #expect(sent6 == [mapped])
        roster.expire(now: 47 * second + 1)
        #expect(roster.count == 0)
        let sent7 = targets(&roster, zone: 0, now: 48 * second)
        #expect(sent7.isEmpty)
    }

    /// Per-box and total byte caps, and a bound on the boxes.
    @Test func theRatesAndTheRosterAreCapped() {
        let limits = UnicastLimits(boxBytesPerSecond: 1000, totalBytesPerSecond: 1500, maximumBoxes: 2)
        var roster = UnicastRoster(zoneCount: 1, limits: limits, now: 0)
        var far = mapped
        far.port = 1
        _ = roster.heard(box, zone: 0, address: mapped, intervalMilliseconds: 5000, wants: true, now: 0)
        _ = roster.heard(other, zone: 0, address: far, intervalMilliseconds: 5000, wants: true, now: 0)
        let third = roster.heard(ReceiverID(9), zone: 0, address: far, intervalMilliseconds: 5000, wants: true, now: 0)
        #expect(!third, "the roster holds two boxes")
        // 600 bytes: both fit once (1200 of the 1500 total), then neither box has 600 left in its bucket.
        let sent8 = targets(&roster, zone: 0, bytes: 600, now: 0)
        #expect(sent8.count == 2)
        let sent9 = targets(&roster, zone: 0, bytes: 600, now: 0)
        #expect(sent9.isEmpty)
        #expect(roster.capped == 2)
        // Half a second refills 500 per box and 750 in total: one 450-byte copy each (150 left in total), then one
        // 100-byte copy before the total runs short.
        let sent10 = targets(&roster, zone: 0, bytes: 450, now: second / 2)
        #expect(sent10.count == 2)
        let sent11 = targets(&roster, zone: 0, bytes: 100, now: second / 2)
        #expect(sent11.count == 1)
    }

    /// Issue 14, point 4: a packet is sent again only to a box on the roster of the stream's zone, at the very
    /// address and port its request came from, and within the box's share: another address (a forged NACK), another
    /// port, another zone, or a box over its cap gets nothing.
    @Test func aRepairGoesOnlyToTheBoxAtTheAddressItAskedFromWithinItsShare() {
        let limits = UnicastLimits(boxBytesPerSecond: 1_000, totalBytesPerSecond: 100_000, maximumBoxes: 10)
        var roster = UnicastRoster(zoneCount: 2, limits: limits, now: second)
        roster.heard(box, zone: 1, address: mapped, intervalMilliseconds: 5000, wants: true, now: second)
        func repair(zone: Int = 1, to address: SocketAddress, now: UInt64 = second) -> Bool {
            roster.repair(zone: zone, to: address, bytes: 200, now: now)
        }
        #expect(repair(to: mapped))
        let victim = SocketAddress(address: IPv4Address(0x0A4D_0109), port: 40_001)
        #expect(!repair(to: victim))
        #expect(
            !repair(to: SocketAddress(address: mapped.address, port: 40_002)))
        #expect(!repair(zone: 0, to: mapped))
        // 1,000 bytes a second: 200 taken, four more of 200 fit, the fifth does not until the bucket refills.
        for _ in 0..<4 { #expect(repair(to: mapped)) }
        #expect(!repair(to: mapped))
        #expect(roster.capped == 1)
        #expect(repair(to: mapped, now: second + second / 2))
        // A box whose request lapsed gets nothing.
        #expect(!repair(to: mapped, now: 60 * second))
    }
}
