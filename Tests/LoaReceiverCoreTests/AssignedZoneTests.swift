import Foundation
import LoaReceiverCore
import LoaSystem
import LoaWire
import Testing

/// The zone the controller assigns is kept in the box's state folder and replaces the configured zone and group
/// at every start; the interface stays the box's. A damaged file leaves the configured zone.
@Suite("Assigned zone")
struct AssignedZoneTests {
    func configured(_ directory: String) -> ReceiverSettings {
        var settings = ReceiverSettings.defaults
        settings.stateDirectory = directory
        settings.interface = "eth0"
        return settings
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loa-zone-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func anAssignmentIsKeptAndReplacesTheConfiguredZone() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = configured(directory)
        #expect(settings.withAssignedZone().group == settings.group, "nothing assigned yet")

        let assignment = ZoneAssignment(zone: "thon-dong", group: StreamGroup(address: 0xEFFF_4D02, port: 5006))
        #expect(settings.keep(assignment), "another group: the receiver must set up afresh")
        let assigned = settings.withAssignedZone()
        #expect(assigned.zone == "thon-dong")
        #expect(assigned.group == SocketAddress("239.255.77.2:5006"))
        #expect(assigned.interface == "eth0", "the interface stays the box's")
        #expect(assigned.streamGroup == assignment.group)
        #expect(assigned.keep(assignment) == false, "the same zone again changes nothing")
        #expect(
            try String(contentsOfFile: directory + "/zone", encoding: .utf8) == "239.255.77.2:5006 thon-dong\n")
    }

    @Test(arguments: ["", "thon-dong", "10.0.0.1:5004 thon-dong", "239.255.77.2:5006"])
    func aDamagedFileLeavesTheConfiguredZone(_ text: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try text.write(toFile: directory + "/zone", atomically: true, encoding: .utf8)
        let settings = configured(directory).withAssignedZone()
        #expect(settings.zone == "all" && settings.group == ReceiverSettings.defaults.group)
    }
}
