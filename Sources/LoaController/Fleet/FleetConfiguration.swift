import Foundation
import LoaSystem
import Yams

/// The `fleet:` section of the controller's configuration file. Every key is optional:
///
/// ```yaml
/// fleet:
///   heartbeat-port: 8750            # UDP port for heartbeats on the --listen host (default 8750; never the API's)
///   heartbeats: 0.0.0.0:8750        # or a whole UDP HOST:PORT for heartbeats (instead of heartbeat-port; it
///                                   # also wins over --heartbeat-port)
///   alert-command: /usr/local/bin/notify-commune   # run with the alert's JSON on stdin and in $LOA_ALERT
///   alert-webhook: http://127.0.0.1:9000/alerts    # POSTed the alert's JSON
///   alert-timeout: 10               # seconds an alert command may run before it is stopped
///   loss-percent: 5                 # loss above this …
///   underruns: 1                    # … or this many underruns per heartbeat …
///   sustained: 3                    # … in this many heartbeats in a row is an alert
///   command-attempts: 5             # sends of a command before it is reported failed
///   command-retry-ms: 1000          # between sends
///   sync-alert-ms: 5                # a box that may play further than this from the commune's timeline
///   unicast-box-kbps: 256           # unicast sent to one box at most (kbit/s; docs/delivery.md)
///   unicast-total-mbps: 100         # unicast sent to all boxes together at most (Mbit/s)
///   unicast-boxes: 2000             # boxes that may hear by unicast at once
/// ```
public struct FleetConfiguration: Sendable {
    /// The UDP port boxes send heartbeats to unless `heartbeat-port` or `--heartbeat-port` says another: its own
    /// setting, whatever port the control API has.
    public static let defaultHeartbeatPort = 8750
    /// UDP HOST:PORT for heartbeats (`heartbeats:`); nil: the `--listen` host and `heartbeatPort`.
    public var heartbeatAddress: String?
    /// The heartbeat port on the `--listen` host (`heartbeat-port:`, `--heartbeat-port`); 0 takes a free one.
    public var heartbeatPort = defaultHeartbeatPort
    public var alertCommand: String?
    public var alertWebhook: URL?
    public var alertTimeoutSeconds = 10
    public var lossPercent = 5.0
    public var underrunsPerHeartbeat = 1
    public var sustainedHeartbeats = 3
    public var commandAttempts = 5
    public var commandRetryMilliseconds = 1000
    /// A box whose heartbeat says it may play further than this (ms) from the commune's timeline (its clock's
    /// uncertainty plus its playout's error, issue 13) raises `sync`; `sync-cleared` below half of it.
    public var syncAlertMilliseconds = 5
    /// The caps on unicast delivery (`unicast-box-kbps`, `unicast-total-mbps`, `unicast-boxes`).
    public var unicast = UnicastLimits()

    public init() {}

    static let keys = [
        "heartbeats", "heartbeat-port", "alert-command", "alert-webhook", "alert-timeout", "loss-percent", "underruns",
        "sustained",
        "command-attempts",
        "command-retry-ms", "sync-alert-ms", "unicast-box-kbps", "unicast-total-mbps", "unicast-boxes",
    ]

    /// Reads the `fleet:` mapping; `path` names the file in errors.
    static func parse(_ node: Node, path: String) throws(ConfigurationError) -> FleetConfiguration {
        func fail(_ node: Node, _ problem: String) -> ConfigurationError {
            ConfigurationError(path: path, line: node.mark?.line, problem: problem)
        }
        guard let mapping = node.mapping else {
            throw fail(node, "'fleet' must be a mapping such as 'alert-command: …'")
        }
        var result = FleetConfiguration()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "?"
            func integer(_ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
                guard let number = value.int, range.contains(number) else {
                    throw fail(value, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
            switch key {
            case "heartbeats":
                guard let text = value.string, SocketAddress(text) != nil else {
                    throw fail(value, "'heartbeats' must be an IPv4 ADDR:PORT such as 127.0.0.1:8750")
                }
                result.heartbeatAddress = text
            case "heartbeat-port": result.heartbeatPort = try integer(0...65535)
            case "alert-command":
                guard let text = value.string, !text.isEmpty else {
                    throw fail(value, "'alert-command' must be a command")
                }
                result.alertCommand = text
            case "alert-webhook":
                guard let text = value.string, let url = URL(string: text),
                    url.scheme == "http" || url.scheme == "https",
                    url.host != nil
                else { throw fail(value, "'alert-webhook' must be an http(s) URL") }
                result.alertWebhook = url
            case "loss-percent":
                guard let number = value.float, (0...100).contains(number) else {
                    throw fail(value, "'loss-percent' must be a number from 0 to 100")
                }
                result.lossPercent = number
            case "alert-timeout": result.alertTimeoutSeconds = try integer(1...3600)
            case "underruns": result.underrunsPerHeartbeat = try integer(1...100_000)
            case "sustained": result.sustainedHeartbeats = try integer(1...1000)
            case "command-attempts": result.commandAttempts = try integer(1...100)
            case "command-retry-ms": result.commandRetryMilliseconds = try integer(50...60_000)
            case "sync-alert-ms": result.syncAlertMilliseconds = try integer(1...10_000)
            case "unicast-box-kbps": result.unicast.boxBytesPerSecond = try integer(8...100_000) * 125
            case "unicast-total-mbps": result.unicast.totalBytesPerSecond = try integer(1...10_000) * 125_000
            case "unicast-boxes": result.unicast.maximumBoxes = try integer(0...100_000)
            default:
                throw fail(keyNode, "unknown fleet key '\(key)'; known keys: \(keys.joined(separator: ", "))")
            }
        }
        if result.heartbeatAddress != nil, mapping["heartbeat-port"] != nil {
            throw fail(node, "give either 'heartbeats' (HOST:PORT) or 'heartbeat-port', not both")
        }
        return result
    }
}
