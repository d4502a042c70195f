import LoaController
import Testing

/// `frame-ms:` sets every zone's Opus frame (the low-latency profile is 10); anything else is refused naming
/// the line.
@Suite("Frame length setting")
struct FrameLengthSettingTests {
    let zonesText = "zones:\n  - name: a\n    group: 239.255.79.61:5004\n  - name: b\n    group: 239.255.79.62:5004\n"

    @Test func twentyByDefaultAndTenWhenAsked() throws {
        #expect(
            try ControllerConfiguration.parse(zonesText, path: "c.yaml").zones.map(\.encoder.frameMilliseconds) == [
                20, 20,
            ])
        let fast = try ControllerConfiguration.parse("frame-ms: 10\n" + zonesText, path: "c.yaml")
        #expect(fast.zones.map(\.encoder.frameMilliseconds) == [10, 10])
        #expect(
            try ControllerConfiguration.parse("frame-ms: 10\n", path: "c.yaml").zones.map(\.encoder.frameMilliseconds)
                == [10])
    }

    @Test func otherLengthsAreRefusedNamingTheLine() {
        for bad in ["15", "0", "fast"] {
            #expect {
                _ = try ControllerConfiguration.parse(zonesText + "frame-ms: \(bad)\n", path: "c.yaml")
            } throws: { error in
                (error as? ConfigurationError)?.message.hasPrefix("c.yaml:6: 'frame-ms' must be 10, 20, 40 or 60")
                    == true
            }
        }
    }
}
