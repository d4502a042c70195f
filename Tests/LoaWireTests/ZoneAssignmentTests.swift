import Testing

@testable import LoaWire

/// The zone a controller assigns to a box travels in an authenticated command, and the group a box is on in its
/// heartbeats: both round-trip, and an assignment that is not a multicast group or has no zone name is refused.
@Suite("Zone assignment on the wire")
struct ZoneAssignmentTests {
    static let box = ReceiverID(0x0123_4567_89AB_CDEF)
    static let group = StreamGroup(address: 0xEFFF_4D02, port: 5006)

    func encode(_ message: FleetMessage) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FleetMessage.maximumBytes, alignment: 8)
        defer { buffer.deallocate() }
        let length = message.encode(into: buffer)
        return Array(buffer[0..<length]) + [UInt8](repeating: 0, count: message.trailerBytes)
    }

    func parse(_ bytes: [UInt8]) throws(FleetWireError) -> FleetMessage {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        return try FleetMessage.parse(UnsafeRawBufferPointer(buffer)).message
    }

    @Test func aZoneCommandAndAHeartbeatsGroupRoundTrip() throws {
        let command = FleetMessage.command(
            receiver: Self.box, id: 12, action: .zone(ZoneAssignment(zone: "thôn-đông", group: Self.group)))
        #expect(try parse(encode(command)) == command)
        let heartbeat = FleetMessage.heartbeat(Heartbeat(receiver: Self.box, zones: ["thôn-đông"], group: Self.group))
        #expect(try parse(encode(heartbeat)) == heartbeat)
        let silent = FleetMessage.heartbeat(Heartbeat(receiver: Self.box, zones: ["all"]))
        #expect(try parse(encode(silent)) == silent, "a box that does not say its group")
        #expect(Self.group.text == "239.255.77.2:5006")
    }

    @Test(arguments: [
        ZoneAssignment(zone: "", group: group),
        ZoneAssignment(zone: "x", group: StreamGroup(address: 0x7F00_0001, port: 5004)),
        ZoneAssignment(zone: "x", group: StreamGroup(address: 0xEFFF_4D02, port: 0)),
    ])
    func aBadAssignmentIsRefused(_ assignment: ZoneAssignment) {
        let command = FleetMessage.command(receiver: Self.box, id: 12, action: .zone(assignment))
        #expect(throws: FleetWireError.badField) { try parse(encode(command)) }
    }
}
