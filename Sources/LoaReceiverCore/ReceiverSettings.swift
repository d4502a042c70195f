import LoaSystem
import LoaWire

/// Everything a receiver needs to know: which stream, through which interface, to which device.
public struct ReceiverSettings: Sendable {
    /// The zone's name, for log lines and (later) heartbeats.
    public var zone: String
    /// The zone's multicast group and port.
    public var group: SocketAddress
    /// The interface to join on, by name ("eth0") or address; "127.0.0.1" or "lo" for this host only.
    public var interface: String
    /// The ALSA PCM device to play to.
    public var device: String
    /// The device's buffer (`device-buffer-ms`, 10–1000): each sample is handed to the sound card about this long
    /// before the DAC plays it, so a zone's playout delay must cover it. 60 ms rides out a busy board; a box in a
    /// low-latency zone (live talk, 20 ms playout delay) needs about 20.
    public var deviceBufferMilliseconds = 60
    /// Jitter buffer and stream settings.
    public var playout: PlayoutSettings
    /// Seconds between statistics lines in the log (0: only at exit).
    public var statisticsIntervalSeconds: Int
    /// The controller's heartbeat address ("HOST:PORT" or a URL; the port is the controller's heartbeat port,
    /// UDP 8750 by default, not its HTTP API's): heartbeats go there unless `heartbeatTo` says otherwise. Nil: no
    /// heartbeats.
    public var controller: String?
    /// Where heartbeats go when not to `controller`'s own address ("HOST:PORT").
    public var heartbeatTo: String?
    /// Seconds between heartbeats.
    public var heartbeatIntervalSeconds = 5
    /// How the box hears its zone: multicast, unicast from the controller (behind a NAT), or auto (`DeliveryChoice`).
    public var delivery = Delivery.auto
    /// Seconds between heartbeats at most while the box hears by unicast: they keep the carrier's NAT mapping open
    /// (carriers may drop one after 30 s of silence).
    public var keepaliveSeconds = 15
    /// Redundancy for a bursty link: while hearing by unicast, ask for each packet again this many packets later
    /// (1–7; 0, the default: never). Costs the link twice the audio; a burst shorter than it loses nothing.
    public var redundancy = 0
    /// The most the clips delivered ahead of their airtime may take on the box's storage (`cache-mb`, issue 15).
    public var cacheMegabytes = 64
    /// The average rate clips are fetched at ahead of their airtime (`fetch-kbps`), so that a download never
    /// competes with live audio on a 4G link.
    public var fetchKilobitsPerSecond = 64
    /// Seconds without a word from the controller (a time answer, an answer to a recent heartbeat, a new command, a
    /// packet of the stream) after which it counts as out of reach, and the box plays the slots of its zone's
    /// timetable on its own from its copies (`offline-after`, issue 15 point 4).
    public var offlineAfterSeconds = 9
    /// How old (hours) the zone's timetable may be and still be played from offline (`offline-freshness-hours`):
    /// a box that cannot confirm it is current stops playing it.
    public var offlineFreshnessHours = 24
    /// The box's own state: identity key, epoch, volume (see `ReceiverIdentity`).
    public var stateDirectory = "/var/lib/loa"
    /// The controller's public key (base64, or the path of a `.pub` file holding it); without it the first
    /// controller to welcome the box is trusted from then on.
    public var controllerKey: String?

    /// The volume (percent) while an emergency is on the air; the box is unmuted for it.
    public var emergencyVolume = 100

    /// A box within earshot of the office: silent while a live input is on the air (`loa live`), so that whoever
    /// speaks never hears their own delayed voice.
    public var nearOffice = false

    /// How far (seconds, 1–60) a packet's signed send time may lie from the trusted clock, either way, for
    /// the packet to be played: a recording replayed later than this is refused.
    public var freshnessSeconds = 5

    /// The commune root public key (base64 file): the receiver's trust anchor. Default `STATE/root.pub`.
    public var trust: String?

    /// The trust anchor's path.
    public var trustFile: String { trust ?? stateDirectory + "/root.pub" }

    /// Where heartbeats go, if anywhere.
    public var heartbeatTarget: String? { heartbeatTo ?? controller }

    public init(
        zone: String = "all", group: SocketAddress, interface: String, device: String,
        playout: PlayoutSettings = PlayoutSettings(), statisticsIntervalSeconds: Int = 60, controller: String? = nil
    ) {
        self.zone = zone
        self.group = group
        self.interface = interface
        self.device = device
        self.playout = playout
        self.statisticsIntervalSeconds = statisticsIntervalSeconds
        self.controller = controller
    }

