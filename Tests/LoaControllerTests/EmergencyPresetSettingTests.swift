import LoaController
import Testing

/// `emergency-presets:` names the emergencies the dashboard's Khẩn cấp page offers: a clip on the server and the
/// zones it goes to, each zone one of the configuration's.
@Suite("Emergency preset settings")
struct EmergencyPresetSettingTests {
    @Test func aPresetHasAClipZonesAndATitle() throws {
        let text = """
            zones:
              - {name: thon-dong, group: "239.255.9.1:5004"}
              - {name: thon-tay, group: "239.255.9.2:5004"}
            emergency-presets:
              bao-lu: {clip: /srv/loa/lu.mp3, zones: [thon-dong, thon-tay], title: "Cảnh báo lũ"}
              chay: {clip: /srv/loa/chay.wav}
            """
        let set = try ControllerConfiguration.parse(text, path: "c.yaml")
        #expect(
            set.emergencyPresets == [
                EmergencyPresetSetting(
                    name: "bao-lu", clip: "/srv/loa/lu.mp3", zones: ["thon-dong", "thon-tay"], title: "Cảnh báo lũ"),
                EmergencyPresetSetting(name: "chay", clip: "/srv/loa/chay.wav", zones: ["all"], title: "chay"),
            ])
    }

    @Test func wrongPresetsAreRefusedNamingTheLine() {
        let cases = [
            ("emergency-presets: bao-lu\n", "c.yaml:1: 'emergency-presets' must be a mapping"),
            ("emergency-presets:\n  bão lũ: {clip: /a.wav}\n", "c.yaml:2: emergency preset name 'bão lũ' must be"),
            ("emergency-presets:\n  bao-lu: {zones: all}\n", "c.yaml:2: emergency preset 'bao-lu' has no 'clip:'"),
            ("emergency-presets:\n  bao-lu: {clip: lu.wav}\n", "c.yaml:2: emergency preset 'bao-lu': 'clip' must be"),
            ("emergency-presets:\n  bao-lu: {clip: /lu.wav, key: a.key}\n", "c.yaml:2: unknown key 'key'"),
            (
                "emergency-presets:\n  bao-lu: {clip: /lu.wav, zones: thon-bac}\n",
                "c.yaml: emergency preset 'bao-lu' names the zone 'thon-bac', which is not in 'zones' (all)"
            ),
        ]
        for (text, prefix) in cases {
            #expect {
                _ = try ControllerConfiguration.parse(text, path: "c.yaml")
            } throws: { error in
                let message = (error as? ConfigurationError)?.message ?? ""
                return message.hasPrefix(prefix)
            }
        }
    }
}
