import LoaController
import LoaSource
import Testing

/// `loudness:` sets the programme loudness (LUFS) and the true-peak ceiling (dBTP) every clip is stored at;
/// `loudness: off` stores clips at their own level; anything wrong is refused naming the line.
@Suite("Loudness settings")
struct LoudnessSettingTests {
    @Test func theSectionSetsTheTarget() throws {
        let set = try ControllerConfiguration.parse("loudness:\n  target: -23\n  true-peak: -2.5\n", path: "c.yaml")
        #expect(set.loudness?.integrated == -23 && set.loudness?.truePeak == -2.5)
        let plain = try ControllerConfiguration.parse("frame-ms: 20\n", path: "c.yaml")
        #expect(plain.loudness == LoudnessTarget(integrated: -16, truePeak: -1))
        let withZones = try ControllerConfiguration.parse(
            "loudness:\n  target: -18\nzones:\n  - name: a\n    group: 239.255.77.9:5004\n", path: "c.yaml")
        #expect(withZones.loudness?.integrated == -18 && withZones.loudness?.truePeak == -1)
        #expect(try ControllerConfiguration.parse("loudness: off\n", path: "c.yaml").loudness == nil)
    }

    @Test func wrongSettingsAreRefusedNamingTheLine() {
        let cases = [
            ("loudness:\n  target: 3\n", "c.yaml:2: 'target' must be a number of LUFS from -40 to -5"),
            ("loudness:\n  target: loud\n", "c.yaml:2: 'target' must be a number of LUFS from -40 to -5"),
            ("loudness:\n  true-peak: 1\n", "c.yaml:2: 'true-peak' must be a number of dBTP from -12 to 0"),
            ("loudness:\n  lufs: -16\n", "c.yaml:2: unknown loudness key 'lufs'"),
            ("loudness: -16\n", "c.yaml:1: 'loudness' must be a mapping"),
        ]
        for (text, prefix) in cases {
            #expect {
                _ = try ControllerConfiguration.parse(text, path: "c.yaml")
            } throws: { error in
                ((error as? ConfigurationError)?.message ?? "").hasPrefix(prefix)
            }
        }
    }
}

/// `inputs:` names the controller's live inputs (`loa live --input NAME`): an ALSA capture device, its channels and
/// its rate; anything wrong is refused naming the line.
@Suite("Live input settings")
struct InputSettingTests {
    @Test func theSectionNamesTheInputs() throws {
        let set = try ControllerConfiguration.parse(
            "inputs:\n  mic:\n    device: hw:1,0\n  radio:\n    device: plughw:2\n    channels: 2\n    rate: 44100\n"
                + "    max-minutes: 240\n",
            path: "c.yaml")
        #expect(
            set.inputs == [
                LiveInput(name: "mic", device: "hw:1,0"),
                LiveInput(name: "radio", device: "plughw:2", channels: 2, rate: 44_100, maximumMinutes: 240),
            ])
        #expect(set.inputs[0].maximumMinutes == 60, "a microphone left open is ended after an hour by default")
        #expect(try ControllerConfiguration.parse("frame-ms: 20\n", path: "c.yaml").inputs.isEmpty)
    }

    @Test func wrongSettingsAreRefusedNamingTheLine() {
        let cases = [
            ("inputs: mic\n", "c.yaml:1: 'inputs' must be a mapping of names to inputs"),
            ("inputs:\n  mic:\n    channels: 1\n", "c.yaml:3: input 'mic' needs 'device: …'"),
            (
                "inputs:\n  mic:\n    device: hw:1\n    channels: 6\n",
                "c.yaml:4: input 'mic': 'channels' must be 1 or 2"
            ),
            (
                "inputs:\n  mic:\n    device: hw:1\n    rate: 4000\n",
                "c.yaml:4: input 'mic': 'rate' must be 8000 to 192000"
            ),
            (
                "inputs:\n  mic:\n    device: hw:1\n    max-minutes: 0\n",
                "c.yaml:4: input 'mic': 'max-minutes' must be 1 to 720"
            ),
            ("inputs:\n  mic:\n    device: hw:1\n    gain: 3\n", "c.yaml:4: input 'mic': unknown key 'gain'"),
            ("inputs:\n  mic phone:\n    device: hw:1\n", "c.yaml:2: input name 'mic phone' must be 1 to 32 letters"),
        ]
        for (text, prefix) in cases {
            #expect {
                _ = try ControllerConfiguration.parse(text, path: "c.yaml")
            } throws: { error in
                ((error as? ConfigurationError)?.message ?? "").hasPrefix(prefix)
            }
        }
    }
}

/// `chimes:` names the sound a live broadcast of each priority starts with; an emergency has none (it is not live).
@Suite("Chime settings")
struct ChimeSettingTests {
    @Test func theSectionNamesAFilePerPriority() throws {
        let set = try ControllerConfiguration.parse("chimes:\n  normal: a.wav\n  priority: b.wav\n", path: "c.yaml")
        #expect(set.chimes == [.normal: "a.wav", .priority: "b.wav"])
    }

    @Test func wrongSettingsAreRefusedNamingTheLine() {
        let cases = [
            ("chimes: a.wav\n", "c.yaml:1: 'chimes' must be a mapping"),
            ("chimes:\n  emergency: a.wav\n", "c.yaml:2: unknown chime 'emergency'"),
            ("chimes:\n  normal: [a, b]\n", "c.yaml:2: chime 'normal' must be a sound file's path"),
        ]
        for (text, prefix) in cases {
            #expect {
                _ = try ControllerConfiguration.parse(text, path: "c.yaml")
            } throws: { error in
                ((error as? ConfigurationError)?.message ?? "").hasPrefix(prefix)
            }
        }
    }
}
