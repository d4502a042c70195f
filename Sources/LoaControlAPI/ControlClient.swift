import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The typed client of the control API: one method per route. Used by `loa`.
///
/// It waits on AsyncHTTPClient's event loop (no polling), streams uploads from disk after checking their size,
/// and turns every failure into a `ControlClientError` whose message is one line saying what is wrong and what to do.
public struct ControlClient: Sendable {
    public let baseURL: URL
    /// How long one request may take: the controller decodes and encodes an upload before it answers.
    public var timeout: TimeAmount = .seconds(600)
    /// The session token sent as `Authorization: Bearer` (from `loa login` or `LOA_TOKEN`); nil sends none.
    public var token: String?
    /// Called as an uploaded file is read for sending (bytes sent so far, the file's size); nil: not told.
    public var uploadProgress: UploadProgress?
    /// How an https controller is trusted (ServerTrust.swift); unused for http.
    public var trust: ServerTrust = .pinned(.user, firstUse: .init(expected: nil, ask: nil))

    /// The controller at `address` ("http://HOST:PORT", "https://HOST:PORT", or "HOST:PORT"). Plain http only to a
    /// loopback host (`LoopbackHost`): a session token or a password never crosses a network unencrypted.
    public init(address: String) throws(ControlClientError) {
        let withScheme = address.contains("://") ? address : "http://" + address
        guard let url = URL(string: withScheme), let host = url.host, url.scheme == "http" || url.scheme == "https"
        else {
            throw ControlClientError("the controller address '\(address)' is not a URL such as http://127.0.0.1:8750")
        }
        guard url.scheme == "https" || LoopbackHost.contains(host) else {
            throw ControlClientError(
                "refusing plain http to \(host): the session token and passwords would cross the network readable; "
                    + "use https://\(host):\(url.port ?? 8750) (off loopback the controller serves only TLS)")
        }
        baseURL = url
    }

    /// For an https controller: makes sure its certificate is trusted (pinning it on first contact, as `trust`
    /// says) before anything secret is typed or sent; nothing for http.
    public func trustController() async throws(ControlClientError) {
        guard baseURL.scheme == "https", let host = baseURL.host else { return }
        _ = try await trust.configuration(host: host, port: baseURL.port ?? 443)
    }

    // MARK: programme

    public func health() async throws(ControlClientError) -> HealthView { try await json(.health) }
    public func zones() async throws(ControlClientError) -> [ZoneView] { try await json(.zones) }

    public func sessionDescription(zone: String) async throws(ControlClientError) -> String {
        String(decoding: try await send(.sessionDescription, path: Route.sessionDescription.path(zone)), as: UTF8.self)
    }

    public func storeClip(file: String, title: String) async throws(ControlClientError) -> ClipView {
        try await json(
            .storeClip, query: [(Query.title, title)], body: try Upload(file: file, progress: uploadProgress))
    }

    /// The schedule waiting for an approver, if any (nil: none waits).
    public func heldSchedule() async throws(ControlClientError) -> ScheduleApplied? {
        let held: ScheduleApplied = try await json(.heldSchedule)
        return held.heldBy == nil ? nil : held
    }

    /// Applies the schedule waiting for an approver (an approver's call).
    public func releaseSchedule() async throws(ControlClientError) -> ScheduleApplied {
        try await json(.releaseSchedule)
    }

    /// Items waiting for an approver.
    public func heldItems() async throws(ControlClientError) -> [ItemView] { try await json(.heldItems) }

    /// Releases held item `id`: it airs as if queued now (an approver's call).
    public func release(_ id: Int64) async throws(ControlClientError) -> ItemView {
        try await json(.releaseItem, path: Route.releaseItem.path(String(id)))
    }

    /// The clip library, by name.
    public func library() async throws(ControlClientError) -> [NamedClipView] { try await json(.library) }

    /// Names stored clip `clip` `name` in the library (replacing what the name meant before).
    public func nameClip(_ name: String, clip: Int64) async throws(ControlClientError) -> NamedClipView {
        try await json(.nameClip, path: Route.nameClip.path(name), query: [(Query.clip, String(clip))])
    }

    /// Takes `name` out of the library (the clip stays stored: items and slots that use it still play).
    public func removeNamedClip(_ name: String) async throws(ControlClientError) -> NamedClipView {
        try await json(.removeNamedClip, path: Route.removeNamedClip.path(name))
    }

    /// Has the controller read the sound file `file` as it would to store it, storing nothing: its length, or
    /// the controller's reason (status 400) why it cannot be played.
    public func checkClip(file: String) async throws(ControlClientError) -> ClipCheckView {
        try await json(.checkClip, body: try Upload(file: file))
    }

