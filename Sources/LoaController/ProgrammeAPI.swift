import Foundation
import Hummingbird
import LoaControlAPI
import LoaSchedule
import LoaSource
import LoaSpeech

/// The programme's routes: health, zones, clips, items, status, schedule, log and report.
struct ProgrammeAPI {
    let programme: Programme
    let pacer: Pacer?
    let sessionDescriptions: [String: String]
    let uploads: UploadReceiver
    /// Its audit log records refused emergency requests: only the desk's signed commands start or stop one.
    let desk: EmergencyDesk
    /// `approval: on`: what a broadcaster queues is held until an approver releases it (`POST /items/ID/release`).
    var requireApproval = false

    func addRoutes(to router: Router<ControlContext>) {
        router.on(Route.health) { _, _ in HealthView(timeZone: programme.localTime.timeZone.identifier) }
        router.on(Route.zones) { _, _ in programme.zones.map(ZoneView.init) }
        router.on(Route.sessionDescription) { _, context -> Response in
            let name = try context.parameters.require("zone")
            guard let text = sessionDescriptions[name] else {
                throw APIError(
                    .notFound, ProgrammeError.unknownZone(name, known: sessionDescriptions.keys.sorted()).message)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/sdp"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.on(Route.storeClip) { request, _ -> EditedResponse<ClipView> in
            let title = try RequestInput(request: request).title(Query.title, default: "clip")
            let clip = try await storeUpload(request, title: title)
            return EditedResponse(status: .created, response: ClipView(clip))
        }
        router.on(Route.library) { _, _ -> [NamedClipView] in
            try await refusing { try await programme.library() }.map(NamedClipView.init)
        }
        router.on(Route.nameClip) { request, context -> NamedClipView in
            let name = try clipName(context)
            guard let id = try RequestInput(request: request).integer(Query.clip, in: Int64(1)...Int64.max) else {
                throw APIError(.badRequest, "say which stored clip to name: clip=ID (POST /clips stores one)")
            }
            try await refusing { try await programme.nameClip(name, clip: id) }
            guard let clip = try await refusing({ try await programme.storedClip(id) }) else {
                throw APIError(.notFound, ProgrammeError.unknownClip(id).message)
            }
            return NamedClipView((name, clip))
        }
        router.on(Route.removeNamedClip) { _, context -> NamedClipView in
            let name = try clipName(context)
            guard let named = try await refusing({ try await programme.library() }).first(where: { $0.name == name }),
                try await refusing({ try await programme.removeNamedClip(name) })
            else {
                throw APIError(.notFound, "no clip named '\(name.prefix(64))' in the library ('loa clips' lists it)")
            }
            return NamedClipView(named)
        }
        router.on(Route.checkClip) { request, _ -> ClipCheckView in
            try await uploads.withUpload(request) { path in
                guard let path else { throw APIError(.badRequest, ClipError.empty.message) }
                do throws(ClipError) {
                    let measured = try await programme.clips.check(path: path)
                    return ClipCheckView(
                        durationMs: measured.durationMs, sampleRate: measured.sampleRate, channels: measured.channels)
                } catch { throw APIError(.badRequest, error.message) }
            }
        }
        router.on(Route.queueItem) { request, context -> EditedResponse<ItemView> in
            try await refuseEmergency(request, context, action: .emergencyQueued)
            return try await queue(request)
        }
        router.on(Route.say) { request, context -> EditedResponse<ItemView> in
            try await refuseEmergency(request, context, action: .emergencySaid)
            let input = RequestInput(request: request)
            let options = try QueueOptions(input)
            try options.checkPlanned(now: programme.clock.now())
            _ = try await refusing { try await programme.resolveZones(options.zones) }
            let text = try await speechText(request)
            return try await say(
                text, title: try input.title(Query.title, default: Programme.title(reading: text)), options)
        }
        router.on(Route.storeSpeech) { request, _ -> EditedResponse<ClipView> in
            let text = try await speechText(request)
            let title = try RequestInput(request: request).title(Query.title, default: Programme.title(reading: text))
            let clip = try await refusing { try await programme.storeSpeech(text, title: title) }
            return EditedResponse(status: .created, response: ClipView(clip))
        }
        router.on(Route.previewSpeech) { request, _ -> SpeechView in
            let text = try await speechText(request)
            let (spoken, milliseconds) = try await refusing { try await programme.preview(text) }
            return SpeechView(text: text, spoken: spoken, durationMs: milliseconds)
        }
        router.on(Route.startLive) { request, _ -> EditedResponse<ItemView> in
            let input = RequestInput(request: request)
            guard let name = input.text(Query.input), !name.isEmpty else {
                throw APIError(.badRequest, "say which live input to air: input=NAME (the controller's 'inputs:')")
            }
            if input.text(Query.priority) == Priority.emergency.rawValue {
                throw APIError(
                    .forbidden,
                    "a live emergency starts only by signed command ('loa emergency start'); use priority or normal")
            }
            let options = try QueueOptions(input)
            let title: String? = input.text(Query.title) == nil ? nil : try input.title(Query.title, default: "")
            let item = try await refusing {
                try await programme.startLive(
                    input: name, zones: options.zones, priority: options.priority, title: title)
            }
            let airings = try await refusing { try await programme.item(item.id)?.1 ?? [] }
            var view = ItemView(item, airings: airings)
            view.chimeMs = programme.chimes[options.priority]?.durationMilliseconds
            return EditedResponse(status: .created, response: view)
        }
        router.on(Route.startRelay) { request, _ -> EditedResponse<ItemView> in
            let input = RequestInput(request: request)
            let sources = (input.text(Query.sources) ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
            if let problem = RelayPlan.problem(sources: sources) { throw APIError(.badRequest, problem) }
            guard let until = try input.integer(Query.until, in: Int64(0)...Int64.max) else {
                throw APIError(.badRequest, "say when the relay ends: until=UNIX_MS")
            }
            if input.text(Query.priority) == Priority.emergency.rawValue {
                throw APIError(
                    .forbidden,
                    "an emergency starts only by signed command ('loa emergency start'); use priority or normal")
            }
            let options = try QueueOptions(input)
            let fallback = try input.integer(Query.fallbackClip, in: Int64(1)...Int64.max)
            let title: String? = input.text(Query.title) == nil ? nil : try input.title(Query.title, default: "")
            let item = try await refusing {
                try await programme.startRelay(
                    RelayPlan(sources: sources, until: until, fallbackClip: fallback), zones: options.zones,
                    priority: options.priority, title: title)
            }
            let airings = try await refusing { try await programme.item(item.id)?.1 ?? [] }
            return EditedResponse(status: .created, response: ItemView(item, airings: airings))
        }
        router.on(Route.stopLive) { _, context -> ItemView in
            let id = try itemID(context)
            let item = try await refusing { try await programme.stopLive(id) }
            let airings = try await refusing { try await programme.item(id)?.1 ?? [] }
            return ItemView(item, airings: airings)
        }
        router.on(Route.keepLive) { _, context -> ItemView in
            let id = try itemID(context)
            let item = try await refusing { try await programme.keepLive(id) }
            let airings = try await refusing { try await programme.item(id)?.1 ?? [] }
            return ItemView(item, airings: airings)
        }
        router.on(Route.heldItems) { _, _ -> [ItemView] in
            var views: [ItemView] = []
            for item in try await refusing({ try await programme.heldItems() }) {
                views.append(ItemView(item, airings: try await refusing { try await programme.item(item.id)?.1 ?? [] }))
            }
            return views
        }
        router.on(Route.releaseItem) { _, context -> ItemView in
            let id = try itemID(context)
            let item = try await refusing { try await programme.release(id, by: Caller.name) }
            return ItemView(item, airings: try await refusing { try await programme.item(id)?.1 ?? [] })
        }
        router.on(Route.item) { _, context -> ItemView in
            let id = try itemID(context)
            guard let (item, airings) = try await programme.item(id) else {
                throw APIError(.notFound, ProgrammeError.unknownItem(id).message)
            }
            return ItemView(item, airings: airings)
        }
        router.on(Route.cancelItem) { _, context -> ItemView in
            try await cancel(try itemID(context), from: context.callerAddress)
        }
        router.on(Route.status) { _, _ in
            StatusView(zones: try await programme.status(packetsSent: { pacer?.packetsSent(zone: $0) ?? 0 }))
        }
        router.on(Route.applySchedule) { request, context -> ScheduleApplied in
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: Limits.jsonBodyBytes) } catch {
                throw APIError(.contentTooLarge, "the schedule is larger than \(Limits.jsonBodyBytes >> 10) KiB")
            }
            let slots: [SlotInput]
            do { slots = try JSONDecoder().decode([SlotInput].self, from: Data(buffer: body)) } catch {
                throw APIError(.badRequest, "the body is not a JSON list of slots (see docs/api/openapi.yaml)")
            }
            try ScheduleBounds.check(slots)
            if let broadcaster = heldBy() {
                try await refusing { try await programme.holdSchedule(slots, by: broadcaster) }
                return ScheduleApplied(slots: slots.count, heldBy: broadcaster)
            }
            try await refusing { try await programme.applySchedule(slots) }
            return ScheduleApplied(slots: slots.count)
        }
        router.on(Route.heldSchedule) { _, _ -> ScheduleApplied in
            let held = try await refusing { try await programme.heldSchedule() }
            return ScheduleApplied(slots: held?.slots.count ?? 0, heldBy: held?.by)
        }
        router.on(Route.releaseSchedule) { _, _ -> ScheduleApplied in
            let released = try await refusing { try await programme.releaseSchedule(by: Caller.name) }
            return ScheduleApplied(slots: released.slots.count)
        }
        router.on(Route.timetable) { request, _ -> [TimetableEntry] in
            let input = RequestInput(request: request)
            var from = programme.localTime.date(programme.clock.now())
            if let text = input.text(Query.from) {
                guard let date = LocalDate(text), Limits.years.contains(date.year) else {
                    throw APIError(
                        .badRequest,
                        "from '\(text.prefix(40))' must be a date YYYY-MM-DD from \(Limits.years.lowerBound) to \(Limits.years.upperBound)"
                    )
                }
                from = date
            }
            let days = try input.integer(Query.days, in: Limits.timetableDays) ?? 1
            return try await programme.timetable(from: from, days: days)
        }
        router.on(Route.log) { request, _ -> [LogEntryView] in
            let input = RequestInput(request: request)
            let since = try input.integer(Query.since, in: Int64(0)...Int64.max) ?? 0
            return try await programme.log(since: since, zone: input.text(Query.zone)).map(LogEntryView.init)
        }
        router.on(Route.report) { request, _ -> [ReportRow] in
            let (year, month) = try Self.month(request)
            return try await programme.report(year: year, month: month)
        }
    }

