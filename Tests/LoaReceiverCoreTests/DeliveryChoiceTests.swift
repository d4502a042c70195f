import LoaReceiverCore
import LoaWire
import Testing

/// Issue 14, point 1: when a box set to `auto` asks for unicast, and when it stops.
@Suite("Delivery choice")
struct DeliveryChoiceTests {
    let second = 1_000_000_000 as UInt64

    @Test func fixedModesNeverChange() {
        var multicast = DeliveryChoice(mode: .multicast)
        var unicast = DeliveryChoice(mode: .unicast)
        multicast.zoneOnAir(true, at: 0)
        unicast.heardMulticast(at: 0)
        let changed = (multicast.advance(to: 60 * second), unicast.advance(to: 60 * second))
        #expect(changed == (false, false))
        #expect(!multicast.wantsUnicast && unicast.wantsUnicast)
    }

    @Test func autoAsksWhenTheZoneIsOnTheAirAndNoMulticastComesThenKeepsAskingUntilMulticastReturns() {
        var choice = DeliveryChoice(mode: .auto, wait: 3 * second)
        var changed = choice.advance(to: 100 * second)
        #expect(!changed && !choice.wantsUnicast, "idle: nothing to miss")
        choice.zoneOnAir(true, at: 100 * second)
        changed = choice.advance(to: 102 * second)
        #expect(!changed)
        choice.heardMulticast(at: 102 * second)
        changed = choice.advance(to: 104 * second)
        #expect(!changed, "multicast arrives")
        changed = choice.advance(to: 105 * second)
        #expect(changed && choice.wantsUnicast, "3 s without multicast on the air")
        choice.zoneOnAir(false, at: 200 * second)
        changed = choice.advance(to: 800 * second)
        #expect(!changed && choice.wantsUnicast, "idle behind the NAT: keeps asking")
        choice.heardMulticast(at: 801 * second)
        #expect(!choice.wantsUnicast, "multicast again")
    }

    /// The path stays open (keepalive heartbeats) while asking for unicast, and for an `auto` box that has heard no
    /// multicast for `wait` (behind a NAT it would learn of a bulletin only at its next heartbeat); a box that hears
    /// multicast, or is set to multicast, heartbeats at its own interval.
    @Test func thePathStaysOpenWhileUnicastMayBeNeeded() {
        var auto = DeliveryChoice(mode: .auto, wait: 3 * second)
        #expect(auto.keepsPathOpen(at: 0), "nothing heard yet")
        auto.heardMulticast(at: 10 * second)
        #expect(!auto.keepsPathOpen(at: 12 * second))
        #expect(auto.keepsPathOpen(at: 13 * second), "no multicast for 3 s")
        #expect(!DeliveryChoice(mode: .multicast).keepsPathOpen(at: 0))
        #expect(DeliveryChoice(mode: .unicast).keepsPathOpen(at: 0))
    }
}
