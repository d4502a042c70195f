import GRDB
import Hummingbird
import LoaControlAPI

// The control API's types live in LoaControlAPI; here they become Hummingbird responses, database values, and
// views of the controller's records (records never leave the controller as they are).

extension Priority: DatabaseValueConvertible {}
extension InterruptPolicy: DatabaseValueConvertible {}
extension AiringState: DatabaseValueConvertible {}
extension Outcome: DatabaseValueConvertible {}

extension HealthView: ResponseEncodable {}
extension ZoneView: ResponseEncodable {}
extension ClipView: ResponseEncodable {}
extension NamedClipView: ResponseEncodable {}
extension ClipCheckView: ResponseEncodable {}
extension SpeechView: ResponseEncodable {}
extension ItemView: ResponseEncodable {}
extension StatusView: ResponseEncodable {}
extension ScheduleApplied: ResponseEncodable {}
extension TimetableEntry: ResponseEncodable {}
extension LogEntryView: ResponseEncodable {}
extension ReportRow: ResponseEncodable {}
extension ReceiverView: ResponseEncodable {}
extension ReceiverDetailView: ResponseEncodable {}
extension ApprovedCount: ResponseEncodable {}
extension PlacementView: ResponseEncodable {}
extension ZoneFleetView: ResponseEncodable {}
extension CommandView: ResponseEncodable {}
extension AlertView: ResponseEncodable {}
extension FleetView: ResponseEncodable {}
extension KeyListView: ResponseEncodable {}
extension EmergencyDecision: ResponseEncodable {}
extension AuditEntryView: ResponseEncodable {}
extension AuditVerificationView: ResponseEncodable {}

extension ItemView {
    init(_ item: Item, airings: [Airing]) {
        self.init(
            id: item.id, title: item.title, priority: item.priority, zones: item.zones,
            durationMs: item.durationMilliseconds, plannedAt: item.plannedAt, source: item.source,
            states: Dictionary(airings.map { ($0.zone, $0.state) }, uniquingKeysWith: { _, last in last }))
        heldBy = item.heldBy
    }
}

extension ClipView {
    init(_ clip: ClipRecord) {
        self.init(id: clip.id, title: clip.title, durationMs: clip.durationMilliseconds, text: clip.text)
    }
}

extension ZoneView {
    init(_ zone: Zone) {
        self.init(
            name: zone.name, group: zone.group.text, interface: zone.interface, ttl: zone.ttl,
            bitrate: zone.encoder.bitrate, payloadType: Int(zone.payloadType))
    }
}

extension LogEntryView {
    init(_ entry: PlayLogEntry) {
        self.init(
            itemId: entry.itemId, zone: entry.zone, title: entry.title, priority: entry.priority,
            plannedAt: entry.plannedAt, startedAt: entry.startedAt, endedAt: entry.endedAt, outcome: entry.outcome,
            reason: entry.reason, fromFrame: entry.fromFrame, toFrame: entry.toFrame,
            frameMs: entry.frameMilliseconds, text: entry.text, recording: entry.recording)
    }
}

extension AuditEntryView {
    init(_ entry: AuditEntry) {
        self.init(
            at: entry.at, action: entry.action, operators: entry.operators, zones: entry.zones,
            outcome: AuditOutcome(rawValue: entry.outcome) ?? .refused, reason: entry.reason, code: entry.code,
            actor: entry.actor,
            source: entry.source, target: entry.target, count: entry.count)
    }
}

extension EmergencyDecision {
    init(_ decision: EmergencyDesk.Decision) {
        self.init(
            accepted: decision.accepted, reason: decision.reason, items: decision.items,
            acceptedAt: decision.acceptedAt)
    }
}

extension NamedClipView {
    init(_ named: (name: String, clip: ClipRecord)) {
        self.init(
            name: named.name, clipId: named.clip.id, title: named.clip.title,
            durationMs: named.clip.durationMilliseconds)
    }
}