    /// The `month=YYYY-MM` of a report request.
    static func month(_ request: Request) throws -> (year: Int, month: Int) {
        let text = RequestInput(request: request).text(Query.month) ?? ""
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]), Limits.years.contains(year), (1...12).contains(month)
        else {
            throw APIError(.badRequest, "month '\(text.prefix(40))' must be YYYY-MM, such as 2026-11")
        }
        return (year, month)
    }

    private func itemID(_ context: ControlContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "item id '\(text.prefix(40))' must be a whole number such as 12")
        }
        return id
    }

    /// Refuses (and audits) an emergency asked for by a queuing route: only a signed command starts one.
    private func refuseEmergency(_ request: Request, _ context: ControlContext, action: AuditAction) async throws {
        let input = RequestInput(request: request)
        guard input.text(Query.priority) == Priority.emergency.rawValue else { return }
        desk.auditLog.record(
            actor: .account(Caller.name), action: action, target: input.text(Query.zones) ?? "",
            from: context.callerAddress,
            result: .refused(code: "needs-signed-command", reason: EmergencyRequest.startNeedsCommand))
        throw APIError(.forbidden, EmergencyRequest.startNeedsCommand)
    }

    private func queue(_ request: Request) async throws -> EditedResponse<ItemView> {
        let input = RequestInput(request: request)
        let options = try QueueOptions(input)
        try options.checkPlanned(now: programme.clock.now())
        _ = try await refusing { try await programme.resolveZones(options.zones) }
        let title = try input.title(Query.title, default: "clip")
        let clip: ClipRecord
        if let clipText = input.text(Query.clip) {
            guard let id = Int64(clipText), let stored = try await programme.storedClip(id) else {
                throw APIError(.notFound, "no stored clip \(clipText.prefix(40))")
            }
            clip = stored
        } else {
            clip = try await storeUpload(request, title: title)
        }
        return try await queue(clip, title: title, options)
    }

    /// Reads `text` aloud, stores it as a clip and queues it with `options` (`POST /say`, the dashboard's
    /// Phát thanh).
    func say(_ text: String, title: String, _ options: QueueOptions) async throws -> EditedResponse<ItemView> {
        _ = try await refusing { try await programme.resolveZones(options.zones) }
        let clip = try await refusing { try await programme.storeSpeech(text, title: title) }
        return try await queue(clip, title: title, options)
    }

    /// Cancels item `id` unless it is an emergency (which only a signed command stops; refused and audited).
    func cancel(_ id: Int64, from address: String) async throws -> ItemView {
        if let (item, _) = try await programme.item(id), item.priority == .emergency {
            desk.auditLog.record(
                actor: .account(Caller.name), action: .emergencyCancelled, target: "item \(id)", from: address,
                result: .refused(code: "needs-signed-command", reason: EmergencyRequest.stopNeedsCommand))
            throw APIError(.forbidden, EmergencyRequest.stopNeedsCommand)
        }
        let item = try await refusing { try await programme.cancel(id) }
        return ItemView(item, airings: try await programme.item(id)?.1 ?? [])
    }

    /// With approval required, the broadcaster whose request is held for an approver; nil for an approver's or
    /// admin's (or with approval off), which goes through.
    func heldBy() -> String? {
        requireApproval && Caller.account?.role == .broadcaster ? Caller.account?.name : nil
    }

    /// Queues a stored clip with `options`.
    func queue(_ clip: ClipRecord, title: String, _ options: QueueOptions) async throws
        -> EditedResponse<ItemView>
    {
        let held = heldBy()
        let item = try await refusing {
            try await programme.queue(
                clip: clip, title: title, zones: options.zones, priority: options.priority,
                immediate: options.immediate, onInterrupt: options.onInterrupt, plannedAt: options.plannedAt,
                heldBy: held)
        }
        let airings = try await programme.item(item.id)?.1 ?? []
        return EditedResponse(status: .created, response: ItemView(item, airings: airings))
    }

    /// The text to read aloud: the request body, UTF-8, at most `Limits.speechBytes`, with words in it.
    private func speechText(_ request: Request) async throws -> String {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Limits.speechBytes) } catch {
            throw APIError(
                .contentTooLarge, "the text is longer than \(Limits.speechBytes >> 10) KiB; split the notice in two")
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError(.badRequest, "the text to read aloud is not UTF-8; save it as UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError(.badRequest, SpeechError.nothingToSay.message) }
        return trimmed
    }

    /// Saves the request body to a temporary file and has the programme encode and store it.
    /// The `{name}` of a library route, if it can name a clip.
    private func clipName(_ context: ControlContext) throws -> String {
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw
        guard NamedClipView.isValidName(name) else {
            throw APIError(
                .badRequest,
                "a clip's name is 1 to 64 letters, digits, '-' or '_' (such as bao-lu), not '\(name.prefix(64))'")
        }
        return name
    }

    func storeUpload(_ request: Request, title: String) async throws -> ClipRecord {
        try await uploads.withUpload(request) { path in
            guard let path else { throw APIError(.badRequest, ClipError.empty.message) }
            return try await refusing { try await programme.storeClip(path: path, title: title) }
        }
    }
}

