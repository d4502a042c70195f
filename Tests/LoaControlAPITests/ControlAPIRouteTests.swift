import Foundation
import Hummingbird
import HummingbirdTesting
import LoaControlAPI
import LoaController
import LoaCrypto
import LoaTrust
import LoaWire
import Logging
import Testing

/// The control API driven in-process (HummingbirdTesting) on a real controller's parts: a real database, key
/// store, programme and fleet in a temporary state directory; the pacer is built but not started.
@Suite struct ControlAPIRouteTests {
    /// Runs `body` against a fresh controller's API, signed in as an admin.
    func withAPI(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withAPIAndRoot { client, _ in try await body(client) }
    }

    /// Runs `body` against a fresh controller's API started from a key ceremony (`RootCeremony`) run outside its
    /// state directory, signed in as an admin, with the ceremony's root key.
    func withAPIAndRoot(_ body: @escaping @Sendable (any TestClientProtocol, SigningKeyPair) async throws -> Void)
        async throws
    {
        let controller = try TestController()
        let token = try controller.session("quan-tri", .admin)
        let root = try controller.rootKey()
        try await controller.run { client in try await body(SignedIn(base: client, token: token), root) }
    }

    @Test func health() async throws {
        try await withAPI { client in
            let health = try await client.json(HealthView.self, .get, "/health")
            #expect(health == HealthView(timeZone: "Asia/Ho_Chi_Minh"))
        }
    }

