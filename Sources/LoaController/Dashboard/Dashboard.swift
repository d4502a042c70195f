import Foundation
import HTTPTypes
import Hummingbird
import LoaControlAPI
import Mustache
import NIOCore

/// The commune office's web pages under `/ui`, in Vietnamese (English as the second language), rendered on the
/// server from `DashboardTemplates`, for the same accounts and roles as `loa`:
///
/// - `GET /ui/login`, `POST /ui/login` — the login form; a login is the JSON API's (`AccountsAPI.logIn`: same
///   throttle, same audit entry for a failure) and its session token goes into the `SessionCookie`
/// - `POST /ui/logout` — ends the session
/// - `GET /ui` — Tổng quan; `GET /ui/events` — the overview again as Server-Sent Events whenever it changes
/// - `GET /ui/language?lang=vi|en` — keeps the chosen language in a cookie
/// - `GET /ui/app.css`, `GET /ui/app.js` — served from memory (no CDN)
///
/// Every POST needs a form token of the session (`CSRFKey`) and, when the browser says where the form came from
/// (`Origin`), this controller; pages are refused to frames and carry no script but `/ui/app.js`.
struct Dashboard: Sendable {
    let programme: Programme
    let fleet: Fleet
    let accounts: AccountStore
    let login: AccountsAPI
    /// The programme's routes' logic, which Phát thanh calls as `POST /say` and `DELETE /items/ID` do.
    let programmeAPI: ProgrammeAPI
    let auditLog: AuditLog
    /// The fleet's routes' logic, which Thiết bị calls as approve and `POST /commands` do.
    let fleetAPI: FleetAPI
    let cookie: SessionCookie
    let csrf: CSRFKey
    /// Where Khẩn cấp's signed commands go, as `POST /emergency`'s do.
    let desk: EmergencyDesk
    /// This commune's id (its root key's), which the browser signs into each command.
    let commune: UInt32
    /// The emergencies Khẩn cấp offers.
    let presets: [EmergencyPresetSetting]
    /// The largest sound file Phát thanh takes (`limits: upload-mib:`), checked in the browser before sending.
    let uploadBytes: Int64
    let templates = DashboardPages()

    /// How many refreshes one event stream carries before it ends (the browser then reconnects, and the
    /// session is checked again with the request).
    static let refreshesPerStream = 300
    static let refreshSeconds = 2

    /// A logged-in browser: its session token and account.
    struct Session {
        var token: String
        var account: Account
    }

