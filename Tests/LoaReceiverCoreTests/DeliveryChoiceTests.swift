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
}