    /// Queues `file` (or the stored clip `clip` when `file` is nil).
    public func queue(
        file: String?, clip: Int64? = nil, zones: String, title: String, priority: Priority, now: Bool,
        onInterrupt: InterruptPolicy, at: Int64? = nil
    ) async throws(ControlClientError) -> ItemView {
        var query = [
            (Query.zones, zones), (Query.priority, priority.rawValue), (Query.now, now ? "1" : "0"),
            (Query.onInterrupt, onInterrupt.rawValue), (Query.title, title),
        ]
        if let clip { query.append((Query.clip, String(clip))) }
        if let at { query.append((Query.at, String(at))) }
        var upload: Upload?
        if let file { upload = try Upload(file: file, progress: uploadProgress) }
        return try await json(.queueItem, query: query, body: upload)
    }

    /// Reads `text` aloud as an item queued like a clip (`title` nil: the text's first line).
    public func say(
        text: String, zones: String, title: String?, priority: Priority, now: Bool, onInterrupt: InterruptPolicy,
        at: Int64? = nil
    ) async throws(ControlClientError) -> ItemView {
        var query = [
            (Query.zones, zones), (Query.priority, priority.rawValue), (Query.now, now ? "1" : "0"),
            (Query.onInterrupt, onInterrupt.rawValue),
        ]
        if let title { query.append((Query.title, title)) }
        if let at { query.append((Query.at, String(at))) }
        return try await json(.say, query: query, body: Upload(text: text))
    }

    /// Reads `text` aloud into a stored clip (a schedule's `say:`).
    public func storeSpeech(text: String, title: String?) async throws(ControlClientError) -> ClipView {
        try await json(.storeSpeech, query: title.map { [(Query.title, $0)] } ?? [], body: Upload(text: text))
    }

    /// How `text` would be read aloud: the words spoken and the playing time; stores nothing.
    public func previewSpeech(text: String) async throws(ControlClientError) -> SpeechView {
        try await json(.previewSpeech, body: Upload(text: text))
    }

    /// Puts live input `input` on the air in `zones` (`loa live`); ended by `stopLive`.
    public func startLive(input: String, zones: String, title: String?, priority: Priority)
        async throws(ControlClientError) -> ItemView
    {
        var query = [(Query.input, input), (Query.zones, zones), (Query.priority, priority.rawValue)]
        if let title { query.append((Query.title, title)) }
        return try await json(.startLive, query: query)
    }

    /// Relays the station at `sources` (primary first) in `zones` until `until` (Unix ms), with stored clip
    /// `fallback` when no source gives audio (`loa relay`); ended early by `stopLive`.
    public func startRelay(
        sources: [String], until: Int64, fallback: Int64?, zones: String, title: String?, priority: Priority
    ) async throws(ControlClientError) -> ItemView {
        var query = [
            (Query.sources, sources.joined(separator: " ")), (Query.until, String(until)), (Query.zones, zones),
            (Query.priority, priority.rawValue),
        ]
        if let fallback { query.append((Query.fallbackClip, String(fallback))) }
        if let title { query.append((Query.title, title)) }
        return try await json(.startRelay, query: query)
    }

    /// Ends live item `id`: its recording is stored as its clip.
    public func stopLive(_ id: Int64) async throws(ControlClientError) -> ItemView {
        try await json(.stopLive, path: Route.stopLive.path(String(id)))
    }

    /// Says that whoever started live item `id` is still there (`loa live` does every 2 s).
    public func keepLive(_ id: Int64) async throws(ControlClientError) -> ItemView {
        try await json(.keepLive, path: Route.keepLive.path(String(id)))
    }

    public func item(_ id: Int64) async throws(ControlClientError) -> ItemView {
        try await json(.item, path: Route.item.path(String(id)))
    }

    public func cancel(_ id: Int64) async throws(ControlClientError) -> ItemView {
        try await json(.cancelItem, path: Route.cancelItem.path(String(id)))
    }

    public func status() async throws(ControlClientError) -> StatusView { try await json(.status) }

    public func applySchedule(_ slots: [SlotInput]) async throws(ControlClientError) -> ScheduleApplied {
        let body: Data
        do { body = try JSONEncoder().encode(slots) } catch { throw ControlClientError("cannot encode the schedule") }
        return try await json(.applySchedule, body: Upload(json: body))
    }

    /// `days` days from `from` (YYYY-MM-DD; the controller's today for nil).
    public func timetable(from: String?, days: Int) async throws(ControlClientError) -> [TimetableEntry] {
        try await json(.timetable, query: [(Query.days, String(days))] + (from.map { [(Query.from, $0)] } ?? []))
    }

