import Yams

/// The `limits:` section of the controller's configuration file: how much one request, one source or the
/// fleet's waiting room may take. Every key is optional:
///
/// ```yaml
/// limits:
///   upload-mib: 1024          # largest clip upload or emergency clip, MiB (streamed to disk, never held whole)
///   pending-boxes: 100        # boxes waiting for approval; enrolments of new boxes beyond are dropped
///   trust-per-second: 20      # trust answers per source address and second (a burst of as many)
///   enrolments-per-second: 10 # enrolment signature checks per source address and second
/// ```
public struct RequestLimits: Sendable, Equatable {
    public var uploadBytes: Int64 = 1 << 30
    public var pendingBoxes = 100
    public var trustPerSecond = 20
    public var enrolmentsPerSecond = 10

    public init() {}

    static let keys = ["upload-mib", "pending-boxes", "trust-per-second", "enrolments-per-second"]

    /// Reads the `limits:` mapping; `path` names the file in errors.
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> RequestLimits {
        guard let mapping = node.mapping else {
            throw ConfigurationError(path: path, at: node, "'limits' must be a mapping such as 'upload-mib: 1024'")
        }
        var result = RequestLimits()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "?"
            switch key {
            case "upload-mib": result.uploadBytes = Int64(try value.wholeNumber(key, in: 1...4096, path: path)) << 20
            case "pending-boxes": result.pendingBoxes = try value.wholeNumber(key, in: 1...100_000, path: path)
            case "trust-per-second": result.trustPerSecond = try value.wholeNumber(key, in: 1...10_000, path: path)
            case "enrolments-per-second":
                result.enrolmentsPerSecond = try value.wholeNumber(key, in: 1...10_000, path: path)
            default:
                throw ConfigurationError(
                    path: path, at: keyNode, "unknown limits key '\(key)'; known keys: \(keys.joined(separator: ", "))")
            }
        }
        return result
    }
}
