import Foundation
import Testing

@testable import LoaController

/// Phát thanh's "when": in turn, or at a day and time of the commune (the browser's date-and-time field), repeated.
@Suite("Phát thanh airing times")
struct BroadcastTimesTests {
    let hanoi = LocalTime(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)
    /// 2026-12-04 12:00 in Hà Nội.
    let now: Int64 = 1_796_360_400_000

    @Test func emptyMeansInTurnAndRepeatsFollowFromNow() throws {
        #expect(try BroadcastTimes.instants(at: "", repeats: nil, every: nil, localTime: hanoi, now: now) == [nil])
        #expect(
            try BroadcastTimes.instants(at: nil, repeats: "3", every: "30", localTime: hanoi, now: now) == [
                nil, now + 1_800_000, now + 3_600_000,
            ])
    }

    @Test func aDayAndTimeIsCommuneTimeRepeatedEveryInterval() throws {
        // 17:00 in Hà Nội is 10:00 UTC.
        let first = try #require(ISO8601DateFormatter().date(from: "2026-12-05T10:00:00Z")).timeIntervalSince1970
        let times = try BroadcastTimes.instants(
            at: "2026-12-05T17:00", repeats: "3", every: "60", localTime: hanoi, now: now)
        #expect(times == [0, 1, 2].map { Int64(first * 1000) + $0 * 3_600_000 })
        let daily = try BroadcastTimes.instants(
            at: "2026-12-05T06:30", repeats: "2", every: "1440", localTime: hanoi, now: now)
        #expect(daily.compactMap { $0 }.map { hanoi.text($0) } == ["2026-12-05 06:30:00", "2026-12-06 06:30:00"])
    }

    @Test func wrongChoicesAreRefusedWithTheirWords() {
        let cases: [(String?, String?, String?, BroadcastTimes.Problem)] = [
            ("05/12/2026 17:00", nil, nil, .badAt), ("2026-12-05T25:00", nil, nil, .badAt),
            ("2026-02-30T08:00", nil, nil, .badAt), ("2026-12-04T11:00", nil, nil, .atPassed),
            ("2026-12-05T17:00", "49", "60", .badRepeat), ("2026-12-05T17:00", "0", "60", .badRepeat),
            ("2026-12-05T17:00", "2", "0", .badEvery),
        ]
        for (at, repeats, every, problem) in cases {
            #expect(throws: problem) {
                try BroadcastTimes.instants(at: at, repeats: repeats, every: every, localTime: hanoi, now: now)
            }
            #expect(DashboardText.catalogue[problem.rawValue] != nil, "no words for \(problem)")
        }
    }
}
