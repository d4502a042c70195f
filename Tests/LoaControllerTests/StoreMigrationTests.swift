import Foundation
import GRDB
import Logging
import Testing

@testable import LoaController

/// A database written by a controller before the lists became tables (schema v2: an item's zones and a slot's
/// zones, times, weekdays and clips comma-separated in one column) is migrated in place, and every row reads
/// back the same through the programme's store.
@Suite("Store migration")
struct StoreMigrationTests {
    @Test func commaSeparatedListsBecomeRowsAndReadBackTheSame() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loa-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("loa.sqlite").path

        let old = try Store.opened(path: path, upTo: "v2: security")
        try await old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO clip (id, title, frameCount, frameMilliseconds, createdAt) VALUES
                      (1, 'ban-tin.wav', 9000, 20, 1000), (2, 'nhac-hieu.wav', 1000, 20, 1001);
                    INSERT INTO item (id, clipId, title, priority, rank, immediate, onInterrupt, zones, queuedAt,
                                      plannedAt, source, slotKey, frameCount, frameMilliseconds) VALUES
                      (7, 1, 'ban-tin.wav', 'priority', 1, 1, 'restart', 'thon-tay,thon-dong', 2000, 2500, 'queue',
                       NULL, 9000, 20),
                      (8, 2, 'nhac-hieu.wav', 'normal', 0, 0, 'resume', 'thon-dong', 3000, 3000, 'schedule: sang',
                       'slot:sang@2026-12-01T330#0', 1000, 20);
                    INSERT INTO airing (id, itemId, zone, state, resumeFrame, positionFrame) VALUES
                      (1, 7, 'thon-tay', 'pending', 0, 0), (2, 7, 'thon-dong', 'completed', 0, 9000),
                      (3, 8, 'thon-dong', 'pending', 120, 130);
                    INSERT INTO playlog (itemId, zone, title, priority, plannedAt, startedAt, endedAt, outcome, reason,
                                         fromFrame, toFrame, frameMilliseconds) VALUES
                      (7, 'thon-dong', 'ban-tin.wav', 'priority', 2500, 2600, 182600, 'completed', NULL, 0, 9000, 20);
                    INSERT INTO slot (id, name, zones, times, weekdays, fromDate, untilDate, clipIds) VALUES
                      (4, 'sang', 'thon-dong,thon-tay', '330,1020', '1,2,3,4,5', '2026-12-01', NULL, '2,9,1');
                    INSERT INTO meta (key, value) VALUES ('scanWall', '3000'), ('lastAlive', '3100');
                    """)
        }
        try old.close()

        let store = try Store(path: path)
        let item = try #require(try store.item(7))
        #expect(item.zones == ["thon-tay", "thon-dong"])
        #expect(item.priority == .priority && item.immediate && item.onInterrupt == .restart)
        #expect(item.plannedAt == 2500 && item.frameCount == 9000 && item.clipId == 1)
        #expect(try store.item(8)?.zones == ["thon-dong"])
        #expect(try store.item(8)?.slotKey == "slot:sang@2026-12-01T330#0")
        #expect(try store.airings(ofItem: 7).map(\.zone) == ["thon-tay", "thon-dong"])
        #expect(try store.airings(ofItem: 8).map(\.resumeFrame) == [120])
        let schedule = try store.schedule()
        #expect(schedule.scannedTo == 3000)
        let slot = try #require(schedule.slots.first)
        #expect(schedule.slots.count == 1)
        #expect(slot.id == 4 && slot.name == "sang")
        #expect(slot.zones == ["thon-dong", "thon-tay"])
        #expect(slot.times == [330, 1020])
        #expect(slot.weekdays == [1, 2, 3, 4, 5])
        #expect(slot.clipIds == [2, 1])  // in the order they play; clip 9 was never stored
        #expect(slot.fromDate == "2026-12-01" && slot.untilDate == nil)
        #expect(try store.log(since: 0, zone: "thon-dong").map(\.toFrame) == [9000])
        #expect(try store.completedCount() == 1)

        // The programme runs on the migrated database: the waiting airings are in the queue of their zones.
        let zones = ProgrammeWeekTests().zones
        let clock = ManualClock(10_000)
        let programme = Programme(
            zones: zones, localTime: ProgrammeWeekTests().local, store: store,
            clips: try ClipLibrary(directory: directory.appendingPathComponent("clips"), zones: zones),
            air: SimulatedAir(clock: clock), clock: clock, logger: Logger(label: "test"))
        #expect(try await programme.item(7)?.0.zones == ["thon-tay", "thon-dong"])
        let queued = try await programme.status().map { ($0.name, $0.queued.map(\.id)) }
        #expect(queued.map(\.0) == ["thon-dong", "thon-tay"])
        #expect(queued.map(\.1) == [[8], [7]])
    }
}
