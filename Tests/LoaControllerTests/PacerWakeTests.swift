import LoaController
import Testing

/// The pacer's sleep rule: a thread with nothing due sleeps, whatever the clock reads.
@Suite("Pacer wake-up") struct PacerWakeTests {
    static let idle = PacerWake.idleInterval

    @Test("nothing queued: sleeps the idle interval")
    func nothingQueued() {
        #expect(PacerWake.sleepUntil(now: 1_000_000_000, earliest: nil) == 1_000_000_000 + Self.idle)
    }

    @Test("a deadline that has come: no sleep, the packet is sent")
    func deadlineCome() {
        #expect(PacerWake.sleepUntil(now: 1_000_000_000, earliest: 1_000_000_000) == nil)
        #expect(PacerWake.sleepUntil(now: 1_000_000_000, earliest: 999_000_000) == nil)
    }

    @Test("a deadline sooner than the idle interval: sleeps exactly to it")
    func deadlineSoon() {
        #expect(PacerWake.sleepUntil(now: 1_000_000_000, earliest: 1_002_000_000) == 1_002_000_000)
    }

    @Test("a deadline far ahead (a clock that stepped back, a sleep that returned early): sleeps the idle interval")
    func deadlineFarAhead() {
        let now: UInt64 = 1_000_000_000
        #expect(PacerWake.sleepUntil(now: now, earliest: now + 3_600_000_000_000) == now + Self.idle)
        #expect(PacerWake.sleepUntil(now: now, earliest: .max) == now + Self.idle)
    }

    @Test("every reading with nothing due sleeps to a later instant, even at the end of the clock")
    func alwaysLater() {
        for now: UInt64 in [0, 1, 4_999_999, 1 << 40, .max - Self.idle, .max - 1] {
            for earliest: UInt64? in [nil, now + 1, .max] {
                let wake = PacerWake.sleepUntil(now: now, earliest: earliest)
                #expect(wake.map { $0 > now } == true, "now \(now), earliest \(String(describing: earliest))")
            }
        }
    }
}
