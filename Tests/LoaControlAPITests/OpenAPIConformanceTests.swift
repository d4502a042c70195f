import Foundation
import LoaControlAPI
import Testing

/// LoaControlAPI is written by hand; `docs/api/openapi.yaml` describes the same API for people and fuzzers.
/// These tests fail when a route, a query parameter, a field or an enum case is added or renamed on one side only.
@Suite struct OpenAPIConformanceTests {
    let document: OpenAPIDocument

    init() throws { document = try OpenAPIDocument() }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        let swift = Set(Route.all.map(\.description))
        #expect(swift.count == Route.all.count, "a route is listed twice in Route.all")
        #expect(swift.subtracting(document.operations).sorted() == [], "routes missing from openapi.yaml")
        #expect(document.operations.subtracting(swift).sorted() == [], "documented routes missing from Route.all")
    }

    @Test func everyRouteHasTheDocumentedQueryParameters() {
        for route in Route.all {
            #expect(
                Set(route.query) == document.queryParameters(method: route.method.rawValue, path: route.path),
                "\(route)")
        }
    }

    @Test(arguments: Samples.all)
    func everyBodyMatchesItsSchema(_ sample: Samples.Sample) throws {
        let schema = try #require(document.schema(sample.schema), "no schema \(sample.schema) in openapi.yaml")
        #expect(document.mismatches(try sample.full(), schema, complete: true, at: sample.schema) == [])
        #expect(document.mismatches(try sample.minimal(), schema, complete: false, at: sample.schema) == [])
    }

    @Test func everyEnumHasTheDocumentedCases() {
        func cases(_ name: String) -> [String] { (document.schema(name)?["enum"] as? [Any] ?? []).map { "\($0)" } }
        #expect(cases("Priority") == Priority.allCases.map(\.rawValue))
        #expect(cases("InterruptPolicy") == InterruptPolicy.allCases.map(\.rawValue))
        #expect(cases("AiringState") == AiringState.allCases.map(\.rawValue))
        #expect(cases("Outcome") == Outcome.allCases.map(\.rawValue))
        #expect(cases("ReceiverState") == ReceiverState.allCases.map(\.rawValue))
        #expect(cases("CommandAction") == CommandAction.allCases.map(\.rawValue))
        #expect(cases("CommandOutcome") == CommandOutcome.allCases.map(\.rawValue))
        #expect(cases("AuditOutcome") == AuditOutcome.allCases.map(\.rawValue))
        #expect(cases("Role") == Role.allCases.map(\.rawValue))
    }

    @Test func aFieldRenamedOnOneSideIsCaught() throws {
        // The check itself can fail: a body with a field the document does not have, and one without a field it
        // requires, are both reported.
        let schema = try #require(document.schema("ClipView"))
        let renamed = JSONValue.object(["id": .integer(1), "name": .string("a"), "durationMs": .integer(5)])
        let issues = document.mismatches(renamed, schema, complete: true, at: "ClipView")
        #expect(issues.contains("ClipView.name: not in the document"))
        #expect(issues.contains("ClipView.title: missing from the value"))
    }
}

/// One sample of every body type, with every optional field set (`full`) and with none set (`minimal`).
enum Samples {
    struct Sample: Sendable, CustomTestStringConvertible {
        let schema: String
        let full: @Sendable () throws -> JSONValue
        let minimal: @Sendable () throws -> JSONValue
        var testDescription: String { schema }

        init<T: Encodable & Sendable>(_ schema: String, _ full: T, minimal: T? = nil) {
            self.schema = schema
            self.full = { try JSONValue.of(full) }
            self.minimal = { try JSONValue.of(minimal ?? full) }
        }
    }

    static let zoneItem = ZoneItem(
        id: 3, title: "Thông báo", priority: .priority, durationMs: 65_000, positionMs: 1_000,
        plannedAt: 1_764_000_000_000, source: "queue")
    static let receiver = ReceiverView(
        id: "a1b2c3d4e5f60718", name: "nha-van-hoa", zone: "thon-dong", state: .online,
        lastSeen: "2026-12-01T05:00:00.000Z", address: "10.0.0.5:5005", version: "1.4", lossPercent: 0.25,
        underruns: 2, volume: 80, muted: false, playing: true, soundCardFailing: false, temperatureC: 41.5,
        uptimeSeconds: 3600, zoneProblem: "wrong-zone", group: "239.255.77.3:5004", syncMs: 0.4,
        delivery: "auto", unicast: true)
    static let bareReceiver = ReceiverView(
        id: "a1b2c3d4e5f60718", name: "a1b2c3d4e5f60718", zone: nil, state: .pending, lastSeen: nil, address: nil,
        version: nil, lossPercent: 0, underruns: 0, volume: nil, muted: false, playing: false,
        soundCardFailing: false, temperatureC: nil, uptimeSeconds: nil)
    static let heartbeat = {
        var view = HeartbeatView(
            epoch: 1, sequence: 2, intervalMs: 5000, uptimeSeconds: 60, playing: true, muted: false,
            soundCardFailing: false, volume: 80, temperatureC: 40.5, streamId: 0xABCD, jitterFrames: 6, received: 100,
            lost: 1, late: 0, recoveredByFEC: 1, concealed: 0, rejected: 0, underruns: 0, version: "1.4",
            zones: ["thon-dong"], noTrustedTime: false)
        view.syncUncertaintyUs = 350
        view.syncDriftPpm = -12.5
        view.syncErrorUs = 40
        view.syncCorrectedSamples = -144
        view.repairMissed = 26
        view.repairAsked = 34
        view.repairRepaired = 25
        view.repairAbandoned = 1
        view.jitterTargetMs = 80
        view.jitterSpareMs = -12
        view.clips = [HeldClipView(item: 12, percent: 100), HeldClipView(item: 13, percent: 40)]
        return view
    }()

