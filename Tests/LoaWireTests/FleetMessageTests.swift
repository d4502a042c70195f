import Testing

@testable import LoaWire

@Suite("Fleet messages")
struct FleetMessageTests {
    let heartbeat = Heartbeat(
        receiver: ReceiverID(0x0123_4567_89AB_CDEF), epoch: 7, sequence: 42, intervalMilliseconds: 5000,
        uptimeSeconds: 3600,
        playing: true, muted: false, volume: 80, temperatureMilliCelsius: 48_250, streamID: 0xDEAD_BEEF,
        jitterDepthFrames: 3,
        received: 1000, lost: 4, late: 1, recoveredByFEC: 3, concealed: 1, rejected: 9, underruns: 2, version: "0.5.0",
        zones: ["thôn-đông"])

    /// Encodes `message` with a zero trailer and parses it back.
    func roundTrip(_ message: FleetMessage) throws -> FleetMessage.Parsed {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        let length = message.encode(into: buffer)
        for index in length..<(length + message.trailerBytes) { buffer[index] = 0 }
        return try FleetMessage.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<(length + message.trailerBytes)]))
    }

    @Test func everyKindRoundTrips() throws {
        let key = [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 7, count: 24)
        var owned = heartbeat
        owned.receiver = ReceiverID(publicKey: key)
        let messages: [FleetMessage] = [
            .heartbeat(heartbeat), .enrolment(owned, publicKey: key),
            .welcome(receiver: heartbeat.receiver, controllerKey: key),
            .command(receiver: heartbeat.receiver, id: 9, action: .volume(30)),
            .command(receiver: heartbeat.receiver, id: 10, action: .testTone),
            .acknowledgement(receiver: heartbeat.receiver, id: 9, result: 0),
            .heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 7),
            .heartbeatAnswer(
                receiver: heartbeat.receiver, keyListVersion: 7, answering: 0xA1B2_C3D4,
                sealedTagKey: [UInt8](repeating: 9, count: FleetMessage.sealedTagKeyBytes)),
            .heartbeatAnswer(receiver: heartbeat.receiver, keyListVersion: 7, answering: 41, zoneOnAir: true),
        ]
        for message in messages {
            let parsed = try roundTrip(message)
            #expect(parsed.message == message)
            #expect(parsed.trailer.count == message.trailerBytes)
            #expect(parsed.signed.upperBound == parsed.trailer.lowerBound)
        }
        var unknown = heartbeat
        unknown.temperatureMilliCelsius = nil
        #expect(try roundTrip(.heartbeat(unknown)).message == .heartbeat(unknown))
    }

    /// A box without trusted time sets bit 8 of the flags, alone: a heartbeat from a box before the flag (bit clear)
    /// reads as one with trusted time, and the other flags keep their bits.
    @Test func noTrustedTimeIsBitEightOfTheFlags() throws {
        var lacking = heartbeat
        lacking.noTrustedTime = true
        lacking.playing = false
        lacking.muted = false
        lacking.soundCardFailing = false
        #expect(try roundTrip(.heartbeat(lacking)).message == .heartbeat(lacking))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        _ = FleetMessage.heartbeat(lacking).encode(into: buffer)
        #expect(buffer[4 + 24] == 8)  // header (4), id, epoch, sequence, interval, uptime (24), then the flags
        lacking.noTrustedTime = false
        _ = FleetMessage.heartbeat(lacking).encode(into: buffer)
        #expect(buffer[4 + 24] == 0)
    }

    /// The sync estimate (issue 13) follows the group when bit 16 of the flags says so: a heartbeat from a box
    /// before it (bit clear, 16 bytes shorter) reads as one without, and an enrolment's key still follows.
    @Test func theSyncReportIsBitSixteenAndSixteenBytesAfterTheGroup() throws {
        var synced = heartbeat
        synced.group = StreamGroup(address: 0xEFFF_4D01, port: 5004)
        synced.sync = SyncReport(
            uncertaintyMicroseconds: 420, driftPartsPerBillion: -100_000, errorMicroseconds: -37, correctedSamples: -9)
        #expect(try roundTrip(.heartbeat(synced)).message == .heartbeat(synced))
        let key = [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 7, count: 24)
        var owned = synced
        owned.receiver = ReceiverID(publicKey: key)
        #expect(try roundTrip(.enrolment(owned, publicKey: key)).message == .enrolment(owned, publicKey: key))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        let long = FleetMessage.heartbeat(synced).encode(into: buffer)
        #expect(buffer[4 + 24] & 16 == 16)
        var plain = synced
        plain.sync = nil
        let short = FleetMessage.heartbeat(plain).encode(into: buffer)
        #expect(long - short == 16 && buffer[4 + 24] & 16 == 0)
        #expect(try roundTrip(.heartbeat(plain)).message == .heartbeat(plain))
        #expect(synced.sync?.boundMicroseconds == 457)
    }

    @Test func malformedDatagramsAreRefused() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        let length = FleetMessage.heartbeat(heartbeat).encode(into: buffer) + FleetMessage.tagBytes
        let whole = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        for cut in [0, 3, 4, 20, length - 17, length - 1] {
            #expect(throws: FleetWireError.self) {
                try FleetMessage.parse(UnsafeRawBufferPointer(rebasing: whole[0..<cut]))
            }
        }
        buffer[0] = 0x80  // RTP, not Loa
        #expect(throws: FleetWireError.notFleet) { try FleetMessage.parse(whole) }
        buffer[0] = 0x4C
        buffer[3] = 11  // no such kind
        #expect(throws: FleetWireError.notFleet) { try FleetMessage.parse(whole) }
        buffer[3] = 2
        buffer[29] = 101  // volume over 100
        #expect(throws: FleetWireError.badField) { try FleetMessage.parse(whole) }
    }

    @Test func receiverIDsAreSixteenHexDigits() {
        let id = ReceiverID(0xAB)
        #expect(id.text == "00000000000000ab")
        #expect(ReceiverID(id.text) == id)
        #expect(ReceiverID("xyz") == nil)
        #expect(FleetMessage.peekReceiver(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }
}
