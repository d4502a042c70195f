import Foundation
import LoaCrypto
import LoaTrust
import LoaWire
import Testing

@testable import LoaController

/// Issue 15, point 4: each zone's timetable as its boxes get it: the items planned ahead with their instants and
/// priorities and those cancelled before they aired, signed by the stream key; issued afresh when it changes or
/// grows old, and sent only to a box that holds another.
@Suite("Zone timetables")
struct ZoneTimetablesTests {
    let week = ProgrammeWeekTests()

    @Test func theTimetableListsWhatIsPlannedAheadAndWhatWasCancelled() async throws {
        let nine = week.at(1, 9, 0)
        let world = try ProgrammeWeekTests.World(zones: week.zones, local: week.local, start: nine)
        let programme = world.programme
        try await programme.start()
        let clip = try await programme.storeClip(silentClip(seconds: 60), title: "tin.wav")
        let now = try await programme.queue(clip: clip, title: "tin.wav", zones: ["thon-dong"], priority: .normal)
        let ten = try await programme.queue(
            clip: clip, title: "tin-10h.wav", zones: ["thon-dong"], priority: .normal, plannedAt: week.at(1, 10, 0))
        let urgent = try await programme.queue(
            clip: clip, title: "bao-10h.wav", zones: ["thon-dong"], priority: .priority, plannedAt: week.at(1, 10, 0))
        let cancelled = try await programme.queue(
            clip: clip, title: "huy.wav", zones: ["thon-dong"], priority: .normal, plannedAt: week.at(1, 11, 0))
        _ = try await programme.cancel(cancelled.id)
        let nextWeek = try await programme.queue(
            clip: clip, title: "xa.wav", zones: ["thon-dong"], priority: .normal,
            plannedAt: week.at(1, 9, 0) + 8 * 86_400_000)

        let entries = try await programme.boxTimetables()["thon-dong"] ?? []
        // The item on the air now is not in it; at one time the higher priority first; the cancelled one is marked;
        // one more than a week ahead is not yet.
        #expect(
            entries == [
                .init(item: UInt64(urgent.id), airsAt: week.at(1, 10, 0), priority: 1),
                .init(item: UInt64(ten.id), airsAt: week.at(1, 10, 0), priority: 0),
                .init(item: UInt64(cancelled.id), airsAt: week.at(1, 11, 0), priority: 0, cancelled: true),
            ])
        #expect(!entries.contains { $0.item == UInt64(now.id) || $0.item == UInt64(nextWeek.id) })
        #expect(try await programme.boxTimetables()["thon-tay"]?.isEmpty == true)
    }

    @Test func aTimetableIsSignedIssuedAfreshAndSentToABoxThatHoldsAnother() throws {
        let streamKey = SigningKeyPair.generate()
        let east = PacketAudience(group: 0xEFFF_4D02, port: 5004, commune: 77)
        let timetables = ZoneTimetables(audiences: ["dong": east], streamKey: streamKey, reissueMilliseconds: 60_000)
        let entries: [ZoneTimetable.Entry] = [.init(item: 4, airsAt: 2_000_000, priority: 0)]
        timetables.refresh(["dong": entries], delays: ["dong": 150], now: 1_000_000)
        let signed = try #require(timetables.timetable(zone: "dong", holding: nil))
        let first = try StreamKeySignature.open(
            signed, as: ZoneTimetable.self, streamKey: streamKey.publicKey, audience: east)
        #expect(first.entries == entries && first.issuedAt == 1_000_000 && first.playoutDelayMilliseconds == 150)
        // A box that holds it is sent nothing; nor is a zone without a timetable.
        #expect(timetables.timetable(zone: "dong", holding: 1_000_000) == nil)
        #expect(timetables.timetable(zone: "tay", holding: nil) == nil)
        // Unchanged and young: the same one. Changed (a cancellation): a newer one, even within the millisecond.
        timetables.refresh(["dong": entries], delays: ["dong": 150], now: 1_030_000)
        #expect(timetables.current(zone: "dong")?.issuedAt == 1_000_000)
        var cancelled = entries
        cancelled[0].cancelled = true
        timetables.refresh(["dong": cancelled], delays: ["dong": 150], now: 1_000_000)
        let second = try #require(timetables.current(zone: "dong"))
        #expect(second.issuedAt == 1_000_001 && second.entries == cancelled)
        #expect(timetables.timetable(zone: "dong", holding: 1_000_000) != nil)
        // Unchanged but older than the reissue period: issued afresh, so that boxes can confirm it is current.
        timetables.refresh(["dong": cancelled], delays: ["dong": 150], now: 1_100_000)
        #expect(timetables.current(zone: "dong")?.issuedAt == 1_100_000)
    }
}