    /// A live item as `POST /live` answers: every field, the chime's length included.
    static let liveItem: ItemView = {
        var view = ItemView(
            id: 2, title: "Trực tiếp (mic)", priority: .priority, zones: ["thon-dong"], durationMs: 0,
            plannedAt: 1_764_000_000_000, source: "live:mic", states: ["thon-dong": .playing])
        view.chimeMs = 1_000
        return view
    }()

    /// Every field of an item at once, though no one item has them all: a live item's chime and a held item's
    /// broadcaster (`approval: on`).
    static let everyItemField: ItemView = {
        var view = liveItem
        view.heldBy = "phat-thanh"
        return view
    }()

    static let all: [Sample] = [
        Sample("ErrorBody", ErrorBody(error: "month '2026-13' must be YYYY-MM, such as 2026-11")),
        Sample(
            "HealthView", HealthView(timeZone: "Asia/Ho_Chi_Minh"), minimal: HealthView(timeZone: nil)),
        Sample(
            "ZoneView",
            ZoneView(
                name: "thon-dong", group: "239.255.77.1:5004", interface: "eth0", ttl: 1, bitrate: 32_000,
                payloadType: 96)),
        Sample(
            "ClipView", ClipView(id: 1, title: "Thông báo", durationMs: 6_000, text: "Thông báo họp lúc 7h30."),
            minimal: ClipView(id: 1, title: "ban-tin.mp3", durationMs: 65_000)),
        Sample(
            "SpeechView",
            SpeechView(text: "Họp lúc 7h30.", spoken: "Họp lúc bảy giờ ba mươi phút.", durationMs: 2_400)),
        Sample("ClipCheckView", ClipCheckView(durationMs: 65_000, sampleRate: 44_100, channels: 2)),
        Sample(
            "ItemView", everyItemField,
            minimal: ItemView(
                id: 1, title: "ban-tin.mp3", priority: .normal, zones: ["thon-dong"], durationMs: 65_000,
                plannedAt: 1_764_000_000_000, source: "queue", states: ["thon-dong": .pending])),
        Sample(
            "ZoneItem", zoneItem,
            minimal: ZoneItem(
                id: 3, title: "a", priority: .normal, durationMs: 1, positionMs: nil, plannedAt: 0, source: "queue")),
        Sample(
            "ZoneState", ZoneState(name: "thon-dong", playing: zoneItem, queued: [zoneItem], packetsSent: 50),
            minimal: ZoneState(name: "thon-dong", playing: nil, queued: [], packetsSent: 0)),
        Sample(
            "StatusView",
            StatusView(zones: [ZoneState(name: "thon-dong", playing: zoneItem, queued: [zoneItem], packetsSent: 50)]),
            minimal: StatusView(zones: [ZoneState(name: "thon-dong", playing: nil, queued: [], packetsSent: 0)])),
        Sample(
            "SlotInput",
            SlotInput(
                name: "sang", zones: ["thon-dong"], times: [330], weekdays: [1, 2, 3], from: "2026-12-01",
                until: "2026-12-31", clipIds: [1], relay: ["http://vov.example/vov1.mp3"], relayMinutes: 45,
                fallbackClipId: 2),
            minimal: SlotInput(
                name: "sang", zones: ["thon-dong"], times: [330], weekdays: [1], from: nil, until: nil, clipIds: [1])),
        Sample(
            "ScheduleApplied", ScheduleApplied(slots: 3, heldBy: "phat-thanh"), minimal: ScheduleApplied(slots: 3)),
        Sample(
            "TimetableEntry",
            TimetableEntry(
                zone: "thon-dong", date: "2026-12-01", time: "05:30", slot: "sang", titles: ["ban-tin.mp3"],
                durationMs: 65_000)),
        Sample(
            "LogEntryView",
            LogEntryView(
                itemId: 1, zone: "thon-dong", title: "ban-tin.mp3", priority: .emergency, plannedAt: 1,
                startedAt: 2, endedAt: 3, outcome: .interrupted, reason: "pre-empted by #2", fromFrame: 0,
                toFrame: 50, frameMs: 20, text: "Thông báo họp lúc 7h30.", recording: 9),
            minimal: LogEntryView(
                itemId: 1, zone: "thon-dong", title: "a", priority: .normal, plannedAt: 1, startedAt: nil,
                endedAt: nil, outcome: .missed, reason: nil, fromFrame: 0, toFrame: 0, frameMs: 20)),
        Sample("ReportRow", ReportRow(zone: "thon-dong", priority: .normal, items: 3, seconds: 195)),
        Sample(
            "BoxPlayView",
            BoxPlayView(
                receiver: "5f3a", name: "cong-dinh", zone: "thon-dong", itemId: 12, frameMs: 20, fromFile: 1_480,
                fromStream: 20, rebuilt: 0, concealed: 0, reportedAt: 1_764_558_000_000, startedAt: 1_764_557_970_000,
                offline: true),
            minimal: BoxPlayView(
                receiver: "5f3a", name: "cong-dinh", zone: nil, itemId: 12, frameMs: 20, fromFile: 0, fromStream: 0,
                rebuilt: 0, concealed: 0, reportedAt: 0)),
        Sample(
            "BoxReportRow",
            BoxReportRow(
                receiver: "5f3a", name: "cong-dinh", zone: "thon-dong", items: 31, seconds: 9_300, fromFile: 460_000,
                fromStream: 5_000, rebuilt: 10, concealed: 2),
            minimal: BoxReportRow(
                receiver: "5f3a", name: "cong-dinh", zone: nil, items: 0, seconds: 0, fromFile: 0, fromStream: 0,
                rebuilt: 0, concealed: 0)),
        Sample("ReceiverView", receiver, minimal: bareReceiver),
        Sample(
            "HeartbeatView", heartbeat,
            minimal: HeartbeatView(
                epoch: 1, sequence: 2, intervalMs: 5000, uptimeSeconds: 60, playing: false, muted: false,
                soundCardFailing: nil, volume: 80, temperatureC: nil, streamId: nil, jitterFrames: 0, received: 0,
                lost: 0, late: 0, recoveredByFEC: 0, concealed: 0, rejected: 0, underruns: 0, version: "1.4",
                zones: [])),
        Sample("HistoryView", HistoryView(at: "2026-12-01T05:00:00.000Z", state: "online", detail: "approved")),
        Sample(
            "ReceiverDetailView",
            ReceiverDetailView(
                receiver: receiver, heartbeat: heartbeat,
                history: [HistoryView(at: "2026-12-01T05:00:00.000Z", state: "online", detail: "approved")]),
            minimal: ReceiverDetailView(receiver: bareReceiver, heartbeat: nil, history: [])),
        Sample("ApprovedCount", ApprovedCount(approved: 2, joined: 1), minimal: ApprovedCount(approved: 2)),
        Sample(
            "PlacementView",
            PlacementView(
                receiver: receiver,
                zoneCommand: CommandView(
                    id: 8, receiver: "a1b2c3d4e5f60718", name: "nha-van-hoa", action: .zone, result: .failed,
                    reason: "no acknowledgement after 5 attempts")),
            minimal: PlacementView(receiver: bareReceiver, zoneCommand: nil)),
        Sample(
            "ZoneFleetView", ZoneFleetView(name: "thon-dong", group: "239.255.77.2:5004", online: 3, receivers: 4),
            minimal: ZoneFleetView(name: "thon-cu", group: nil, online: 0, receivers: 1)),
        Sample(
            "CommandView",
            CommandView(
                id: 7, receiver: "a1b2c3d4e5f60718", name: "nha-van-hoa", action: .testTone, result: .failed,
                reason: "no acknowledgement after 5 attempts"),
            minimal: CommandView(
                id: 7, receiver: "a1b2c3d4e5f60718", name: "nha-van-hoa", action: .mute, result: .acknowledged,
                reason: nil)),
        Sample(
            "AlertView",
            AlertView(
                id: 1, kind: "offline", receiver: "nha-van-hoa", at: "2026-12-01T05:00:00.000Z",
                detail: "no heartbeat for 15 s")),
        Sample("FleetView", FleetView(heartbeats: "udp://127.0.0.1:8751", controllerKey: "AAAA")),
        Sample(
            "KeyListView",
            KeyListView(
                version: 3, streamKey: "BBBB", operators: [.init(name: "chu-tich", emergency: true, key: "CCCC")])),
        Sample("EmergencyDecision", EmergencyDecision(accepted: true, reason: "ok", items: [4], acceptedAt: 5)),
        Sample(
            "AuditEntryView",
            AuditEntryView(
                at: 1, action: "emergency start", operators: "chu-tich", zones: "all", outcome: .refused,
                reason: "replayed: this command's nonce was used before", code: "replayed",
                actor: "chu-tich", source: "10.0.0.2",
                target: "all", count: 1)),
        Sample(
            "AuditVerificationView",
            AuditVerificationView(
                entries: 7, intact: false, firstBrokenRow: 4,
                summary: "7 entries, chain broken at row 4: it was altered, or a row before it was deleted"),
            minimal: AuditVerificationView(
                entries: 7, intact: true, firstBrokenRow: nil, summary: "7 entries, chain intact")),
    ]
}