/// The options of queuing an item (`POST /items`, `POST /say`), read and checked from the query.
struct QueueOptions {
    var zones: [String]
    var priority: Priority
    var onInterrupt: InterruptPolicy
    var immediate: Bool
    /// When it may air at the earliest (Unix ms); nil: now.
    var plannedAt: Int64?

    init(_ input: RequestInput) throws {
        let zoneText = input.text(Query.zones) ?? input.text(Query.zone) ?? "all"
        zones = zoneText.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard zones.count <= Limits.zonesPerItem else {
            throw APIError(.badRequest, "an item may name at most \(Limits.zonesPerItem) zones")
        }
        let priorityText = input.text(Query.priority) ?? Priority.normal.rawValue
        guard let priority = Priority(rawValue: priorityText) else {
            throw APIError(.badRequest, "priority '\(priorityText.prefix(40))' must be normal, priority or emergency")
        }
        self.priority = priority
        let policyText = input.text(Query.onInterrupt) ?? InterruptPolicy.resume.rawValue
        guard let policy = InterruptPolicy(rawValue: policyText) else {
            throw APIError(.badRequest, "on-interrupt '\(policyText.prefix(40))' must be resume or restart")
        }
        onInterrupt = policy
        immediate = input.text(Query.now).map { $0 == "1" || $0 == "true" } ?? false
        plannedAt = try input.integer(Query.at, in: Int64(0)...Int64(253_402_300_799_000))
    }