    public func log(since: Int64, zone: String?) async throws(ControlClientError) -> [LogEntryView] {
        try await json(.log, query: [(Query.since, String(since))] + (zone.map { [(Query.zone, $0)] } ?? []))
    }

    public func report(month: String) async throws(ControlClientError) -> [ReportRow] {
        try await json(.report, query: [(Query.month, month)])
    }

    /// How each box played each item it reported from `since` (proof of play per box).
    public func boxLog(since: Int64, zone: String?) async throws(ControlClientError) -> [BoxPlayView] {
        try await json(.boxLog, query: [(Query.since, String(since))] + (zone.map { [(Query.zone, $0)] } ?? []))
    }

    /// The month's record per box, `month` as YYYY-MM.
    public func boxReport(month: String) async throws(ControlClientError) -> [BoxReportRow] {
        try await json(.boxReport, query: [(Query.month, month)])
    }

    // MARK: fleet

    public func receivers() async throws(ControlClientError) -> [ReceiverView] { try await json(.receivers) }

    public func receiver(_ id: String) async throws(ControlClientError) -> ReceiverDetailView {
        try await json(.receiver, path: Route.receiver.path(id))
    }

    /// Admits (or renames, or moves) a receiver; with a zone, answers once the box acknowledged joining its group.
    public func approve(_ id: String, name: String?, zone: String?) async throws(ControlClientError) -> PlacementView {
        try await json(
            .approveReceiver, path: Route.approveReceiver.path(id),
            query: (name.map { [(Query.name, $0)] } ?? []) + (zone.map { [(Query.zone, $0)] } ?? []))
    }

    /// Registers an approved receiver in `zone` and sends it the zone's group.
    public func move(_ id: String, zone: String) async throws(ControlClientError) -> PlacementView {
        try await json(.moveReceiver, path: Route.moveReceiver.path(id), query: [(Query.zone, zone)])
    }

    public func rename(_ id: String, name: String) async throws(ControlClientError) -> ReceiverView {
        try await json(.renameReceiver, path: Route.renameReceiver.path(id), query: [(Query.name, name)])
    }

    public func reject(_ id: String) async throws(ControlClientError) -> ReceiverView {
        try await json(.rejectReceiver, path: Route.rejectReceiver.path(id))
    }

    public func remove(_ id: String) async throws(ControlClientError) -> ReceiverView {
        try await json(.removeReceiver, path: Route.removeReceiver.path(id))
    }

    /// Per zone: its group and its boxes (online / approved).
    public func fleetZones() async throws(ControlClientError) -> [ZoneFleetView] { try await json(.fleetZones) }

    public func approvePending(zone: String?) async throws(ControlClientError) -> ApprovedCount {
        try await json(.approvePending, query: zone.map { [(Query.zone, $0)] } ?? [])
    }

    /// Sends `action` to one receiver, or to every approved receiver of `zone`; answers once each has answered.
    public func command(_ action: CommandAction, value: Int? = nil, receiver: String?, zone: String?)
        async throws(ControlClientError) -> [CommandView]
    {
        var query = [(Query.action, action.rawValue)]
        if let value { query.append((Query.value, String(value))) }
        if let receiver { query.append((Query.receiver, receiver)) }
        if let zone { query.append((Query.zone, zone)) }
        return try await json(.command, query: query)
    }

    public func alerts(after: Int64) async throws(ControlClientError) -> [AlertView] {
        try await json(.alerts, query: [(Query.after, String(after))])
    }

    public func fleet() async throws(ControlClientError) -> FleetView { try await json(.fleet) }

    // MARK: keys, emergencies, audit

    public func keyList() async throws(ControlClientError) -> KeyListView { try await json(.keyList) }

    /// The key list in force, signed, as bytes.
    public func signedKeyList() async throws(ControlClientError) -> [UInt8] {
        [UInt8](try await send(.signedKeyList))
    }

    public func installKeyList(_ bytes: [UInt8]) async throws(ControlClientError) -> KeyListView {
        try await json(.installKeyList, body: Upload(data: Data(bytes), contentType: "application/octet-stream"))
    }

    /// Submits a signed emergency command (base64) with its clip file, if any.
    public func emergency(command: String, clip: String?, title: String) async throws(ControlClientError)
        -> EmergencyDecision
    {
        var upload: Upload?
        if let clip { upload = try Upload(file: clip, progress: uploadProgress) }
        return try await json(
            .emergency, query: [(Query.title, title)], headers: [(Header.command, command)], body: upload)
    }

    public func audit() async throws(ControlClientError) -> [AuditEntryView] { try await json(.audit) }

