import LoaCodec
import LoaControlAPI
import LoaSystem
import LoaWire

/// A zone: a group of hamlet receivers that hear one stream. Each zone has its own multicast group.
public struct Zone: Sendable, Equatable {
    /// A short name used on the command line: letters, digits, '-' and '_'.
    public var name: String
    /// The multicast group and port the zone's stream goes to.
    public var group: SocketAddress
    /// The interface the stream leaves by, by name or address.
    public var interface: String
    /// Hops the multicast may cross: 0 keeps it on this host, 1 on the local network segment.
    public var ttl: Int
    /// Opus settings for clips queued to this zone.
    public var encoder: EncoderSettings
    /// The RTP payload type (dynamic, 96–127).
    public var payloadType: UInt8
    /// How long after a packet is sent its first sample leaves every box's DAC (issue 13, `docs/sync.md`): the
    /// margin for the network's delay and jitter, the same for every box of the zone. 150 ms suits a LAN; boxes
    /// on 4G need more (300–500 ms).
    public var playoutDelayMilliseconds: Int = Zone.defaultPlayoutDelayMilliseconds
    /// The most the playout delay may rise to when boxes' packets come late (`playout-delay-max-ms`, issue 14); nil:
    /// the delay stays at `playoutDelayMilliseconds`. See `PlayoutDelayRule`.
    public var playoutDelayCeilingMilliseconds: Int?

    /// How the zone's playout delay adapts.
    public var playoutDelayRule: PlayoutDelayRule {
        PlayoutDelayRule(
            floor: playoutDelayMilliseconds, ceiling: playoutDelayCeilingMilliseconds ?? playoutDelayMilliseconds)
    }

    public static let defaultPlayoutDelayMilliseconds = 150

    public init(
        name: String, group: SocketAddress, interface: String, ttl: Int, encoder: EncoderSettings = EncoderSettings(),
        payloadType: UInt8 = 111
    ) {
        self.name = name
        self.group = group
        self.interface = interface
        self.ttl = ttl
        self.encoder = encoder
        self.payloadType = payloadType
    }

    /// The zone a controller has with no configuration: every receiver, on this host only until configured.
    public static let builtIn = Zone(
        name: "all", group: SocketAddress(address: IPv4Address(0xEFFF_4D01), port: 5004), interface: "127.0.0.1",
        ttl: 0)

    /// The group as fleet messages carry it: what boxes of this zone must report, and are sent when placed in it.
    public var streamGroup: StreamGroup { StreamGroup(address: group.address.value, port: group.port) }

    /// True if `name` is usable as a zone name.
    public static func isValidName(_ name: String) -> Bool { TypedName.isValid(name) }
}
