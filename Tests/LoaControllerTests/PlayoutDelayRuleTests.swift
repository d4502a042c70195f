import LoaController
import Testing

/// Issue 14, point 5 on the commune's timeline: a zone's playout delay follows its boxes' spare, between its floor
/// (`playout-delay-ms`) and its ceiling (`playout-delay-max-ms`), changing only when an item starts after a silence.
@Suite("Adaptive playout delay")
struct PlayoutDelayRuleTests {
    let rule = PlayoutDelayRule(floor: 60, ceiling: 400)

    @Test func withoutAReportTheDelayStays() {
        #expect(rule.next(current: 120, need: nil) == 120)
        #expect(rule.next(current: 60, need: nil) == 60)
    }

    @Test func itRisesAtOnceToTheNeedRoundedUp() {
        #expect(rule.next(current: 60, need: 78) == 80)
        #expect(rule.next(current: 60, need: 301) == 310)
        #expect(rule.next(current: 60, need: 5_000) == 400, "never above the ceiling")
    }

    @Test func itFallsByAtMostFiftyMillisecondsAStart() {
        #expect(rule.next(current: 300, need: 20) == 250)
        #expect(rule.next(current: 250, need: 20) == 200)
        #expect(rule.next(current: 90, need: 20) == 60, "never below the floor")
        #expect(rule.next(current: 300, need: 281) == 290)
    }

    @Test func aZoneWithoutACeilingNeverMoves() {
        let fixed = PlayoutDelayRule(floor: 150, ceiling: 150)
        #expect(!fixed.adapts)
        #expect(fixed.next(current: 150, need: 900) == 150)
        #expect(PlayoutDelayRule(floor: 150, ceiling: 100).ceiling == 150)
    }

    /// The shared state: the largest need of the period since the last start counts, and a start begins a new period.
    @Test func theZoneTakesItsSlowestBoxAndStartsAfresh() {
        let delays = PlayoutDelays(zones: [("thon-a", rule), ("thon-b", PlayoutDelayRule(floor: 150, ceiling: 150))])
        delays.heard(zone: "thon-a", spareMilliseconds: 30)
        delays.heard(zone: "thon-a", spareMilliseconds: -38)
        delays.heard(zone: "thon-a", spareMilliseconds: 5)
        delays.heard(zone: "thon-b", spareMilliseconds: -500)
        delays.heard(zone: "elsewhere", spareMilliseconds: -500)
        #expect(delays.current.map(\.milliseconds) == [60, 150], "nothing changes before a start")
        #expect(delays.delayForStart(zone: 0) == 100)
        #expect(delays.delayForStart(zone: 1) == 150)
        #expect(delays.delayForStart(zone: 0) == 100, "a start without reports keeps the delay")
        delays.heard(zone: "thon-a", spareMilliseconds: 200)
        #expect(delays.delayForStart(zone: 0) == 60)
        #expect(delays.current.map(\.zone) == ["thon-a", "thon-b"])
    }

    @Test func theCeilingIsReadFromTheZoneAndMustNotBeBelowTheFloor() throws {
        let text = """
            zones:
              - name: lan
                group: 239.255.79.71:5004
              - name: tu-4g
                group: 239.255.79.72:5004
                playout-delay-ms: 100
                playout-delay-max-ms: 500
            """
        let zones = try ControllerConfiguration.parse(text, path: "c.yaml").zones
        #expect(zones.map(\.playoutDelayRule) == [PlayoutDelayRule(floor: 150, ceiling: 150), rule(100, 500)])
        #expect {
            _ = try ControllerConfiguration.parse(
                "zones:\n  - name: a\n    group: 239.255.79.71:5004\n    playout-delay-max-ms: 100\n", path: "c.yaml")
        } throws: { error in
            (error as? ConfigurationError)?.message.hasPrefix("c.yaml:4: zone 'a': playout-delay-max-ms 100 is below")
                == true
        }
    }

    private func rule(_ floor: Int, _ ceiling: Int) -> PlayoutDelayRule {
        PlayoutDelayRule(floor: floor, ceiling: ceiling)
    }
}