    /// Refuses a planned time that has passed (by more than a minute) before anything is stored.
    func checkPlanned(now: Int64) throws {
        guard let plannedAt, plannedAt < now - 60_000 else { return }
        throw APIError(.badRequest, "at=\(plannedAt) has passed; give a time to come (Unix ms)")
    }

    init(
        zones: [String], priority: Priority, onInterrupt: InterruptPolicy = .resume, immediate: Bool,
        plannedAt: Int64? = nil
    ) {
        self.zones = zones
        self.priority = priority
        self.onInterrupt = onInterrupt
        self.immediate = immediate
        self.plannedAt = plannedAt
    }
}

/// The answers to an emergency asked for through the programme's routes instead of a signed command.
enum EmergencyRequest {
    static let startNeedsCommand =
        "an emergency airs only by a signed command: use 'loa emergency start' (priority=emergency is refused here)"
    static let stopNeedsCommand =
        "an emergency item stops only by a signed command: use 'loa emergency stop'"
}

/// Runs `body`, answering a `ProgrammeError` as 400/404 with its message.
func refusing<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as ProgrammeError {
        switch error {
        case .unknownZone, .unknownItem, .unknownClip, .unknownInput, .notLive: throw APIError(.notFound, error.message)
        case .storage: throw APIError(.internalServerError, error.message)
        case .notHeld, .noScheduleHeld: throw APIError(.conflict, error.message)
        default: throw APIError(.badRequest, error.message)
        }
    }
}

