import LoaCodec
import LoaSource
import LoaSystem
import LoaWire

/// An item ready to air: its id and encoded frames.
public struct ReadyItem: Sendable {
    public var id: Int64
    public var clip: EncodedClip

    public init(id: Int64, clip: EncodedClip) {
        self.id = id
        self.clip = clip
    }
}

/// One zone's RTP stream: an SSRC, a sequence number and a timestamp that run on across items, and the
/// item being sent. Owned by the pacer thread.
///
/// Contract: packet `n` of an item is due at `start + n × frame length` on the monotonic clock, so a
/// long item does not drift; the next item starts where the previous one ended (or now, if the zone was
/// idle), with the marker bit set on its first packet. The RTP timestamp advances with the monotonic clock
/// across pauses, as RFC 3550 asks.
final class ZoneStream {
    let zone: Zone
    private let socket: UDPSocket
    private let ssrc: UInt32
    private var sequenceNumber: UInt16
    private let timestampBase: UInt32
    private let clockBase: UInt64

    private(set) var current: ReadyItem?
    private(set) var next: ReadyItem?
    private var frameIndex = 0
    private var itemStart: UInt64 = 0
    private var frameNanoseconds: UInt64 = 20_000_000
    private(set) var packetsSent = 0
    private(set) var sendFailures = 0

    init(zone: Zone, random: inout some RandomNumberGenerator) throws(SystemError) {
        guard let interface = NetworkInterface(zone.interface) else {
            throw SystemError("find the interface '" + zone.interface + "' of zone " + zone.name, code: 19)
        }
        socket = try UDPSocket()
        try socket.setMulticastOutput(interface: interface, ttl: zone.ttl)
        self.zone = zone
        ssrc = UInt32.random(in: 1...UInt32.max, using: &random)
        sequenceNumber = UInt16.random(in: 0...UInt16.max, using: &random)
        timestampBase = UInt32.random(in: 0...UInt32.max, using: &random)
        clockBase = MonotonicClock.now()
    }

    /// The monotonic time of the next packet, or nil if nothing is on the air.
    var nextDeadline: UInt64? {
        current == nil ? nil : itemStart + UInt64(frameIndex) * frameNanoseconds
    }

    /// How far into the current item the stream is, in frames.
    var position: Int { frameIndex }

    /// True if the zone can take another item without dropping one.
    var wantsItem: Bool { current == nil || next == nil }

    /// Puts `item` on the air at `now` if nothing plays, else after the current item.
    func enqueue(_ item: ReadyItem, now: UInt64) -> Bool {
        if current == nil {
            start(item, at: now)
            return true
        }
        guard next == nil else { return false }
        next = item
        return false
    }

    /// Removes the current item at once (returns its id) and starts the next one, if any, now.
    func stopCurrent(now: UInt64) -> Int64? {
        guard let stopped = current else { return nil }
        current = nil
        if let following = next {
            next = nil
            start(following, at: now)
        }
        return stopped.id
    }

    /// Sends the packet due at or before `now`, if any; returns what happened to the items.
    func sendDue(now: UInt64, buffer: UnsafeMutableRawBufferPointer) -> StreamEvent? {
        guard let item = current, let deadline = nextDeadline, deadline <= now else { return nil }
        let sinceBase = (itemStart - clockBase) / 1000 * 48 / 1000  // 48 kHz samples, exact for whole microseconds
        let timestamp = timestampBase &+ UInt32(truncatingIfNeeded: sinceBase)
            &+ UInt32(truncatingIfNeeded: frameIndex * item.clip.frameMilliseconds * 48)
        let header = RTPHeader(
            marker: frameIndex == 0, payloadType: zone.payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp,
            ssrc: ssrc)
        let length = item.clip.withPacket(frameIndex) { payload in header.write(payload: payload, into: buffer) }
        if socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: zone.group) {
            packetsSent += 1
        } else {
            sendFailures += 1
        }
        sequenceNumber &+= 1
        frameIndex += 1
        guard frameIndex >= item.clip.frameCount else { return nil }
        let end = itemStart + UInt64(frameIndex) * frameNanoseconds
        current = nil
        if let following = next {
            next = nil
            start(following, at: end)
            return .finished(item.id, started: following.id)
        }
        return .finished(item.id, started: nil)
    }

    private func start(_ item: ReadyItem, at time: UInt64) {
        current = item
        frameIndex = 0
        itemStart = time
        frameNanoseconds = UInt64(item.clip.frameMilliseconds) * 1_000_000
    }
}

/// What a stream reports to the programme.
enum StreamEvent: Equatable {
    /// An item sent its last packet; the next one, if any, started right after it.
    case finished(Int64, started: Int64?)
}
