import LoaControlAPI
import Yams

/// One live input of the controller: a sound card input the office speaks or plays into (`loa live`).
public struct LiveInput: Sendable, Equatable {
    /// The name `loa live --input` uses: letters, digits, '-' and '_'.
    public var name: String
    /// The ALSA capture device (`arecord -L` lists them), e.g. `hw:1,0` or `default`.
    public var device: String
    public var channels: Int
    /// The device's sample rate, Hz; resampled to 48 kHz.
    public var rate: Int
    /// The longest a broadcast from this input stays on the air, minutes: a microphone left open is ended then.
    public var maximumMinutes: Int

    public init(name: String, device: String, channels: Int = 1, rate: Int = 48_000, maximumMinutes: Int = 60) {
        self.name = name
        self.device = device
        self.channels = channels
        self.rate = rate
        self.maximumMinutes = maximumMinutes
    }
}

/// The `inputs:` section of the controller's configuration file: the live inputs, by name.
///
/// ```yaml
/// inputs:
///   mic:                 # the name for 'loa live --input mic'
///     device: hw:1,0     # ALSA capture device (arecord -L lists them)
///     channels: 1        # 1 or 2 (mixed to mono); default 1
///     rate: 48000        # Hz, 8000 to 192000; default 48000
///     max-minutes: 60    # a broadcast is ended after this long, 1 to 720; default 60
/// ```
enum InputConfiguration {
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> [LiveInput] {
        guard let mapping = node.mapping else {
            throw ConfigurationError(
                path: path, at: node, "'inputs' must be a mapping of names to inputs, such as 'mic: {device: hw:1,0}'")
        }
        var inputs: [LiveInput] = []
        for (nameNode, value) in mapping {
            let name = nameNode.string ?? ""
            guard isPlainName(name, maximum: 32) else {
                throw ConfigurationError(
                    path: path, at: nameNode,
                    "input name '\(name.prefix(40))' must be 1 to 32 letters, digits, '-' or '_', such as 'mic'")
            }
            guard let fields = value.mapping else {
                throw ConfigurationError(
                    path: path, at: value, "input '\(name)' must be a mapping such as 'device: hw:1,0'")
            }
            var input = LiveInput(name: name, device: "")
            for (keyNode, field) in fields {
                switch keyNode.string ?? "?" {
                case "device":
                    guard let device = field.string, !device.isEmpty else {
                        throw ConfigurationError(
                            path: path, at: field, "input '\(name)': 'device' must name an ALSA capture device")
                    }
                    input.device = device
                case "channels":
                    guard let channels = field.int, (1...2).contains(channels) else {
                        throw ConfigurationError(path: path, at: field, "input '\(name)': 'channels' must be 1 or 2")
                    }
                    input.channels = channels
                case "rate":
                    guard let rate = field.int, (8_000...192_000).contains(rate) else {
                        throw ConfigurationError(
                            path: path, at: field, "input '\(name)': 'rate' must be 8000 to 192000 Hz, such as 48000")
                    }
                    input.rate = rate
                case "max-minutes":
                    guard let minutes = field.int, (1...720).contains(minutes) else {
                        throw ConfigurationError(
                            path: path, at: field, "input '\(name)': 'max-minutes' must be 1 to 720, such as 60")
                    }
                    input.maximumMinutes = minutes
                default:
                    throw ConfigurationError(
                        path: path, at: keyNode,
                        "input '\(name)': unknown key '\(keyNode.string ?? "?")'; known keys: device, channels, rate, max-minutes"
                    )
                }
            }
            guard !input.device.isEmpty else {
                throw ConfigurationError(
                    path: path, at: value, "input '\(name)' needs 'device: …' (an ALSA capture device)")
            }
            inputs.append(input)
        }
        return inputs
    }
}

/// The `chimes:` section: the sound a live broadcast of each priority starts with, while its input warms up (the
/// CLI says "speak now" when it has played).
///
/// ```yaml
/// chimes:
///   normal: /etc/loa/chime.wav        # any sound file Loa reads; stored at the programme loudness
///   priority: /etc/loa/chime-uu-tien.wav
/// ```
enum ChimeConfiguration {
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> [Priority: String] {
        guard let mapping = node.mapping else {
            throw ConfigurationError(
                path: path, at: node, "'chimes' must be a mapping such as 'normal: /etc/loa/chime.wav'")
        }
        var chimes: [Priority: String] = [:]
        for (keyNode, value) in mapping {
            guard let priority = Priority(rawValue: keyNode.string ?? ""), priority != .emergency else {
                throw ConfigurationError(
                    path: path, at: keyNode,
                    "unknown chime '\(keyNode.string ?? "?")'; chimes are 'normal' and 'priority' (an emergency is not live)"
                )
            }
            guard let file = value.string, !file.isEmpty else {
                throw ConfigurationError(
                    path: path, at: value, "chime '\(priority.rawValue)' must be a sound file's path")
            }
            chimes[priority] = file
        }
        return chimes
    }
}