    /// Zone 'all' on 239.255.77.1:5004 through 127.0.0.1 (this host only), to ALSA's "default".
    public static var defaults: ReceiverSettings {
        ReceiverSettings(
            group: SocketAddress(address: IPv4Address(0xEFFF_4D01), port: 5004), interface: "127.0.0.1",
            device: "default")
    }

    /// The setting names: the keys of a config file, and (with "--" before them) the flags.
    public static let keys = [
        "zone", "group", "interface", "device", "jitter-ms", "jitter-max-ms", "payload-type", "stats-interval",
        "controller",
        "heartbeat-to", "heartbeat-interval", "state-dir", "controller-key", "trust", "emergency-volume",
        "freshness-seconds", "output-delay-ms", "delay-ms", "delivery", "keepalive", "redundancy", "near-office",
        "device-buffer-ms", "cache-mb", "fetch-kbps", "offline-after", "offline-freshness-hours",
    ]

    /// Sets the setting named `key` (one of `keys`) from its text.
    ///
    /// Throws, leaving the settings unchanged, if the key is unknown or the value is not valid for it; the
    /// error's problem reads after the key, as in "group 'x' is not a multicast ADDR:PORT …".
    public mutating func set(_ key: String, to value: String) throws(SettingError) {
        guard !value.isEmpty else { throw SettingError(key + " has no value") }
        switch key {
        case "zone": zone = value
        case "group":
            guard let group = SocketAddress(value), group.address.isMulticast else {
                throw SettingError("group '" + value + "' is not a multicast ADDR:PORT such as 239.255.77.1:5004")
            }
            self.group = group
        case "interface": interface = value
        case "device": device = value
        case "device-buffer-ms": deviceBufferMilliseconds = try Self.number(key, value, in: 10...1000)
        case "jitter-ms": playout.jitterMilliseconds = try Self.number(key, value, in: 0...2000)
        case "jitter-max-ms": playout.jitterCeilingMilliseconds = try Self.number(key, value, in: 0...2000)
        case "payload-type": playout.payloadType = UInt8(try Self.number(key, value, in: 96...127))
        case "stats-interval": statisticsIntervalSeconds = try Self.number(key, value, in: 0...86400)
        case "controller": controller = value
        case "heartbeat-to":
            guard value.utf8.contains(UInt8(ascii: ":")) else {
                throw SettingError("heartbeat-to '" + value + "' must be HOST:PORT")
            }
            heartbeatTo = value
        case "heartbeat-interval": heartbeatIntervalSeconds = try Self.number(key, value, in: 1...3600)
        case "state-dir": stateDirectory = value
        case "controller-key": controllerKey = value
        case "trust": trust = value
        case "emergency-volume": emergencyVolume = try Self.number(key, value, in: 1...100)
        case "freshness-seconds": freshnessSeconds = try Self.number(key, value, in: 1...60)
        case "output-delay-ms": playout.outputDelayMilliseconds = try Self.number(key, value, in: 0...1000)
        case "delay-ms": playout.acousticDelayMilliseconds = try Self.number(key, value, in: 0...1000)
        case "cache-mb": cacheMegabytes = try Self.number(key, value, in: 1...65536)
        case "fetch-kbps": fetchKilobitsPerSecond = try Self.number(key, value, in: 8...100_000)
        case "offline-after": offlineAfterSeconds = try Self.number(key, value, in: 3...3600)
        case "offline-freshness-hours": offlineFreshnessHours = try Self.number(key, value, in: 1...168)
        case "delivery":
            guard let mode = Delivery(name: value) else {
                throw SettingError("delivery '" + value + "' must be multicast, unicast or auto")
            }
            delivery = mode
        case "keepalive": keepaliveSeconds = try Self.number(key, value, in: 1...3600)
        case "redundancy": redundancy = try Self.number(key, value, in: 0...7)
        case "near-office":
            switch value {
            case "yes", "true", "1": nearOffice = true
            case "no", "false", "0": nearOffice = false
            default: throw SettingError("near-office '" + value + "' must be yes or no")
            }
        default:
            var known = ""
            for name in Self.keys { known += (known.isEmpty ? "" : ", ") + name }
            throw SettingError("unknown setting '" + key + "' (known: " + known + ")")
        }
    }

    private static func number(_ key: String, _ text: String, in range: ClosedRange<Int>) throws(SettingError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw SettingError(
                key + " '" + text + "' must be a whole number from " + String(range.lowerBound) + " to "
                    + String(range.upperBound))
        }
        return value
    }
}

/// A setting that could not be set: the problem, in words that start with the setting's name.
public struct SettingError: Error, Sendable {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
}
