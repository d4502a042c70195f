import LoaControlAPI
import LoaController
import Testing

/// The priority rule of Thông tư 39 on its own: every pair of what waits and what plays, every order.
@Suite("Pre-emption rule")
struct PreemptionRuleTests {
    /// What waits cuts what plays, by (waiting priority, waiting queued with --now, playing priority), for a
    /// waiting item queued after the one that plays. The rule of the README, written out case by case.
    static let cutsNewer: [Priority: [Bool: [Priority: Bool]]] = [
        .normal: [
            false: [.normal: false, .priority: false, .emergency: false],
            true: [.normal: false, .priority: false, .emergency: false],
        ],
        .priority: [
            false: [.normal: false, .priority: false, .emergency: false],
            true: [.normal: true, .priority: false, .emergency: false],
        ],
        .emergency: [
            false: [.normal: true, .priority: true, .emergency: true],
            true: [.normal: true, .priority: true, .emergency: true],
        ],
    ]

    @Test(arguments: Priority.allCases, Priority.allCases)
    func whatWaitsCutsWhatPlays(waiting: Priority, playing: Priority) {
        for immediate in [false, true] {
            for playingImmediate in [false, true] {
                let current = Contender(item: 10, priority: playing, immediate: playingImmediate, plannedAt: 1_000)
                let newer = Contender(item: 11, priority: waiting, immediate: immediate, plannedAt: 2_000)
                let expected = Self.cutsNewer[waiting]![immediate]![playing]!
                #expect(PreemptionRule.cuts(newer, into: current) == expected)
                #expect(PreemptionRule.starts(newer, whilePlaying: current) == expected)
                // An item queued before the one that plays (it was cut, or waited for its planned time) cuts it
                // by the same rule, except that only a newer emergency cuts an emergency.
                let older = Contender(item: 9, priority: waiting, immediate: immediate, plannedAt: 0)
                let olderExpected = waiting == .emergency && playing == .emergency ? false : expected
                #expect(PreemptionRule.cuts(older, into: current) == olderExpected)
            }
        }
    }

    @Test(arguments: Priority.allCases)
    func anythingStartsInASilentZone(waiting: Priority) {
        #expect(PreemptionRule.starts(Contender(item: 1, priority: waiting), whilePlaying: nil))
    }

    @Test func emergencyThenPriorityThenNormalThenPlannedTimeThenQueueOrder() {
        let items = [
            Contender(item: 1, priority: .normal, plannedAt: 100),
            Contender(item: 2, priority: .normal, plannedAt: 50),
            Contender(item: 3, priority: .priority, plannedAt: 300),
            Contender(item: 4, priority: .emergency, plannedAt: 400),
            Contender(item: 5, priority: .priority, immediate: true, plannedAt: 300),
            Contender(item: 6, priority: .normal, plannedAt: 50),
            Contender(item: 7, priority: .emergency, plannedAt: 10),
        ]
        // Every order the items could come in gives the one play order.
        for rotation in 0..<items.count {
            let shuffled = Array(items[rotation...] + items[..<rotation]).reversed()
            #expect(shuffled.sorted(by: PreemptionRule.playsBefore).map(\.item) == [7, 4, 3, 5, 2, 6, 1])
        }
        for first in items {
            #expect(!PreemptionRule.playsBefore(first, first))
            for second in items where second != first {
                #expect(PreemptionRule.playsBefore(first, second) != PreemptionRule.playsBefore(second, first))
            }
        }
    }

    @Test func aCutItemResumesWhereItWasCutOrRestarts() {
        #expect(PreemptionRule.resumeFrame(cutAt: 1_234, policy: .resume) == 1_234)
        #expect(PreemptionRule.resumeFrame(cutAt: 1_234, policy: .restart) == 0)
        #expect(PreemptionRule.resumeFrame(cutAt: 0, policy: .resume) == 0)
    }
}