/// The bounds of a schedule in `POST /schedule`, checked before the programme sees it.
enum ScheduleBounds {
    static func check(_ slots: [SlotInput]) throws {
        guard slots.count <= Limits.slots else {
            throw APIError(.badRequest, "a schedule has at most \(Limits.slots) slots")
        }
        for slot in slots {
            let name = "slot '\(slot.name.prefix(40))'"
            guard Limits.titleCharacters.contains(slot.name.count) else {
                throw APIError(.badRequest, "a slot name must be 1 to \(Limits.titleCharacters.upperBound) characters")
            }
            guard slot.times.allSatisfy((0..<1440).contains) else {
                throw APIError(.badRequest, "\(name): times are minutes after midnight, 0 to 1439")
            }
            guard slot.weekdays.allSatisfy((1...7).contains) else {
                throw APIError(.badRequest, "\(name): weekdays are 1 (Monday) to 7 (Sunday)")
            }
            guard slot.zones.count <= Limits.zonesPerItem, slot.clipIds.count <= Limits.clipsPerSlot else {
                throw APIError(.badRequest, "\(name) names too many zones or clips")
            }
            if let relay = slot.relay {
                guard relay.count <= 8 else { throw APIError(.badRequest, "\(name): a relay has at most 8 sources") }
                if let problem = RelayPlan.problem(sources: relay) {
                    throw APIError(.badRequest, "\(name): \(problem)")
                }
                guard let minutes = slot.relayMinutes, (1...1440).contains(minutes) else {
                    throw APIError(.badRequest, "\(name): a relay slot needs relayMinutes, 1 to 1440")
                }
            }
            for date in [slot.from, slot.until].compactMap({ $0 }) {
                guard let local = LocalDate(date), Limits.years.contains(local.year) else {
                    throw APIError(.badRequest, "\(name): '\(date.prefix(40))' must be a date YYYY-MM-DD")
                }
            }
        }
    }
}

extension Router {
    /// Adds `route` (its method and path, from LoaControlAPI) with `handler`.
    @discardableResult
    func on<Output: ResponseGenerator>(
        _ route: Route, use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self {
        let method: HTTPRequest.Method
        switch route.method {
        case .get: method = .get
        case .post: method = .post
        case .delete: method = .delete
        }
        return on(RouterPath(route.routerPath), method: method, use: handler)
    }
}
