import Foundation
import LoaControlAPI
import LoaController
import LoaSchedule
import LoaSystem
import Testing

/// The commune's time zone: Asia/Ho_Chi_Minh unless the configuration says `timezone:`, and the programme airs
/// slots at that zone's local time.
@Suite("Time zone setting")
struct TimeZoneSettingTests {
    let zone = Zone(name: "thon-dong", group: SocketAddress("239.255.79.11:5004")!, interface: "127.0.0.1", ttl: 0)
    let zonesText = "zones:\n  - name: thon-dong\n    group: 239.255.79.11:5004\n"

    /// Unix ms of `hour`:00 UTC on `date`, computed without any time zone library.
    func utc(_ date: LocalDate, _ hour: Int) -> Int64 { Int64(date.dayNumber) * 86_400_000 + Int64(hour) * 3_600_000 }

    @Test func asiaHoChiMinhByDefault() throws {
        #expect(ControllerConfiguration().timeZone.identifier == "Asia/Ho_Chi_Minh")
        #expect(
            try ControllerConfiguration.parse(zonesText, path: "controller.yaml").timeZone.identifier
                == "Asia/Ho_Chi_Minh")
        #expect(
            try ControllerConfiguration.parse("", path: "controller.yaml").timeZone.identifier == "Asia/Ho_Chi_Minh")
    }

    @Test func aConfiguredTimeZoneIsHonoured() throws {
        let bangkok = try ControllerConfiguration.parse("timezone: Asia/Bangkok\n" + zonesText, path: "controller.yaml")
        #expect(bangkok.timeZone.identifier == "Asia/Bangkok")
        #expect(bangkok.zones.map(\.name) == ["thon-dong"])
        let tokyo = try ControllerConfiguration.parse(zonesText + "timezone: Asia/Tokyo\n", path: "controller.yaml")
        #expect(tokyo.timeZone.identifier == "Asia/Tokyo")
    }

    @Test func anUnknownTimeZoneIsRefusedNamingTheLine() {
        // "Asia/Hanoi" is a natural guess, but not a tz database name.
        #expect(TimeZone(identifier: "Asia/Hanoi") == nil)
        #expect {
            _ = try ControllerConfiguration.parse(
                zonesText + "timezone: Asia/Hanoi\n", path: "/etc/loa/controller.yaml")
        } throws: { error in
            (error as? ConfigurationError)?.message
                == "/etc/loa/controller.yaml:4: unknown time zone 'Asia/Hanoi'; use a name such as Asia/Ho_Chi_Minh"
        }
    }

    /// A daily 06:00 slot, applied on a programme built the way the controller builds it from `configuration`;
    /// returns the planned times of what the programme materialised while the clock ran from 20:00 UTC on
    /// 1 December to 00:00 UTC on 2 December.
    func plannedTimes(_ configuration: ControllerConfiguration) async throws -> [Int64] {
        let start = utc(LocalDate(year: 2026, month: 12, day: 1), 20)
        let world = try ProgrammeWeekTests.World(
            zones: [zone], local: LocalTime(timeZone: configuration.timeZone), start: start)
        try await world.programme.start()
        let clip = try await world.programme.storeClip(silentClip(seconds: 60), title: "ban-tin-sang.wav")
        try await world.programme.applySchedule([
            SlotInput(
                name: "Bản tin sáng", zones: ["thon-dong"], times: [6 * 60], weekdays: Array(1...7), from: nil,
                until: nil,
                clipIds: [clip.id])
        ])
        try await world.run(until: start + 4 * 3_600_000)
        return try await world.programme.log(since: 0, zone: nil).map(\.plannedAt)
    }

    @Test func aSlotAirsAtLocalTimeOfTheConfiguredZone() async throws {
        let december1 = LocalDate(year: 2026, month: 12, day: 1)
        // 06:00 on 2 December in Việt Nam (UTC+7) is 23:00 UTC on 1 December.
        let vietnam = try ControllerConfiguration.parse(zonesText, path: "controller.yaml")
        #expect(try await plannedTimes(vietnam) == [utc(december1, 23)])
        // The same schedule with `timezone: Asia/Tokyo` (UTC+9) airs at 21:00 UTC.
        let tokyo = try ControllerConfiguration.parse("timezone: Asia/Tokyo\n" + zonesText, path: "controller.yaml")
        #expect(try await plannedTimes(tokyo) == [utc(december1, 21)])
    }
}
