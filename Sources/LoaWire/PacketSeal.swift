/// The authentication every Loa RTP packet carries in an RFC 8285 header extension (two-byte form), so that
/// receivers play only audio the controller sent, and only once, and only fresh; players that know nothing of
/// it (ffmpeg, GStreamer) skip the extension and decode the stream.
///
/// Extension: profile 0x1000 (two-byte headers), one element with id 1 and 105 bytes of data, then one byte
/// of zero padding (27 words in all):
///   key id (UInt32) · stream epoch (UInt32) · index in the epoch (UInt64) · send time (UInt64, Unix ms)
///   · flags (UInt8; bit 0: an emergency is on the air; bit 1: a live input, `loa live`) · item (UInt32) · frame
///   (UInt32) · stream tag (8 bytes) · Ed25519 signature (64 bytes)
/// `item` and `frame` say which programme item's frame the payload is (issue 15), a stored clip or a live input;
/// item 0 for a chime. A box that holds the item's clip (`ClipManifest`) plays its own copy of that frame, and of
/// the frames around it that the network lost; every box counts how it played each item (proof of play).
/// The signature covers the 12-byte fixed RTP header (with the X bit set), the 25 bytes of key id, epoch,
/// index, send time and flags, the stream tag, the packet's audience (`PacketAudience`: zone group, port and
/// commune, signed but not sent) and the payload — everything a replay, a relay or a forgery would want to change.
/// The stream tag is SipHash-2-4, with the controller's stream tag key (`StreamTagKey`), of the datagram without
/// tag and signature (`taggedBytes`: header, extension up to the tag, padding byte and payload); zero when the
/// sealer has no tag key. It is a cheap proof, for boxes that hold the key, that the packet is worth a signature
/// check first (`VerificationBudget`), and never a reason to play a packet.
/// Every packet of an emergency says so, so a receiver that boots in the middle of one knows at once.
public struct PacketSeal: Equatable, Sendable {
    public var keyID: UInt32
    public var epoch: UInt32
    public var index: UInt64
    public var sendTime: UInt64
    public var flags: UInt8
    /// The programme item (a stored clip or a live input) the payload is a frame of; 0 if none (a chime).
    public var item: UInt32
    /// Which frame of that clip (0 when `item` is 0).
    public var frame: UInt32

    /// Bit 0 of `flags`: the packet belongs to an emergency broadcast.
    public static let emergencyFlag: UInt8 = 1

    public init(
        keyID: UInt32, epoch: UInt32, index: UInt64, sendTime: UInt64, flags: UInt8 = 0, item: UInt32 = 0,
        frame: UInt32 = 0
    ) {
        self.keyID = keyID
        self.epoch = epoch
        self.index = index
        self.sendTime = sendTime
        self.flags = flags
        self.item = item
        self.frame = frame
    }

    /// Bit 1 of `flags`: the packet carries a live input as it is spoken (boxes near the office stay silent).
    public static let liveFlag: UInt8 = 2

    /// True if the packet carries a live input.
    public var isLive: Bool { flags & Self.liveFlag != 0 }

    /// True if the packet belongs to an emergency broadcast.
    public var isEmergency: Bool { flags & Self.emergencyFlag != 0 }

    public static let profile: UInt16 = 0x1000
    public static let elementID: UInt8 = 1
    /// Key id, epoch, index, send time, flags, item and frame.
    public static let metadataBytes = 33
    public static let signatureBytes = 64
    public static let tagBytes = 8
    /// Bytes of the extension after its 4-byte header.
    public static let extensionDataBytes = 108
    /// Bytes a seal adds to a packet.
    public static let overhead = 4 + extensionDataBytes
    /// Where the stream tag and the signature lie in a sealed datagram.
    public static let tag =
        (RTPHeader.fixedSize + 6 + metadataBytes)..<(RTPHeader.fixedSize + 6 + metadataBytes + tagBytes)
    public static let signature = tag.upperBound..<(tag.upperBound + signatureBytes)
    /// Bytes of the signed message besides the payload.
    public static let signedPrefixBytes = RTPHeader.fixedSize + metadataBytes + tagBytes + PacketAudience.bytes

