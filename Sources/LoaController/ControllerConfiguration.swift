import Foundation
import LoaCodec
import LoaControlAPI
import LoaSource
import LoaSystem
import Yams

/// The controller's configuration file (YAML). Every key is optional; see README "Configuration".
///
/// ```yaml
/// zones:
///   - name: thon-dong          # letters, digits, - and _
///     group: 239.255.77.2:5004 # multicast ADDR:PORT, one per zone
///     interface: eth0          # name or address of the interface to send on
///     ttl: 1                   # 0 = this host only
///     bitrate: 32000           # Opus bits per second
///     expected-loss: 10        # percent, sizes the in-band FEC
///     playout-delay-ms: 150    # send to DAC on every box; larger for 4G (300–500)
///     playout-delay-max-ms: 400  # optional: the delay rises to this when boxes' packets come late
/// ```
/// Without a `zones` list the controller has the single built-in zone `all`. `frame-ms:` (top level; 10, 20, 40
/// or 60, default 20) sets every zone's Opus frame length: 10, with receivers' `jitter-ms` 20, is the
/// low-latency profile.
public struct ControllerConfiguration: Sendable {
    public var zones: [Zone]
    /// Heartbeats, alerts and commands to receivers (the `fleet:` section).
    public var fleet = FleetConfiguration()
    /// How typed notices are read aloud (the `speech:` section).
    public var speech = SpeechConfiguration()
    /// Sizes and rates a request or a source may take (the `limits:` section).
    public var limits = RequestLimits()
    /// The programme loudness every clip and text is stored at (the `loudness:` section); nil (`loudness: off`):
    /// each at its own level.
    public var loudness: LoudnessTarget? = LoudnessTarget()
    /// Distinct operators who must sign an emergency start (`emergency-signatures:`, 1 or 2; default 1).
    public var emergencySignatures = 1
    /// The commune's time zone for schedules and reports (`timezone:`, default Asia/Ho_Chi_Minh).
    public var timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
    /// HTTPS for the control API (`tls:`); nil serves plain HTTP, on a loopback address only.
    public var tls: TLSSetting?
    /// The live inputs (`inputs:`), by name: `loa live --input NAME`.
    public var inputs: [LiveInput] = []
    /// The sound file a live broadcast of each priority starts with (`chimes:`).
    public var chimes: [Priority: String] = [:]
    /// The emergencies the dashboard's Khẩn cấp page offers (`emergency-presets:`), each started by a command
    /// signed in the browser.
    public var emergencyPresets: [EmergencyPresetSetting] = []
    /// `approval: on`: what an account with the broadcaster role queues waits until an approver (or admin)
    /// releases it (default off).
    public var requireApproval = false

    public init(zones: [Zone] = [Zone.builtIn]) { self.zones = zones }

