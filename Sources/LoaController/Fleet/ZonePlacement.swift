import LoaWire

/// Where a box stands against the zone the controller registered it in: the rule behind the `wrong-zone` and
/// `zone-gone` alerts. A pure value; the state machine decides when to alert.
package enum ZonePlacement: Equatable, Sendable {
    /// It plays its zone's group, or has no zone yet, or its heartbeat does not say which group it is on.
    case right
    /// Its heartbeat reports `reported`, not its zone's `expected` group.
    case wrong(zone: String, expected: StreamGroup, reported: StreamGroup)
    /// Its registered zone is not in the controller's configuration any more.
    case gone(zone: String)

    /// Judges a box registered in `zone` whose last heartbeat reported `reported`, against the configured zones'
    /// groups.
    package init(zone: String?, reported: StreamGroup?, groups: [String: StreamGroup]) {
        guard let zone else {
            self = .right
            return
        }
        guard let expected = groups[zone] else {
            self = .gone(zone: zone)
            return
        }
        guard let reported, reported != expected else {
            self = .right
            return
        }
        self = .wrong(zone: zone, expected: expected, reported: reported)
    }

    /// What `loa receivers` shows and the alert's kind: "wrong-zone", "zone-gone", or nil when right.
    package var problem: Alert.Kind? {
        switch self {
        case .right: return nil
        case .wrong: return .wrongZone
        case .gone: return .zoneGone
        }
    }

    /// The alert's words.
    var detail: String {
        switch self {
        case .right: return "the box plays its zone again"
        case .wrong(let zone, let expected, let reported):
            return "the box plays " + reported.text + ", not zone '" + zone + "' (" + expected.text
                + "): move it again with 'loa receivers move BOX --zone " + zone + "'"
        case .gone(let zone):
            return "zone '" + zone + "' is no longer in the controller's configuration: move the box with "
                + "'loa receivers move BOX --zone ZONE'"
        }
    }
}