    /// Writes `header` (X bit set), the extension with this seal and a zeroed signature, and `payload` into
    /// `packet`. Returns the packet length (0 if `packet` is too small) and where the signature goes (`signature`);
    /// the stream tag (`tag`) is zero.
    public func write(
        header: RTPHeader, payload: UnsafeRawBufferPointer, into packet: UnsafeMutableRawBufferPointer
    ) -> (length: Int, signature: Range<Int>) {
        let start = RTPHeader.fixedSize
        let length = start + Self.overhead + payload.count
        guard packet.count >= length else { return (0, 0..<0) }
        _ = header.write(payload: UnsafeRawBufferPointer(start: nil, count: 0), into: packet)
        packet[0] |= 0x10
        packet.storeBigEndian(Self.profile, at: start)
        packet.storeBigEndian(UInt16(Self.extensionDataBytes / 4), at: start + 2)
        packet[start + 4] = Self.elementID
        packet[start + 5] = UInt8(Self.metadataBytes + Self.signatureBytes + Self.tagBytes)
        writeMetadata(into: packet, at: start + 6)
        for offset in (start + 6 + Self.metadataBytes)..<(start + 4 + Self.extensionDataBytes) { packet[offset] = 0 }
        if payload.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: packet[(start + Self.overhead)..<length]).copyMemory(from: payload)
        }
        return (length, Self.signature)
    }

    /// Copies the bytes the stream tag covers, the first `length` bytes of sealed `packet` without tag and
    /// signature, into `out`. Returns their count, or 0 if `out` is too small or `packet` is shorter than a seal.
    public static func taggedBytes(
        packet: UnsafeRawBufferPointer, length: Int, into out: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = length - tagBytes - signatureBytes
        guard length >= RTPHeader.fixedSize + overhead, length <= packet.count, out.count >= count else { return 0 }
        UnsafeMutableRawBufferPointer(rebasing: out[0..<tag.lowerBound])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[0..<tag.lowerBound]))
        UnsafeMutableRawBufferPointer(rebasing: out[tag.lowerBound..<count])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[signature.upperBound..<length]))
        return count
    }

    /// The stream tag of a sealed datagram, as `StreamTagKey.tag` returns it (memory order).
    public static func readTag(_ datagram: UnsafeRawBufferPointer) -> UInt64 {
        datagram.loadUnaligned(fromByteOffset: tag.lowerBound, as: UInt64.self)
    }

    /// Copies the signed message of a packet written by `write` (or read by `read`) for `audience` into
    /// `message`: fixed header, metadata, stream tag, audience, payload. Returns its length, or 0 if `message` is too small.
    public static func signedMessage(
        packet: UnsafeRawBufferPointer, payload: Range<Int>, audience: PacketAudience,
        into message: UnsafeMutableRawBufferPointer
    ) -> Int {
        let length = signedPrefixBytes + payload.count
        guard message.count >= length, packet.count >= tag.upperBound else { return 0 }
        UnsafeMutableRawBufferPointer(rebasing: message[0..<RTPHeader.fixedSize])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[0..<RTPHeader.fixedSize]))
        let metadata = RTPHeader.fixedSize + 6
        let audienceStart = RTPHeader.fixedSize + metadataBytes + tagBytes
        // Metadata and tag lie together in the packet.
        UnsafeMutableRawBufferPointer(rebasing: message[RTPHeader.fixedSize..<audienceStart])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[metadata..<tag.upperBound]))
        audience.write(into: message, at: audienceStart)
        if !payload.isEmpty {
            UnsafeMutableRawBufferPointer(rebasing: message[signedPrefixBytes..<length])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[payload]))
        }
        return length
    }

    /// Reads the seal of a parsed packet: nil unless its extension is exactly a Loa seal.
    /// Returns the seal and where its signature lies in the datagram.
    public static func read(_ packet: RTPPacket, in datagram: UnsafeRawBufferPointer) -> (PacketSeal, Range<Int>)? {
        guard packet.extensionProfile == profile, packet.extensionData.count == extensionDataBytes,
            packet.extensionData.lowerBound == RTPHeader.fixedSize + 4
        else { return nil }
        let start = packet.extensionData.lowerBound
        guard datagram[start] == elementID, Int(datagram[start + 1]) == metadataBytes + signatureBytes + tagBytes,
            datagram[start + extensionDataBytes - 1] == 0
        else { return nil }  // the padding byte is not signed, so it must be exactly zero
        let m = start + 2
        let seal = PacketSeal(
            keyID: datagram.loadBigEndianUInt32(at: m), epoch: datagram.loadBigEndianUInt32(at: m + 4),
            index: UInt64(datagram.loadBigEndianUInt32(at: m + 8)) << 32
                | UInt64(datagram.loadBigEndianUInt32(at: m + 12)),
            sendTime: UInt64(datagram.loadBigEndianUInt32(at: m + 16)) << 32
                | UInt64(datagram.loadBigEndianUInt32(at: m + 20)),
            flags: datagram[m + 24], item: datagram.loadBigEndianUInt32(at: m + 25),
            frame: datagram.loadBigEndianUInt32(at: m + 29))
        return (seal, Self.signature)
    }

    private func writeMetadata(into packet: UnsafeMutableRawBufferPointer, at offset: Int) {
        packet.storeBigEndian(keyID, at: offset)
        packet.storeBigEndian(epoch, at: offset + 4)
        packet.storeBigEndian(UInt32(truncatingIfNeeded: index >> 32), at: offset + 8)
        packet.storeBigEndian(UInt32(truncatingIfNeeded: index), at: offset + 12)
        packet.storeBigEndian(UInt32(truncatingIfNeeded: sendTime >> 32), at: offset + 16)
        packet.storeBigEndian(UInt32(truncatingIfNeeded: sendTime), at: offset + 20)
        packet[offset + 24] = flags
        packet.storeBigEndian(item, at: offset + 25)
        packet.storeBigEndian(frame, at: offset + 29)
    }
}

/// Whom a sealed packet is for: the zone's multicast group and port, and the commune (the first 4 bytes of its
/// root key, `KeyList.keyID`). Signed with every packet but never sent: the sealer and the verifier each know it
/// (the controller from its zone and root key, a box from its `group` setting and trust anchor), so a packet
/// relayed into another zone's group or another commune fails its signature there.
public struct PacketAudience: Equatable, Sendable {
    /// The group's IPv4 address (host order).
    public var group: UInt32
    public var port: UInt16
    /// The commune's root key id.
    public var commune: UInt32

    /// Bytes the audience adds to the signed message.
    public static let bytes = 10

    public init(group: UInt32, port: UInt16, commune: UInt32) {
        self.group = group
        self.port = port
        self.commune = commune
    }

    func write(into message: UnsafeMutableRawBufferPointer, at offset: Int) {
        message.storeBigEndian(group, at: offset)
        message.storeBigEndian(port, at: offset + 4)
        message.storeBigEndian(commune, at: offset + 6)
    }
}