    /// Reads and checks a configuration file. Throws a `ConfigurationError` naming the file and the problem.
    public static func load(path: String) throws(ConfigurationError) -> ControllerConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(path: path, problem: "cannot read the file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(path: path, problem: "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses configuration text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> ControllerConfiguration {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(path: path, problem: "not valid YAML: \(error)")
        }
        guard let root, let mapping = root.mapping else {
            if root == nil { return ControllerConfiguration() }
            throw ConfigurationError(path: path, problem: "the top level must be a mapping such as 'zones:'")
        }
        var timeZone = ControllerConfiguration().timeZone
        if let node = mapping["timezone"] {
            guard let name = node.string, let zone = TimeZone(identifier: name) else {
                throw ConfigurationError(
                    path: path, line: node.mark?.line,
                    problem: "unknown time zone '\(node.string ?? "")'; use a name such as Asia/Ho_Chi_Minh")
            }
            timeZone = zone
        }
        var emergencySignatures = 1
        if let node = mapping["emergency-signatures"] {
            guard let value = node.int, (1...2).contains(value) else {
                throw ConfigurationError(
                    path: path, line: node.mark?.line, problem: "'emergency-signatures' must be 1 or 2")
            }
            emergencySignatures = value
        }
        var frameMilliseconds = EncoderSettings().frameMilliseconds
        if let node = mapping["frame-ms"] {
            guard let value = node.int, [10, 20, 40, 60].contains(value) else {
                throw ConfigurationError(
                    path: path, line: node.mark?.line,
                    problem:
                        "'frame-ms' must be 10, 20, 40 or 60 (10 with receivers' jitter-ms 20 is the low-latency profile)"
                )
            }
            frameMilliseconds = value
        }
        let tls = try mapping["tls"].map { node throws(ConfigurationError) in try parseTLS(node, path: path) }
        for key in mapping.keys
        where ![
            "zones", "fleet", "speech", "limits", "loudness", "timezone", "emergency-signatures", "frame-ms", "tls",
            "inputs", "chimes", "emergency-presets", "approval",
        ]
        .contains(
            key.string ?? "")
        {
            throw ConfigurationError(path: path, line: key.mark?.line, problem: "unknown key '\(key.string ?? "?")'")
        }
        let fleet = try mapping["fleet"].map { node throws(ConfigurationError) in
            try FleetConfiguration.parse(node, path: path)
        }
        let speech = try mapping["speech"].map { node throws(ConfigurationError) in
            try SpeechConfiguration.parse(node, path: path)
        }
        let limits = try mapping["limits"].map { node throws(ConfigurationError) in
            try RequestLimits.parse(node, path: path)
        }
        let loudness =
            try mapping["loudness"].map { node throws(ConfigurationError) in
                try LoudnessConfiguration.parse(node, path: path)
            } ?? LoudnessTarget()
        let inputs =
            try mapping["inputs"].map { node throws(ConfigurationError) in
                try InputConfiguration.parse(node, path: path)
            }
            ?? []
        let chimes =
            try mapping["chimes"].map { node throws(ConfigurationError) in
                try ChimeConfiguration.parse(node, path: path)
            }
            ?? [:]
        let presets =
            try mapping["emergency-presets"].map { node throws(ConfigurationError) in
                try EmergencyPresetConfiguration.parse(node, path: path)
            } ?? []
        var requireApproval = false
        if let node = mapping["approval"] {
            guard let value = node.bool else {
                throw ConfigurationError(path: path, at: node, "'approval' must be on or off")
            }
            requireApproval = value
        }
        guard let zonesNode = mapping["zones"] else {
            var configuration = ControllerConfiguration()
            configuration.zones[0].encoder.frameMilliseconds = frameMilliseconds
            configuration.fleet = fleet ?? FleetConfiguration()
            configuration.speech = speech ?? SpeechConfiguration()
            configuration.limits = limits ?? RequestLimits()
            configuration.loudness = loudness
            configuration.timeZone = timeZone
            configuration.emergencySignatures = emergencySignatures
            configuration.tls = tls
            configuration.inputs = inputs
            configuration.chimes = chimes
            configuration.emergencyPresets = try presets.checked(zones: configuration.zones, path: path)
            configuration.requireApproval = requireApproval
            return configuration
        }
        guard let list = zonesNode.sequence, !list.isEmpty else {
            throw ConfigurationError(path: path, line: zonesNode.mark?.line, problem: "'zones' must be a list of zones")
        }
        var zones: [Zone] = []
        for node in list {
            let zone = try ZoneParser(path: path, node: node).parse()
            if zones.contains(where: { $0.name == zone.name }) {
                throw ConfigurationError(
                    path: path, line: node.mark?.line, problem: "zone '\(zone.name)' is defined twice")
            }
            if let other = zones.first(where: { $0.group == zone.group }) {
                throw ConfigurationError(
                    path: path, line: node.mark?.line,
                    problem:
                        "zones '\(other.name)' and '\(zone.name)' share the group \(zone.group.text); give each zone its own"
                )
            }
            zones.append(zone)
        }
        if zones.count > 1, let reserved = zones.first(where: { $0.name == "all" }) {
            throw ConfigurationError(
                path: path,
                problem: "zone name '\(reserved.name)' is reserved for every zone together; rename that zone")
        }
        for index in zones.indices { zones[index].encoder.frameMilliseconds = frameMilliseconds }
        var configuration = ControllerConfiguration(zones: zones)
        configuration.fleet = fleet ?? FleetConfiguration()
        configuration.speech = speech ?? SpeechConfiguration()
        configuration.limits = limits ?? RequestLimits()
        configuration.loudness = loudness
        configuration.timeZone = timeZone
        configuration.emergencySignatures = emergencySignatures
        configuration.tls = tls
        configuration.inputs = inputs
        configuration.chimes = chimes
        configuration.emergencyPresets = try presets.checked(zones: zones, path: path)
        configuration.requireApproval = requireApproval
        return configuration
    }

