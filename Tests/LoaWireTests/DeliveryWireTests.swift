import Testing

@testable import LoaWire

/// Issue 14: a heartbeat says how the box hears its zone and whether it asks for unicast; the controller's answer
/// says whether the zone is on the air. Both are optional fields, so boxes and controllers of earlier releases
/// keep understanding each other.
@Suite("Delivery on the wire")
struct DeliveryWireTests {
    let heartbeat = Heartbeat(receiver: ReceiverID(0x0123_4567_89AB_CDEF), epoch: 3, sequence: 9, version: "0.9.0")

    func encode(_ message: FleetMessage) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        let length = message.encode(into: buffer)
        return Array(buffer[0..<length]) + [UInt8](repeating: 0, count: message.trailerBytes)
    }

    func parse(_ bytes: [UInt8]) throws -> FleetMessage {
        try bytes.withUnsafeBytes { (raw) throws(FleetWireError) in try FleetMessage.parse(raw).message }
    }

    @Test(arguments: [Delivery.multicast, .unicast, .auto], [false, true])
    func theDeliveryAndTheRequestRoundTrip(_ delivery: Delivery, _ wants: Bool) throws {
        var beat = heartbeat
        beat.delivery = delivery
        beat.wantsUnicast = wants
        beat.sync = SyncReport(uncertaintyMicroseconds: 5, driftPartsPerBillion: -7, errorMicroseconds: 1)
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        beat.sync = nil
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
    }

    /// The loss repair counts (flag bit 64) come after the delivery byte, with or without the fields before them;
    /// a heartbeat with every optional field and the longest texts still fits a fleet message.
    @Test func theRepairCountsRoundTrip() throws {
        var beat = heartbeat
        beat.repair = RepairReport(missed: 26, asked: 34, repaired: 25, abandoned: 1)
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        beat.delivery = .unicast
        beat.wantsUnicast = true
        beat.sync = SyncReport(uncertaintyMicroseconds: 5, driftPartsPerBillion: -7, errorMicroseconds: 1)
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        beat.version = String(repeating: "v", count: Heartbeat.maximumTextBytes)
        beat.zones = (0..<Heartbeat.maximumZones).map { String(repeating: "\($0)", count: Heartbeat.maximumTextBytes) }
        beat.jitter = JitterReport(targetMilliseconds: 400, spareMilliseconds: -32_767)
        let longest = encode(.heartbeat(beat))
        #expect(longest.count <= FleetMessage.maximumBytes)
        #expect(try parse(longest) == .heartbeat(beat))
    }

    /// The jitter buffer's report (flag bit 128) comes last; a spare of nil (off the timeline) reads back as nil, and
    /// a heartbeat without the flag has no report.
    @Test func theJitterReportRoundTrips() throws {
        var beat = heartbeat
        for spare: Int16? in [-38, 0, 95, nil] {
            beat.jitter = JitterReport(targetMilliseconds: 80, spareMilliseconds: spare)
            #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        }
        beat.repair = RepairReport(missed: 1, asked: 2, repaired: 1, abandoned: 0)
        beat.delivery = .auto
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        guard case .heartbeat(let plain) = try parse(encode(.heartbeat(heartbeat))) else {
            Issue.record("not a heartbeat")
            return
        }
        #expect(plain.jitter == nil)
    }

    /// A heartbeat from a box that does not say (flag bit 32 clear) reads as no delivery and no request: an older
    /// box never gets unicast. A bad delivery code is refused.
    @Test func anOlderHeartbeatAsksForNothingAndABadByteIsRefused() throws {
        let plain = encode(.heartbeat(heartbeat))
        guard case .heartbeat(let read) = try parse(plain) else { Issue.record("not a heartbeat"); return }
        #expect(read.delivery == nil && !read.wantsUnicast)
        var beat = heartbeat
        beat.delivery = .auto
        beat.wantsUnicast = true
        var bytes = encode(.heartbeat(beat))
        let deliveryByte = bytes.count - FleetMessage.tagBytes - 1
        #expect(bytes[deliveryByte] == 0x13)
        bytes[deliveryByte] = 0x07
        #expect(throws: FleetWireError.badField) { try parse(bytes) }
        // The top 3 bits are the redundancy distance: 0x53 asks for every packet again 2 packets later.
        bytes[deliveryByte] = 0x53
        guard case .heartbeat(let redundant) = try parse(bytes) else { Issue.record("not a heartbeat"); return }
        #expect(redundant.repeatAfter == 2 && redundant.wantsUnicast && redundant.delivery == .auto)
    }

    /// The answer's on-air byte comes after the heartbeat's sequence (4 bytes, always there) and the optional sealed
    /// tag key, with or without it.
    @Test func theAnswerSaysWhetherTheZoneIsOnTheAir() throws {
        let sealed = [UInt8](repeating: 4, count: FleetMessage.sealedTagKeyBytes)
        let answers: [FleetMessage] = [
            .heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 2, sealedTagKey: sealed, zoneOnAir: true),
            .heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 2, sealedTagKey: sealed, zoneOnAir: false),
            .heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 2, zoneOnAir: true),
            .heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 2, sealedTagKey: sealed),
        ]
        for answer in answers { #expect(try parse(encode(answer)) == answer) }
        #expect(
            encode(.heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 2, sealedTagKey: sealed)).count
                == 4 + 8 + 4 + 4 + FleetMessage.sealedTagKeyBytes + FleetMessage.tagBytes)
        var bad = encode(.heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 2, zoneOnAir: true))
        bad[20] = 2
        #expect(throws: FleetWireError.badField) { try parse(bad) }
    }

    /// Issue 15: the clips a box holds ahead ride in the heartbeat's second flags byte, with or without the jitter
    /// report; a percent over 100 is refused.
    @Test func theHeldClipsRoundTrip() throws {
        var beat = heartbeat
        beat.clips = [HeldClip(item: 12, percent: 100), HeldClip(item: 13, percent: 40)]
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        beat.jitter = JitterReport(targetMilliseconds: 80, spareMilliseconds: 12)
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        var bytes = encode(.heartbeat(beat))
        // The last clip's percent sits just before the tag.
        bytes[bytes.count - FleetMessage.tagBytes - 1] = 101
        #expect(throws: FleetWireError.badField) { try parse(bytes) }
    }

    /// Issue 15, point 5: how the box played its latest items rides after the held clips; more than
    /// `maximumPlays` is refused.
    @Test func thePlaysRoundTrip() throws {
        var beat = heartbeat
        beat.plays = [
            ItemPlay(item: 12, fromFile: 1_480, fromStream: 20, startedAt: 1_764_557_970_000, offline: true),
            ItemPlay(item: 13, frameMilliseconds: 10, fromStream: 900, rebuilt: 7, concealed: 3),
        ]
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
        beat.clips = [HeldClip(item: 14, percent: 40)]
        beat.jitter = JitterReport(targetMilliseconds: 80, spareMilliseconds: nil)
        let bytes = encode(.heartbeat(beat))
        #expect(bytes.count <= FleetMessage.maximumBytes)
        #expect(try parse(bytes) == .heartbeat(beat))
        var tooMany = bytes
        // The count of plays sits 2 × 34 bytes before the tag.
        tooMany[tooMany.count - FleetMessage.tagBytes - 2 * 34 - 1] = UInt8(Heartbeat.maximumPlays + 1)
        #expect(throws: FleetWireError.badField) { try parse(tooMany) }
        var offline = bytes
        // The second play's offline flag is the byte before the tag: only 0 or 1.
        offline[offline.count - FleetMessage.tagBytes - 1] = 2
        #expect(throws: FleetWireError.badField) { try parse(offline) }
        // The timetable the box holds goes last (issue 15, point 4).
        beat.timetableIssuedAt = 1_764_557_000_123
        #expect(try parse(encode(.heartbeat(beat))) == .heartbeat(beat))
    }

    /// A zone timetable message carries the signed timetable whole; an empty one, or one longer than the most a
    /// timetable can be, is refused.
    @Test func theTimetableMessageRoundTrips() throws {
        let box = ReceiverID(0x0123_4567_89AB_CDEF)
        let timetable = ZoneTimetable(
            audience: PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 77), issuedAt: 1_764_557_000_000,
            playoutDelayMilliseconds: 150,
            entries: (0..<ZoneTimetable.maximumEntries).map {
                .init(
                    item: UInt64(100 + $0), airsAt: 1_764_560_000_000 + Int64($0) * 60_000, priority: 1,
                    cancelled: $0 == 3)
            })
        let signed = timetable.signed + [UInt8](repeating: 9, count: 64)
        #expect(signed.count == FleetMessage.maximumTimetableBytes)
        let bytes = encode(.timetable(receiver: box, signed: signed))
        #expect(bytes.count <= FleetMessage.maximumBytes)
        #expect(try parse(bytes) == .timetable(receiver: box, signed: signed))
        #expect(try ZoneTimetable(decoding: Array(signed.prefix(ZoneTimetable.signedLength(of: signed)!))) == timetable)
        #expect(throws: FleetWireError.badField) {
            try parse(encode(.timetable(receiver: box, signed: [])))
        }
        var long = bytes
        long.insert(0, at: 12)
        #expect(throws: FleetWireError.badField) { try parse(long) }
        var badPriority = timetable.signed
        badPriority[ZoneTimetable.signedLength(of: badPriority)! - 2] = 3
        #expect(throws: DecodeError.badValue) { try ZoneTimetable(decoding: badPriority) }
    }

    /// The three clip messages round-trip; a request for no chunk or too many, and a chunk longer than a chunk may
    /// be, are refused.
    @Test func theClipMessagesRoundTrip() throws {
        let box = ReceiverID(0x0123_4567_89AB_CDEF)
        let messages: [FleetMessage] = [
            .clipOffer(receiver: box, manifest: [UInt8](repeating: 7, count: FleetMessage.signedManifestBytes)),
            .clipRequest(receiver: box, item: 42, offset: 9_600, chunks: 16),
            .clipChunk(
                receiver: box, item: 42, offset: 9_600,
                bytes: [UInt8](repeating: 3, count: FleetMessage.clipChunkBytes)),
        ]
        for message in messages {
            let bytes = encode(message)
            #expect(bytes.count <= FleetMessage.maximumBytes)
            #expect(try parse(bytes) == message)
        }
        for chunks: UInt8 in [0, 17] {
            var bytes = encode(.clipRequest(receiver: box, item: 42, offset: 0, chunks: 1))
            bytes[bytes.count - FleetMessage.tagBytes - 1] = chunks
            #expect(throws: FleetWireError.badField) { try parse(bytes) }
        }
    }
}
