import LoaController
import Testing

/// A zone's `playout-delay-ms:` (issue 13): 150 by default, larger for boxes on 4G; out of 20 to 2000 it is
/// refused naming the line.
@Suite("Playout delay setting")
struct PlayoutDelaySettingTests {
    @Test func oneHundredFiftyByDefaultAndWhatTheZoneSays() throws {
        let text = """
            zones:
              - name: lan
                group: 239.255.79.71:5004
              - name: tu-4g
                group: 239.255.79.72:5004
                playout-delay-ms: 400
            """
        let zones = try ControllerConfiguration.parse(text, path: "c.yaml").zones
        #expect(zones.map(\.playoutDelayMilliseconds) == [150, 400])
        #expect(try ControllerConfiguration.parse("", path: "c.yaml").zones.map(\.playoutDelayMilliseconds) == [150])
    }

    @Test func outOfRangeIsRefusedNamingTheLine() {
        for bad in ["10", "5000", "slow"] {
            #expect {
                _ = try ControllerConfiguration.parse(
                    "zones:\n  - name: a\n    group: 239.255.79.71:5004\n    playout-delay-ms: \(bad)\n", path: "c.yaml"
                )
            } throws: { error in
                (error as? ConfigurationError)?.message.hasPrefix(
                    "c.yaml:4: 'playout-delay-ms' must be a whole number from 20 to 2000") == true
            }
        }
    }
}