    @Test func zonesAndSessionDescription() async throws {
        try await withAPI { client in
            let zones = try await client.json([ZoneView].self, .get, "/zones")
            #expect(zones.map(\.name) == ["all"])
            try await client.execute(uri: "/zones/all/sdp", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("m=audio 5004"))
            }
            try await client.expectError(.get, "/zones/nowhere/sdp", .notFound, containing: "nowhere")
        }
    }

    @Test func clipsAndItems() async throws {
        try await withAPI { client in
            let clip = try await client.json(
                ClipView.self, .post, "/clips?title=tone", body: Sound.wav(seconds: 1), status: .created)
            #expect(clip.title == "tone" && (960...1040).contains(clip.durationMs))
            // Not a sound file, and no file at all: refused, nothing stored.
            try await client.expectError(
                .post, "/clips?title=text", .badRequest, body: ByteBuffer(string: "not a sound file at all"))
            try await client.expectError(.post, "/clips", .badRequest, body: ByteBuffer())

            let item = try await client.json(
                ItemView.self, .post, "/items?clip=\(clip.id)&title=bulletin&priority=priority", status: .created)
            // Without a running pacer the item goes on the air at once, or waits.
            #expect(item.priority == .priority && item.title == "bulletin")
            #expect([["all": .pending], ["all": .playing]].contains(item.states))
            #expect(try await client.json(ItemView.self, .get, "/items/\(item.id)") == item)
            let cancelled = try await client.json(ItemView.self, .delete, "/items/\(item.id)")
            #expect(cancelled.id == item.id)

            try await client.expectError(
                .post, "/items?clip=\(clip.id)&priority=urgent", .badRequest, containing: "urgent")
            try await client.expectError(.post, "/items?clip=\(clip.id)&onInterrupt=later", .badRequest)
            try await client.expectError(.post, "/items?clip=\(clip.id)&zones=nowhere", .notFound)
            try await client.expectError(.post, "/items?clip=999999", .notFound)
            try await client.expectError(.get, "/items/999999", .notFound)
            try await client.expectError(.get, "/items/abc", .badRequest)
            try await client.expectError(.delete, "/items/-4", .badRequest)
            let longTitle = String(repeating: "x", count: 300)
            try await client.expectError(.post, "/items?clip=\(clip.id)&title=\(longTitle)", .badRequest)
        }
    }

    @Test func status() async throws {
        try await withAPI { client in
            let clip = try await client.json(
                ClipView.self, .post, "/clips", body: Sound.wav(seconds: 1), status: .created)
            let item = try await client.json(ItemView.self, .post, "/items?clip=\(clip.id)", status: .created)
            let status = try await client.json(StatusView.self, .get, "/status")
            #expect(status.zones.map(\.name) == ["all"])
            let zone = try #require(status.zones.first)
            #expect((zone.playing.map { [$0.id] } ?? []) + zone.queued.map(\.id) == [item.id])
        }
    }

    @Test func schedule() async throws {
        try await withAPI { client in
            let clip = try await client.json(
                ClipView.self, .post, "/clips", body: Sound.wav(seconds: 1), status: .created)
            let slot = SlotInput(
                name: "sang", zones: ["all"], times: [330], weekdays: [1, 2, 3, 4, 5, 6, 7], from: nil, until: nil,
                clipIds: [clip.id])
            let applied = try await client.json(
                ScheduleApplied.self, .post, "/schedule", body: try Sound.json([slot]))
            #expect(applied.slots == 1)
            let week = try await client.json([TimetableEntry].self, .get, "/schedule/timetable?from=2026-12-01&days=7")
            #expect(week.count == 7 && week.allSatisfy { $0.time == "05:30" && $0.slot == "sang" })

            // Bad schedules are refused and change nothing.
            var bad = slot
            bad.times = [5000]
            try await client.expectError(.post, "/schedule", .badRequest, body: try Sound.json([bad]))
            bad = slot
            bad.weekdays = [0]
            try await client.expectError(.post, "/schedule", .badRequest, body: try Sound.json([bad]))
            bad = slot
            bad.from = "300000000-01-01"
            try await client.expectError(.post, "/schedule", .badRequest, body: try Sound.json([bad]))
            bad = slot
            bad.clipIds = [424242]
            try await client.expectError(.post, "/schedule", .notFound, body: try Sound.json([bad]))
            try await client.expectError(.post, "/schedule", .badRequest, body: ByteBuffer(string: "{\"slots\": 1"))
            let after = try await client.json([TimetableEntry].self, .get, "/schedule/timetable?from=2026-12-01&days=7")
            #expect(after == week)

            try await client.expectError(.get, "/schedule/timetable?days=0", .badRequest)
            try await client.expectError(.get, "/schedule/timetable?days=100000000", .badRequest)
            try await client.expectError(.get, "/schedule/timetable?from=0001-01-01", .badRequest)
            try await client.expectError(.get, "/schedule/timetable?from=tomorrow", .badRequest)
        }
    }

    @Test func log() async throws {
        try await withAPI { client in
            #expect(try await client.json([LogEntryView].self, .get, "/log?since=0") == [])
            try await client.expectError(.get, "/log?since=-5", .badRequest)
            try await client.expectError(.get, "/log?since=99999999999999999999999", .badRequest)
        }
    }

    @Test func reportRefusesHostileMonthsAndStaysUp() async throws {
        try await withAPI { client in
            #expect(try await client.json([ReportRow].self, .get, "/report?month=2026-11") == [])
            for month in [
                "300000000-01", "2026-13", "2026-00", "-2026-01", "2026-1-1", "0000-01", "", "9223372036854775807-12",
            ] {
                try await client.expectError(.get, "/report?month=\(month)", .badRequest, containing: "YYYY-MM")
            }
            // Still answering after all of them.
            #expect(try await client.json(HealthView.self, .get, "/health").status == "ok")
        }
    }

    @Test func receivers() async throws {
        try await withAPI { client in
            #expect(try await client.json([ReceiverView].self, .get, "/receivers") == [])
            try await client.expectError(.get, "/receivers/nobody", .notFound, containing: "nobody")
            try await client.expectError(.post, "/receivers/nobody/approve", .notFound)
            #expect(try await client.json(ApprovedCount.self, .post, "/receivers/approve-pending").approved == 0)
            try await client.expectError(.post, "/receivers/approve-pending?zone=nowhere", .badRequest)
            try await client.expectError(.post, "/commands?action=explode&zone=all", .badRequest, containing: "explode")
            try await client.expectError(.post, "/commands?action=volume&value=101&zone=all", .badRequest)
            try await client.expectError(.post, "/commands?action=mute", .badRequest, containing: "which receiver")
            try await client.expectError(.get, "/alerts?after=x", .badRequest)
            #expect(try await client.json([AlertView].self, .get, "/alerts?after=0") == [])
            #expect(try await client.json(FleetView.self, .get, "/fleet").controllerKey.count == 44)
        }
    }

    /// The controller never signs a key list: `POST /keys/operators` (the server signing with the root) is gone;
    /// a list signed by the ceremony's root key, newer, is installed.
    @Test func keys() async throws {
        try await withAPIAndRoot { client, root in
            let list = try await client.json(KeyListView.self, .get, "/keys")
            #expect(list.operators == [] && list.streamKey.count == 44)
            try await client.execute(uri: "/keys/root.pub", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).count == 45)
            }
            let key = String(repeating: "A", count: 43) + "="
            try await client.execute(
                uri: "/keys/operators?name=chu-tich&emergency=1", method: .post, body: ByteBuffer(string: key)
            ) { response in #expect(response.status == .notFound) }
            let added = try await client.installList(
                adding: "chu-tich", key: Array(repeating: 0, count: 32), emergency: true, signedBy: root)
            #expect(added.version == list.version + 1 && added.operators.map(\.name) == ["chu-tich"])
            try await client.expectError(.post, "/keys/list", .badRequest, body: ByteBuffer(string: "junk"))
        }
    }

    @Test func emergencyRefusesBadCommandsAndAuditsThem() async throws {
        try await withAPI { client in
            try await client.expectError(.post, "/emergency", .badRequest, containing: "X-Loa-Command")
            try await client.expectError(
                .post, "/emergency", .badRequest, headers: [.init("X-Loa-Command")!: "%%%"])
            try await client.expectError(
                .post, "/emergency", .forbidden, headers: [.init("X-Loa-Command")!: "AAAAAAAA"],
                containing: "emergency command refused: malformed command")
            let audit = try await client.json([AuditEntryView].self, .get, "/audit")
            #expect(audit.map(\.outcome) == [.refused] && audit.first?.action == "unreadable")
        }
    }
}

