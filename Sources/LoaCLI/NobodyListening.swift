import Foundation
import LoaControlAPI

/// A warning, not a refusal, when a notice goes to a zone where no approved box is online: it is queued, but nobody
/// may hear it. Printed to standard error after the item's line; nothing is said if the fleet cannot be read (an
/// older controller, or a role that may not see it).
enum NobodyListening {
    static func warn(zones: [String], client: ControlClient) async {
        guard let fleet = try? await client.fleetZones() else { return }
        for name in zones {
            guard let zone = fleet.first(where: { $0.name == name }), zone.online == 0 else { continue }
            FileHandle.standardError.write(Data((Message.noBoxOnline.text(name, zone.receivers) + "\n").utf8))
        }
    }
}
