import LoaCrypto
import LoaWire

/// Seals a stream's RTP packets with a stream key (see `PacketSeal`): the one sealer the controller, the tests
/// and the benchmarks use, and the counterpart of `PacketVerifier`.
///
/// One sealer per stream, used by one thread. Each packet gets the next index of this sealer's epoch.
/// Sealing allocates nothing.
public final class PacketSealer {
    private let key: SigningKeyPair
    /// The id of the stream key (its first 4 bytes), as packets name it.
    public let keyID: UInt32
    /// A number for this run of this stream: a receiver that sees a new epoch starts its replay window anew.
    public let epoch: UInt32
    /// The zone and commune the packets are for: signed with each packet (see `PacketAudience`).
    public let audience: PacketAudience
    /// The key of the packets' stream tags (nil: tags are zero, and boxes treat the packets as untagged).
    public let tagKey: StreamTagKey?
    private var index: UInt64 = 0
    private let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 1600, alignment: 8)

    /// A sealer for `key` and the packets of `audience`, tagging them with `tagKey` if given; `epoch` defaults to a
    /// random number (the controller's choice for every run).
    public init(
        key: SigningKeyPair, audience: PacketAudience, tagKey: StreamTagKey? = nil,
        epoch: UInt32 = SecureRandom.uint32()
    ) {
        self.key = key
        self.audience = audience
        self.tagKey = tagKey
        keyID = KeyList.keyID(key.publicKey)
        self.epoch = epoch
    }

    deinit { message.deallocate() }

    /// Writes `header` + seal + `payload` into `packet`, tags it and signs header, seal (tag included) and payload
    /// (see `PacketSeal`), with the next index of this epoch. `sendTime` is Unix milliseconds; `emergency` and `live` set the seal's flags;
    /// `item` and `frame` say which stored clip's frame `payload` is (item 0: none).
    /// Returns the packet's length, or 0 (and uses no index) if `packet` is too small.
    public func seal(
        header: RTPHeader, payload: UnsafeRawBufferPointer, sendTime: Int64, emergency: Bool = false,
        live: Bool = false, item: UInt32 = 0, frame: UInt32 = 0, into packet: UnsafeMutableRawBufferPointer
    ) -> Int {
        let length = seal(
            header: header, payload: payload, index: index + 1, sendTime: sendTime, emergency: emergency, live: live,
            item: item, frame: frame, into: packet)
        if length > 0 { index += 1 }
        return length
    }

    /// `seal`, at the index `index` of this epoch (the counter is left alone): for tests and tools that
    /// make a packet again, as a replay would.
    public func seal(
        header: RTPHeader, payload: UnsafeRawBufferPointer, index: UInt64, sendTime: Int64, emergency: Bool = false,
        live: Bool = false, item: UInt32 = 0, frame: UInt32 = 0, into packet: UnsafeMutableRawBufferPointer
    ) -> Int {
        let seal = PacketSeal(
            keyID: keyID, epoch: epoch, index: index, sendTime: UInt64(truncatingIfNeeded: sendTime),
            flags: (emergency ? PacketSeal.emergencyFlag : 0) | (live ? PacketSeal.liveFlag : 0), item: item,
            frame: frame)
        let (length, signature) = seal.write(header: header, payload: payload, into: packet)
        guard length > 0 else { return 0 }
        if let tagKey {
            let tagged = PacketSeal.taggedBytes(packet: UnsafeRawBufferPointer(packet), length: length, into: message)
            guard tagged > 0 else { return 0 }
            let tag = tagKey.tag(UnsafeRawBufferPointer(rebasing: message[0..<tagged]))
            packet.storeBytes(of: tag, toByteOffset: PacketSeal.tag.lowerBound, as: UInt64.self)
        }
        let messageLength = PacketSeal.signedMessage(
            packet: UnsafeRawBufferPointer(packet), payload: (RTPHeader.fixedSize + PacketSeal.overhead)..<length,
            audience: audience, into: message)
        guard messageLength > 0 else { return 0 }
        key.sign(
            UnsafeRawBufferPointer(rebasing: message[0..<messageLength]),
            into: UnsafeMutableRawBufferPointer(rebasing: packet[signature]))
        return length
    }
}
