import LoaControlAPI
import Testing

@testable import LoaController

/// The dashboard's pure pieces: form tokens, the session cookie, the language, the word catalogue, templates.
@Suite struct DashboardTests {
    @Test func aFormTokenHoldsOnlyForItsSessionAndKey() {
        let key = CSRFKey()
        let token = key.token(forSession: "session-a")
        #expect(token.count == 64)
        #expect(key.check(token, session: "session-a"))
        #expect(!key.check(token, session: "session-b"))
        #expect(!CSRFKey().check(token, session: "session-a"), "a token of another key (before a restart)")
        #expect(!key.check(nil, session: "session-a"))
        #expect(!key.check("", session: "session-a"))
        #expect(!key.check(String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0"), session: "session-a"))
    }

    @Test func theSessionCookieIsHttpOnlyStrictAndSecureOverTLS() {
        let plain = SessionCookie(secure: false).setting("abc", maxAgeSeconds: 60)
        #expect(plain == "loa_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict")
        let secure = SessionCookie(secure: true).setting("abc", maxAgeSeconds: 60)
        #expect(secure.hasSuffix("; HttpOnly; SameSite=Strict; Secure"))
        #expect(SessionCookie(secure: true).clearing().contains("Max-Age=0"))
        #expect(SessionCookie.value("loa_session", in: "loa_lang=en; loa_session=tok123") == "tok123")
        #expect(SessionCookie.value("loa_session", in: "loa_lang=en") == nil)
        #expect(SessionCookie.value("loa_session", in: "loa_session=") == nil)
        #expect(SessionCookie.value("loa_session", in: nil) == nil)
    }

    @Test func vietnameseFirstEnglishWhenAskedFor() {
        #expect(DashboardLanguage.preferred(cookie: nil, acceptLanguage: nil) == .vi)
        #expect(DashboardLanguage.preferred(cookie: nil, acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(DashboardLanguage.preferred(cookie: nil, acceptLanguage: "vi-VN,vi;q=0.9,en;q=0.8") == .vi)
        #expect(DashboardLanguage.preferred(cookie: nil, acceptLanguage: "fr-FR") == .vi)
        #expect(DashboardLanguage.preferred(cookie: "vi", acceptLanguage: "en-US") == .vi)
        #expect(DashboardLanguage.preferred(cookie: "en", acceptLanguage: "vi") == .en)
    }

    @Test func everyWordHasBothLanguages() {
        for (key, entry) in DashboardText.catalogue {
            #expect(!entry.vi.isEmpty && !entry.en.isEmpty, "\(key)")
        }
        #expect(DashboardText.words(.vi)["overview"] == "Tổng quan")
        #expect(DashboardText.words(.en)["overview"] == "Overview")
        // Every {{t.KEY}} a template reads is in the catalogue.
        for (name, text) in DashboardTemplates.all {
            var rest = Substring(text)
            while let range = rest.range(of: "{{t.") {
                let key = rest[range.upperBound...].prefix { $0 != "}" }
                #expect(DashboardText.catalogue[String(key)] != nil, "\(name) reads t.\(key)")
                rest = rest[range.upperBound...]
            }
        }
    }

    @Test func theOverviewRendersVietnameseEscapedAndMarksAnOfflineBox() {
        let words = DashboardText.words(.vi)
        let page = OverviewPage(
            status: [
                ZoneState(
                    name: "thon-dong",
                    playing: ZoneItem(
                        id: 1, title: "Thông báo <họp> tổ dân phố", priority: .normal, durationMs: 1000, positionMs: 0,
                        plannedAt: 0, source: "queue"), queued: [], packetsSent: 0)
            ],
            fleetZones: [ZoneFleetView(name: "thon-dong", group: nil, online: 3, receivers: 4)],
            boxes: [
                .init(name: "cho", zone: "thon-dong", state: .offline),
                .init(name: "dinh", zone: "thon-dong", state: .online),
            ],
            upcoming: [.init(zone: "thon-dong", text: "17:00 Bản tin chiều")], alerts: [], words: words,
            clock: { _ in "00:00" })
        var context = page.context
        context["t"] = words
        let html = DashboardPages().render("overviewBody", context)
        #expect(html.contains("Thông báo &lt;họp&gt; tổ dân phố"))
        #expect(html.contains("17:00 Bản tin chiều"))
        #expect(html.contains(">3/4<"))
        #expect(html.contains("class=\"box down\" id=\"box-cho\">cho: mất liên lạc<"))
        #expect(!html.contains("box-dinh"), "an online box is only counted")
        #expect(html.contains("Không có cảnh báo."))
    }

    @Test func anEventCarriesEveryLineOfItsData() {
        #expect(ServerSentEvent.text("overview", "a\nb") == "event: overview\ndata: a\ndata: b\n\n")
    }
}