    func addRoutes(to router: Router<ControlContext>) {
        router.get("/") { _, _ in Self.redirect("/ui") }
        router.get("/ui/app.css") { _, _ in Self.asset(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("/ui/app.js") { _, _ in
            Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8")
        }
        router.get("/ui/language") { request, _ -> Response in
            let chosen = DashboardLanguage(rawValue: RequestInput(request: request).text("lang") ?? "") ?? .vi
            var response = Self.redirect("/ui")
            response.headers[.setCookie] =
                "\(DashboardLanguage.cookie)=\(chosen.rawValue); Path=/; Max-Age=31536000; SameSite=Strict"
            return response
        }
        router.get("/ui/login") { request, _ -> Response in
            if try session(request) != nil { return Self.redirect("/ui") }
            return page("login", request, session: nil, [:])
        }
        router.post("/ui/login") { request, context -> Response in
            try refuseForeignOrigin(request)
            let form: LoginForm = try await Self.form(request)
            do {
                let answer = try await login.logIn(
                    LoginRequest(name: form.name, password: form.password), from: context.callerAddress)
                var response = Self.redirect("/ui")
                response.headers[.setCookie] = cookie.setting(
                    answer.token, maxAgeSeconds: AccountStore.lifetime / 1000)
                return response
            } catch let error as APIError where error.status == .unauthorized || error.status == .tooManyRequests {
                let words = DashboardText.words(language(request))
                let message = error.status == .unauthorized ? words["wrongPassword"] : words["tooManyLogins"]
                return page("login", request, session: nil, ["error": message ?? ""], status: error.status)
            }
        }
        router.post("/ui/logout") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let _: TokenForm = try await checkedForm(request, session)
            try accounts.endSession(token: session.token)
            var response = Self.redirect("/ui/login")
            response.headers[.setCookie] = cookie.clearing()
            return response
        }
        router.get("/ui") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let overview = try await overview(DashboardText.words(language(request)))
            return page("overview", request, session: session, overview.context.merging(["onOverview": true]) { $1 })
        }
        addBroadcastRoutes(to: router)
        addDeviceRoutes(to: router)
        addLogRoutes(to: router)
        addEmergencyRoutes(to: router)
        addScheduleRoutes(to: router)
        router.get("/ui/events") { request, _ -> Response in
            guard let session = try session(request) else { throw APIError(.unauthorized, "not logged in") }
            let words = DashboardText.words(language(request))
            let body = ResponseBody { (writer: inout any ResponseBodyWriter) in
                var last = ""
                for _ in 0..<Self.refreshesPerStream {
                    guard (try? accounts.account(forToken: session.token, now: programme.clock.now())) != nil else {
                        try await writer.write(ByteBuffer(string: ServerSentEvent.text("logout", "")))
                        break
                    }
                    let html = templates.render(
                        "overviewBody", try await overview(words).context.merging(["t": words]) { $1 })
                    // An unchanged overview is a comment line: it finds a closed connection all the same.
                    let event = html == last ? ": unchanged\n\n" : ServerSentEvent.text("overview", html)
                    last = html
                    try await writer.write(ByteBuffer(string: event))
                    try await Task.sleep(for: .seconds(Self.refreshSeconds))
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
                body: body)
        }
    }

    /// The overview now, from the same programme and fleet calls as `GET /status`, `GET /fleet/zones`,
    /// `GET /schedule/timetable` and `GET /alerts`.
    private func overview(_ words: [String: String]) async throws -> OverviewPage {
        let localTime = programme.localTime
        let now = programme.clock.now()
        let status = try await refusing { try await programme.status() }
        let today = localTime.date(now)
        let nowText = String(localTime.text(now).prefix(16))
        let slots = try await refusing { try await programme.timetable(from: today, days: 2) }
        let upcoming = slots.map { (when: "\($0.date) \($0.time)", entry: $0) }.filter { $0.when > nowText }
            .sorted { $0.when < $1.when }
            .map { OverviewPage.Upcoming(zone: $0.entry.zone, text: "\($0.when.dropFirst(11)) \($0.entry.slot)") }
        return OverviewPage(
            status: status, fleetZones: fleet.zoneViews(),
            boxes: fleet.registry.all().map { .init(name: $0.name, zone: $0.zone, state: $0.state) },
            upcoming: upcoming,
            alerts: try fleet.store.latestAlerts(limit: 8).map {
                (
                    at: String(localTime.text($0.alert.at).dropFirst(5).prefix(11)), receiver: $0.alert.receiver,
                    kind: $0.alert.state, detail: $0.alert.detail
                )
            },
            words: words, clock: { String(localTime.text($0).dropFirst(11).prefix(5)) })
    }

    /// The session of the request's cookie, if it is live.
    func session(_ request: Request) throws -> Session? {
        guard let token = SessionCookie.value(SessionCookie.name, in: request.headers[.cookie]) else { return nil }
        guard let account = try accounts.account(forToken: token, now: programme.clock.now()) else { return nil }
        return Session(token: token, account: account)
    }

    func language(_ request: Request) -> DashboardLanguage {
        DashboardLanguage.preferred(
            cookie: SessionCookie.value(DashboardLanguage.cookie, in: request.headers[.cookie]),
            acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The form of a POST, refused (403, nothing changed) unless it carries the session's token.
    func checkedForm<Form: SessionForm>(_ request: Request, _ session: Session) async throws -> Form {
        try refuseForeignOrigin(request)
        let form: Form = try await Self.form(request)
        guard csrf.check(form.csrf, session: session.token) else {
            throw APIError(.forbidden, DashboardText.words(language(request))["formExpired"] ?? "")
        }
        return form
    }

    /// The fields of a POST's query (a file upload's), refused (403, nothing read or changed) unless they carry the
    /// session's token.
    func checkedQuery<Form: SessionForm>(_ request: Request, _ session: Session) throws -> Form {
        try refuseForeignOrigin(request)
        let form: Form
        do { form = try URLEncodedFormDecoder().decode(Form.self, from: request.uri.query ?? "") } catch {
            throw APIError(.badRequest, "the form is incomplete: reload the page and fill it in again")
        }
        guard csrf.check(form.csrf, session: session.token) else {
            throw APIError(.forbidden, DashboardText.words(language(request))["formExpired"] ?? "")
        }
        return form
    }

    /// Refuses a POST that the browser says comes from a page of another origin.
    private func refuseForeignOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        guard origin == "http://" + host || origin == "https://" + host else {
            throw APIError(.forbidden, "this form was sent from another site (\(origin.prefix(80)))")
        }
    }

    /// A page rendered with the words, language links, account and form token every page has.
    func page(
        _ name: String, _ request: Request, session: Session?, _ values: [String: Any],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = language(request)
        var context: [String: Any] = [
            "lang": language.rawValue, "otherLang": language == .vi ? "en" : "vi",
            "t": DashboardText.words(language),
        ]
        if let session {
            context["account"] = session.account.name
            context["csrf"] = csrf.token(forSession: session.token)
        }
        context.merge(values) { $1 }
        return Response(
            status: status, headers: Self.pageHeaders("text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: templates.render(name, context))))
    }

    private static func pageHeaders(_ type: String) -> HTTPFields {
        [
            .contentType: type, .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: pageHeaders(type), body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Decodes a form body (`application/x-www-form-urlencoded`) of at most 4 KiB.
    static func form<T: Decodable>(_ request: Request) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: 4096) } catch {
            throw APIError(.contentTooLarge, "the form is larger than 4 KiB")
        }
        do { return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer)) } catch {
            throw APIError(.badRequest, "the form is incomplete: reload the page and fill it in again")
        }
    }

    private struct LoginForm: Decodable {
        var name: String
        var password: String
    }

    private struct TokenForm: SessionForm {
        var csrf: String?
    }
}

/// A dashboard form: it carries the session's token.
protocol SessionForm: Decodable {
    var csrf: String? { get }
}

/// One Server-Sent Event: `event: NAME` and the data, one `data:` line per line of it.
enum ServerSentEvent {
    static func text(_ name: String, _ data: String) -> String {
        "event: \(name)\n"
            + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }
            .joined() + "\n"
    }
}

/// The dashboard's templates, parsed once.
struct DashboardPages: Sendable {
    private let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all {
            do { try library.register(text, named: name) } catch {
                // The templates are compiled in and every one is rendered by the tests: a broken one never ships.
                preconditionFailure("the dashboard template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The template `name` rendered with `context` (empty if there is no such template).
    func render(_ name: String, _ context: Any) -> String { library.render(context, withTemplate: name) ?? "" }
}
