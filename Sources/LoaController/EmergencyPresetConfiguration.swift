import Foundation
import Yams

/// An emergency the office starts from the dashboard's Khẩn cấp page without typing anything but choosing a key
/// file: a name, a warning clip on the commune server and the zones it goes to (`emergency-presets:`).
///
/// ```yaml
/// emergency-presets:
///   bao-lu:                              # letters, digits, - and _
///     clip: /srv/loa/canh-bao-lu.mp3     # a sound file on the controller
///     zones: all                         # or a list: [thon-dong, thon-tay]
///     title: "Cảnh báo lũ"               # optional; default the name
/// ```
/// A preset gives no authority: the command that starts it is signed in the browser with an operator's key file,
/// over the SHA-256 of this clip, and checked by the `EmergencyDesk` like every other.
public struct EmergencyPresetSetting: Equatable, Sendable {
    public var name: String
    public var clip: String
    public var zones: [String]
    public var title: String

    public init(name: String, clip: String, zones: [String], title: String) {
        (self.name, self.clip, self.zones, self.title) = (name, clip, zones, title)
    }
}

enum EmergencyPresetConfiguration {
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> [EmergencyPresetSetting] {
        guard let mapping = node.mapping else {
            throw ConfigurationError(
                path: path, at: node, "'emergency-presets' must be a mapping such as 'bao-lu: {clip: FILE, zones: all}'"
            )
        }
        var presets: [EmergencyPresetSetting] = []
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            guard isPlainName(name, maximum: 64) else {
                throw ConfigurationError(
                    path: path, at: keyNode,
                    "emergency preset name '\(name.prefix(64))' must be letters, digits, - and _ (e.g. bao-lu)")
            }
            guard let fields = value.mapping else {
                throw ConfigurationError(
                    path: path, at: value, "emergency preset '\(name)' must have 'clip:' and 'zones:'")
            }
            var preset = EmergencyPresetSetting(name: name, clip: "", zones: ["all"], title: name)
            for (field, item) in fields {
                switch field.string ?? "" {
                case "clip":
                    guard let clip = item.string, clip.hasPrefix("/") else {
                        throw ConfigurationError(
                            path: path, at: item, "emergency preset '\(name)': 'clip' must be a sound file's full path")
                    }
                    preset.clip = clip
                case "zones":
                    let zones =
                        item.string.map { $0.split(separator: ",").map(String.init) }
                        ?? item.sequence?.compactMap(\.string) ?? []
                    let trimmed = zones.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    guard !trimmed.isEmpty, trimmed.count <= 32 else {
                        throw ConfigurationError(
                            path: path, at: item, "emergency preset '\(name)': 'zones' must be 'all' or a list of zones"
                        )
                    }
                    preset.zones = trimmed
                case "title":
                    guard let title = item.string, !title.isEmpty, title.count <= 200 else {
                        throw ConfigurationError(
                            path: path, at: item,
                            "emergency preset '\(name)': 'title' must be text (at most 200 characters)")
                    }
                    preset.title = title
                default:
                    throw ConfigurationError(
                        path: path, at: field,
                        "unknown key '\(field.string ?? "?")' in emergency preset '\(name)' (clip, zones, title)")
                }
            }
            guard !preset.clip.isEmpty else {
                throw ConfigurationError(path: path, at: keyNode, "emergency preset '\(name)' has no 'clip:'")
            }
            presets.append(preset)
        }
        return presets
    }
}

extension [EmergencyPresetSetting] {
    /// The presets, if each names only `all` or zones of `zones`; else the first that does not.
    func checked(zones: [Zone], path: String) throws(ConfigurationError) -> Self {
        for preset in self {
            for zone in preset.zones where zone != "all" && !zones.contains(where: { $0.name == zone }) {
                throw ConfigurationError(
                    path: path,
                    problem:
                        "emergency preset '\(preset.name)' names the zone '\(zone)', which is not in 'zones' (\(zones.map(\.name).joined(separator: ", ")))"
                )
            }
        }
        return self
    }
}
