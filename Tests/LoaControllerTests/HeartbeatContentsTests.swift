import Foundation
import LoaController
import Testing

/// What a box's heartbeat says reaches `GET /receivers` as it was sent: temperature in °C, loss in percent of
/// what it should have received, its underruns, volume and version.
@Suite("Heartbeat contents")
struct HeartbeatContentsTests {
    @Test func theViewShowsWhatTheHeartbeatSays() throws {
        let world = try SoundCardAlertTests.World()
        world.enrol()
        try world.approve()
        world.box.beat(world.fleet) {
            $0.temperatureMilliCelsius = 48250  // "48250\n" in thermal_zone0/temp
            $0.received = 950
            $0.lost = 50
            $0.underruns = 7
            $0.volume = 70
        }
        let json = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(try world.view())) as? [String: Any])
        #expect(json["temperatureC"] as? Double == 48.25)
        #expect(json["lossPercent"] as? Double == 5)
        #expect(json["underruns"] as? Int == 7)
        #expect(json["volume"] as? Int == 70)
        #expect(json["version"] as? String == "0.5.0")
        #expect(json["state"] as? String == "online")

        world.box.beat(world.fleet) { $0.temperatureMilliCelsius = nil }
        let without = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(try world.view())) as? [String: Any])
        #expect(without["temperatureC"] == nil, "a board without a sensor reports none")
    }
}