extension TestClientProtocol {
    /// Sends a request, expects `status`, and decodes the JSON answer.
    func json<T: Decodable>(
        _ type: T.Type, _ method: HTTPRequest.Method, _ uri: String, body: ByteBuffer? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> T {
        try await execute(uri: uri, method: method, body: body) { response in
            #expect(response.status == status, "\(method) \(uri): \(String(buffer: response.body))")
            return try JSONDecoder().decode(T.self, from: Data(buffer: response.body))
        }
    }

    /// Sends a request and expects an `ErrorBody` with `status` (whose line contains `text`).
    func expectError(
        _ method: HTTPRequest.Method, _ uri: String, _ status: HTTPResponse.Status, headers: HTTPFields = [:],
        body: ByteBuffer? = nil, containing text: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            #expect(response.status == status, "\(method) \(uri)", sourceLocation: sourceLocation)
            let error = try? JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
            #expect(
                error.map { text.isEmpty || $0.error.contains(text) } == true,
                "\(method) \(uri): \(String(buffer: response.body))", sourceLocation: sourceLocation)
        }
    }
}

/// Request bodies the tests send.
enum Sound {
    /// A 1 kHz tone as a 16-bit mono 48 kHz WAV file.
    static func wav(seconds: Double) -> ByteBuffer {
        let rate = 48_000
        let frames = Int(Double(rate) * seconds)
        var buffer = ByteBuffer()
        buffer.writeString("RIFF")
        buffer.writeInteger(UInt32(36 + frames * 2), endianness: .little)
        buffer.writeString("WAVEfmt ")
        buffer.writeInteger(UInt32(16), endianness: .little)
        buffer.writeInteger(UInt16(1), endianness: .little)
        buffer.writeInteger(UInt16(1), endianness: .little)
        buffer.writeInteger(UInt32(rate), endianness: .little)
        buffer.writeInteger(UInt32(rate * 2), endianness: .little)
        buffer.writeInteger(UInt16(2), endianness: .little)
        buffer.writeInteger(UInt16(16), endianness: .little)
        buffer.writeString("data")
        buffer.writeInteger(UInt32(frames * 2), endianness: .little)
        for frame in 0..<frames {
            let sample = sin(2 * Double.pi * 1000 * Double(frame) / Double(rate)) * 12_000
            buffer.writeInteger(Int16(sample), endianness: .little)
        }
        return buffer
    }

    static func json(_ value: some Encodable) throws -> ByteBuffer { ByteBuffer(data: try JSONEncoder().encode(value)) }
}
