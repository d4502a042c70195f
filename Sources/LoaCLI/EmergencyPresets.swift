import Foundation
import Yams

/// An emergency the chairman can start under stress without typing paths: a name for a warning clip, the zones it
/// goes to, and (if the office wants) the key file to sign with. `loa emergency start bao-lu --key …`.
struct EmergencyPreset: Equatable, Sendable {
    var name: String
    /// The warning's sound file (a relative path is read from the presets file's folder).
    var clip: String
    var zones: String
    /// Key files signed with when `--key` is not given.
    var keys: [String]
}

/// The office's presets, in `LOA_PRESETS`, else `$XDG_CONFIG_HOME/loa/presets.yaml` (else `~/.config/loa/…`):
///
/// ```yaml
/// bao-lu:                            # loa emergency start bao-lu
///   clip: /srv/loa/canh-bao-lu.mp3
///   zones: all                       # default all
///   key: /home/chu-tich/chu-tich.key # optional; a list for two operators
/// ```
/// The presets stay on the office's computer: the controller never holds what an emergency is started with, and the
/// command is signed here as for `--clip`.
enum EmergencyPresets {
    /// Where the presets are read from.
    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["LOA_PRESETS"], !path.isEmpty { return path }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.config"
        return config + "/loa/presets.yaml"
    }

    /// The presets in the file at `path`; none if there is no file. Throws one line naming the file and the line.
    static func load(path: String) throws(CLIError) -> [EmergencyPreset] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw CLIError(.presetsUnreadable, path, 1, Message.presetsNotText.text()) }
        return try parse(text, path: path)
    }

    /// The presets in `text`; `path` names the file in errors and is where relative clip paths start.
    static func parse(_ text: String, path: String) throws(CLIError) -> [EmergencyPreset] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CLIError(.presetsUnreadable, path, 1, Message.presetsNotYAML.text())
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw CLIError(.presetsUnreadable, path, root.mark?.line ?? 1, Message.presetsNotMapping.text())
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var presets: [EmergencyPreset] = []
        for (nameNode, value) in mapping {
            let line = nameNode.mark?.line ?? 1
            guard let name = nameNode.string, !name.isEmpty, let fields = value.mapping else {
                throw CLIError(.presetsUnreadable, path, line, Message.presetsNotMapping.text())
            }
            var preset = EmergencyPreset(name: name, clip: "", zones: "all", keys: [])
            for (keyNode, field) in fields {
                let at = field.mark?.line ?? line
                switch keyNode.string ?? "" {
                case "clip":
                    guard let clip = field.string, !clip.isEmpty else {
                        throw CLIError(.presetsUnreadable, path, at, Message.presetBadField.text(name, "clip"))
                    }
                    preset.clip = clip.hasPrefix("/") ? clip : folder.appendingPathComponent(clip).path
                case "zones":
                    guard let zones = field.string ?? field.sequence?.compactMap(\.string).joined(separator: ","),
                        !zones.isEmpty
                    else { throw CLIError(.presetsUnreadable, path, at, Message.presetBadField.text(name, "zones")) }
                    preset.zones = zones
                case "key":
                    let keys = field.string.map { [$0] } ?? field.sequence?.compactMap(\.string) ?? []
                    guard !keys.isEmpty else {
                        throw CLIError(.presetsUnreadable, path, at, Message.presetBadField.text(name, "key"))
                    }
                    preset.keys = keys.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).path }
                default:
                    throw CLIError(
                        .presetsUnreadable, path, keyNode.mark?.line ?? line,
                        Message.presetUnknownField.text(name, keyNode.string ?? "?"))
                }
            }
            guard !preset.clip.isEmpty else {
                throw CLIError(.presetsUnreadable, path, line, Message.presetBadField.text(name, "clip"))
            }
            presets.append(preset)
        }
        return presets
    }

    /// The preset called `name` in the file at `path`, or the line saying which there are.
    static func named(_ name: String, path: String) throws(CLIError) -> EmergencyPreset {
        let presets = try load(path: path)
        guard let preset = presets.first(where: { $0.name == name }) else {
            if presets.isEmpty { throw CLIError(.noPresets, name, path) }
            throw CLIError(.noSuchPreset, name, presets.map(\.name).joined(separator: ", "), path)
        }
        return preset
    }
}
