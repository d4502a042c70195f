import LoaSource
import Yams

/// The `loudness:` section of the controller's configuration file: the programme loudness every clip and text is
/// stored at. Both keys are optional; `loudness: off` stores every clip at its own level:
///
/// ```yaml
/// loudness:
///   target: -16      # integrated loudness, LUFS (EBU R128), -40 to -5; default -16
///   true-peak: -1    # the highest true peak, dBTP, -12 to 0; default -1 (peaks above it are limited)
/// ```
enum LoudnessConfiguration {
    /// The target the section sets, or nil for `off`.
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> LoudnessTarget? {
        if node.string == "off" { return nil }
        guard let mapping = node.mapping else {
            throw ConfigurationError(
                path: path, at: node, "'loudness' must be a mapping such as 'target: -16', or off")
        }
        var target = LoudnessTarget()
        for (keyNode, value) in mapping {
            switch keyNode.string ?? "?" {
            case "target": target.integrated = try decibels(value, "target", unit: "LUFS", in: -40...(-5), path: path)
            case "true-peak":
                target.truePeak = try decibels(value, "true-peak", unit: "dBTP", in: -12...0, path: path)
            default:
                throw ConfigurationError(
                    path: path, at: keyNode,
                    "unknown loudness key '\(keyNode.string ?? "?")'; known keys: target, true-peak")
            }
        }
        return target
    }

    private static func decibels(
        _ node: Node, _ key: String, unit: String, in range: ClosedRange<Double>, path: String
    ) throws(ConfigurationError) -> Double {
        guard let value = node.float, range.contains(value) else {
            throw ConfigurationError(
                path: path, at: node,
                "'\(key)' must be a number of \(unit) from \(Int(range.lowerBound)) to \(Int(range.upperBound)), such as \(key == "target" ? "-16" : "-1")"
            )
        }
        return value
    }
}