    /// `tls: auto`, or `tls: {certificate: FILE, key: FILE}`.
    private static func parseTLS(_ node: Node, path: String) throws(ConfigurationError) -> TLSSetting {
        if node.string == "auto" { return .automatic }
        guard let mapping = node.mapping, let certificate = mapping["certificate"]?.string,
            let key = mapping["key"]?.string, mapping.count == 2
        else {
            throw ConfigurationError(
                path: path, line: node.mark?.line,
                problem: "'tls' must be 'auto' or a mapping with 'certificate: FILE' and 'key: FILE' (PEM)")
        }
        return .files(certificate: certificate, key: key)
    }
}

/// A problem in the configuration file, with the file and line where it is.
public struct ConfigurationError: Error, Sendable {
    public var path: String
    public var line: Int?
    public var problem: String

    public init(path: String, line: Int? = nil, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    /// "zones.yaml:4: group '1.2.3.4:5004' is not a multicast address".
    public var message: String { path + (line.map { ":\($0)" } ?? "") + ": " + problem }
}

/// Reads one zone mapping.
private struct ZoneParser {
    let path: String
    let node: Node

    func parse() throws(ConfigurationError) -> Zone {
        guard let mapping = node.mapping else {
            throw fail(node, "each zone must be a mapping with 'name:' and 'group:'")
        }
        let known: Set<String> = [
            "name", "group", "interface", "ttl", "bitrate", "expected-loss", "payload-type", "playout-delay-ms",
            "playout-delay-max-ms",
        ]
        for key in mapping.keys where !known.contains(key.string ?? "") {
            throw fail(
                key, "unknown zone key '\(key.string ?? "?")'; known keys: \(known.sorted().joined(separator: ", "))")
        }
        guard let nameNode = mapping["name"], let name = nameNode.string else {
            throw fail(node, "a zone needs a 'name'")
        }
        guard Zone.isValidName(name) else {
            throw fail(nameNode, "zone name '\(name)' may only use letters, digits, '-' and '_'")
        }
        guard let groupNode = mapping["group"], let groupText = groupNode.string else {
            throw fail(node, "zone '\(name)' needs a 'group' such as 239.255.77.2:5004")
        }
        guard let group = SocketAddress(groupText), group.address.isMulticast else {
            throw fail(groupNode, "group '\(groupText)' is not a multicast ADDR:PORT (224.0.0.0–239.255.255.255)")
        }
        var zone = Zone(name: name, group: group, interface: "127.0.0.1", ttl: 1)
        if let node = mapping["interface"] {
            guard let text = node.string, !text.isEmpty else {
                throw fail(node, "'interface' must be a name or address")
            }
            zone.interface = text
        }
        zone.ttl = try integer(mapping["ttl"], "ttl", in: 0...255) ?? zone.ttl
        zone.encoder.bitrate = try integer(mapping["bitrate"], "bitrate", in: 6000...510_000) ?? zone.encoder.bitrate
        zone.encoder.expectedLossPercent =
            try integer(mapping["expected-loss"], "expected-loss", in: 0...100) ?? zone.encoder.expectedLossPercent
        zone.payloadType = UInt8(try integer(mapping["payload-type"], "payload-type", in: 96...127) ?? 111)
        zone.playoutDelayMilliseconds =
            try integer(mapping["playout-delay-ms"], "playout-delay-ms", in: 20...2000) ?? zone.playoutDelayMilliseconds
        if let node = mapping["playout-delay-max-ms"],
            let ceiling = try integer(node, "playout-delay-max-ms", in: 20...2000)
        {
            guard ceiling >= zone.playoutDelayMilliseconds else {
                throw fail(
                    node,
                    "zone '\(zone.name)': playout-delay-max-ms \(ceiling) is below its playout-delay-ms "
                        + "\(zone.playoutDelayMilliseconds); set it higher, or leave it out for a fixed delay")
            }
            zone.playoutDelayCeilingMilliseconds = ceiling
        }
        return zone
    }

    private func integer(_ node: Node?, _ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let node else { return nil }
        guard let value = node.int, range.contains(value) else {
            throw fail(node, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private func fail(_ node: Node, _ problem: String) -> ConfigurationError {
        ConfigurationError(path: path, line: node.mark?.line, problem: problem)
    }
}
