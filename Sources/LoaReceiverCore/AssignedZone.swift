import LoaSystem
import LoaWire

/// The zone the controller assigned to this box, kept in its state folder as `STATE/zone`
/// ("239.255.77.2:5004 thon-dong"). A box's zone is the controller's decision: once assigned, it replaces the
/// configured `zone` and `group` at every start until the controller assigns another; the interface stays the
/// box's own setting.
extension ReceiverSettings {
    private var assignedZoneFile: String { stateDirectory + "/zone" }

    /// These settings with the zone the controller assigned, if the state folder holds a valid one.
    public func withAssignedZone() -> ReceiverSettings {
        guard let text = try? FileSystem.readText(assignedZoneFile, limit: 256) else { return self }
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let group = SocketAddress(String(parts[0])), group.address.isMulticast else {
            Log.error(assignedZoneFile + " is damaged; playing the configured zone until the controller assigns one")
            return self
        }
        var name = parts[1][...]
        while let last = name.last, last == "\n" || last == "\r" || last == " " { name = name.dropLast() }
        guard !name.isEmpty else { return self }
        var settings = self
        settings.zone = String(name)
        settings.group = group
        return settings
    }

    /// The group these settings join, as heartbeats report it.
    public var streamGroup: StreamGroup { StreamGroup(address: group.address.value, port: group.port) }

    /// Keeps `assignment` in the state folder; true if it changes the zone or group these settings play (the
    /// receiver must then set up afresh to join it).
    public func keep(_ assignment: ZoneAssignment) -> Bool {
        let group = SocketAddress(address: IPv4Address(assignment.group.address), port: assignment.group.port)
        do { try FileSystem.replace(assignedZoneFile, with: group.text + " " + assignment.zone + "\n") } catch {
            Log.error("cannot write " + assignedZoneFile + ": " + error.reason)
        }
        return group != self.group || assignment.zone != zone
    }
}