    /// Checks the audit log's hash chain on the controller.
    public func verifyAudit() async throws(ControlClientError) -> AuditVerificationView {
        try await json(.auditVerify)
    }

    // MARK: accounts

    public func login(name: String, password: String) async throws(ControlClientError) -> LoginAnswer {
        try await json(.login, body: Upload(json: try encoded(LoginRequest(name: name, password: password))))
    }

    public func logout() async throws(ControlClientError) { _ = try await send(.logout) }
    public func accounts() async throws(ControlClientError) -> [AccountView] { try await json(.accounts) }

    public func addAccount(_ input: AccountInput) async throws(ControlClientError) -> AccountView {
        try await json(.addAccount, body: Upload(json: try encoded(input)))
    }

    public func removeAccount(_ name: String) async throws(ControlClientError) {
        _ = try await send(.removeAccount, path: Route.removeAccount.path(name))
    }

    public func setRole(_ name: String, role: Role) async throws(ControlClientError) {
        _ = try await send(.setRole, path: Route.setRole.path(name), query: [(Query.role, role.rawValue)])
    }

    public func revokeSessions(_ name: String) async throws(ControlClientError) {
        _ = try await send(.revokeSessions, path: Route.revokeSessions.path(name))
    }

    private func encoded(_ value: some Encodable) throws(ControlClientError) -> Data {
        do { return try JSONEncoder().encode(value) } catch { throw ControlClientError("cannot encode \(value)") }
    }

    // MARK: transport

    /// Sends a request and decodes the JSON answer of a 2xx; throws the API's error line otherwise.
    func json<T: Decodable>(
        _ route: Route, path: String? = nil, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Upload? = nil
    ) async throws(ControlClientError) -> T {
        let data = try await send(route, path: path, query: query, headers: headers, body: body)
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw ControlClientError("the controller's answer to \(route) is not what this loa expects: \(error)")
        }
    }

    /// Sends a request and returns the body of a 2xx answer (the raw JSON for `--json`); throws the API's error
    /// line otherwise.
    public func send(
        _ route: Route, path: String? = nil, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Upload? = nil
    ) async throws(ControlClientError) -> Data {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        components?.percentEncodedPath = path ?? route.path
        if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components?.url else { throw ControlClientError("cannot form a URL for \(route)") }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: route.method.rawValue)
        let secure = baseURL.scheme == "https"
        let (host, port) = (baseURL.host ?? "", baseURL.port ?? (secure ? 443 : 80))
        if secure { request.tlsConfiguration = try await trust.configuration(host: host, port: port) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: Header.authorization, value: "Bearer " + token) }
        if let body {
            request.headers.add(name: "Content-Type", value: body.contentType)
            request.body = body.requestBody
        }
        let status: UInt
        let answer: ByteBuffer
        do {
            let response = try await Self.http.execute(request, timeout: timeout)
            status = response.status.code
            answer = try await response.body.collect(upTo: 256 << 20)
        } catch {
            if let late = error as? HTTPClientError, late == .deadlineExceeded {
                throw ControlClientError(
                    "the controller did not answer within \(timeout.nanoseconds / 1_000_000_000) s; it may still be "
                        + "working on it: check with 'loa queue --list' or 'loa status' before sending it again")
            }
            if secure, let line = await trust.explain(host: host, port: port) { throw ControlClientError(line) }
            throw ControlClientError(
                "no controller answers at \(baseURL.absoluteString) (\(Self.reason(error))); start it with "
                    + "'loa-controller', or point --controller or LOA_CONTROLLER at the right one")
        }
        let data = Data(answer.readableBytesView)
        guard (200..<300).contains(status) else {
            if let body = try? JSONDecoder().decode(ErrorBody.self, from: data) {
                throw ControlClientError(body.error, status: status)
            }
            throw ControlClientError(
                "the controller answered \(status) to \(route.method.rawValue) \(path ?? route.path)", status: status)
        }
        return data
    }
}

/// A failure of the client: one line for the broadcaster.
public struct ControlClientError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The HTTP status the controller answered with, nil when no answer came (or it could not be read).
    public var status: UInt?
    public init(_ description: String, status: UInt? = nil) {
        self.description = description
        self.status = status
    }
}

extension ControlClient {
    /// The process's one HTTP client. A refused connection fails at once, not after the pool's retries (90 s
    /// during which `loa` said nothing while no controller was running); a connection takes at most 10 s.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Why no answer came, in words: the library's own text only when it is neither of the common two.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("connectionRefused") { return "connection refused" }
        if text.lowercased().contains("timeout") || text.lowercased().contains("timed out") {
            return "no answer within 10 s"
        }
        return text
    }
}
