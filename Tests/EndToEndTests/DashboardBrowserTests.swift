import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The office's web dashboard in a real browser (Debian's chromium over WebDriver) against a real controller
    /// and a real box: logging in (refused with a wrong password), the overview in Vietnamese with "1/1" boxes
    /// online, a box that stops turning red on the open page (Server-Sent Events, no reload), forms refused
    /// without the session's token, screenshots at 1280 and 360 px (kept in `LOA_SCREENSHOTS` when set).
    @Suite("Dashboard in a browser")
    struct DashboardBrowserTests {
        @Test func logInSeeTheOverviewAndAnOfflineBoxTurnRed() throws {
            let harness = try Harness(groupOctet: 150)
            try harness.startController()
            let box = try RealProcesses.FleetTests.startReceiver(harness, name: "box")
            let id = try RealProcesses.FleetModelEndToEndTests.pending(harness)
            let browser = try WebDriver(directory: harness.path("browser"))
            defer { browser.close() }
            try browser.open(harness.controllerURL + "/ui")
            #expect(try browser.currentURL().hasSuffix("/ui/login"), "not logged in: the login page")
            #expect(try browser.text("h1") == "Đăng nhập")

            try browser.type("#name", Harness.adminName)
            try browser.type("#password", "not-the-password")
            try browser.click("#submit")
            #expect(try browser.text("#error") == "Sai tên đăng nhập hoặc mật khẩu.")
            #expect(try browser.cookies().first { $0["name"] as? String == "loa_session" } == nil)

            try browser.type("#name", Harness.adminName)
            try browser.type("#password", Harness.adminPassword)
            try browser.click("#submit")
            #expect(try browser.currentURL().hasSuffix("/ui"))
            #expect(try browser.text("h1") == "Tổng quan")

            // Thiết bị: the new box is approved, muted and unmuted from the page, and the box follows.
            try browser.open(harness.controllerURL + "/ui/thiet-bi")
            #expect(try browser.text("#device-\(id) .state") == "chờ duyệt")
            try browser.click("#approve-\(id)")
            try waitForState("online", id, harness)
            let name = try #require(try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["name"] as? String)
            #expect(try browser.text("#device-\(id) .state") == "hoạt động")
            try browser.click("#mute-\(id)")
            try waitForState("muted", id, harness)
            try browser.open(harness.controllerURL + "/ui/thiet-bi")
            #expect(try browser.text("#device-\(id) .state") == "đang tắt tiếng")
            try browser.click("#unmute-\(id)")
            try waitForState("online", id, harness)

            try browser.open(harness.controllerURL + "/ui")
            #expect(try browser.text("#zone-all .count") == "1/1")
            let cookie = try #require(try browser.cookies().first { $0["name"] as? String == "loa_session" })
            #expect(cookie["httpOnly"] as? Bool == true)
            #expect(cookie["sameSite"] as? String == "Strict")
            let size = try browser.run("return new Blob([document.documentElement.outerHTML]).size;") as? Int ?? 0
            #expect(size > 0 && size < 50_000, "the overview is \(size) bytes")

            // A form without the session's token changes nothing: the session still holds.
            let session = cookie["value"] as? String ?? ""
            let forged = try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", "loa_session=\(session)", "--data",
                    "csrf=0000", harness.controllerURL + "/ui/logout",
                ], authenticated: false)
            #expect(forged.out == "403")
            let still = try Self.status(harness, "/ui", session: session)
            #expect(still == "200")

            try keep(browser.screenshot(), "overview-1280.png", harness)

            // Phát thanh: a typed text is read aloud, queued (the page names it) and heard at the box.
            let before = RealProcesses.FleetModelEndToEndTests.outputBytes(harness, "box")
            try browser.open(harness.controllerURL + "/ui/phat-thanh")
            try browser.type("#text", "Thông báo: họp tổ dân phố lúc bảy giờ tối nay tại nhà văn hóa.")
            try browser.type("#title", "Họp tổ dân phố")
            try browser.click("#send")
            let queuedAt = try browser.currentURL()
            let itemID = try #require(queuedAt.components(separatedBy: "queued=").last.flatMap { Int($0) })
            #expect(try browser.text("#queued").hasSuffix("#\(itemID)"))
            _ = try harness.waitFor("the text to air", timeout: 120) { () -> Bool? in
                let item = try harness.api("/items/\(itemID)") as? [String: Any]
                return (item?["states"] as? [String: String])?["all"] == "completed" ? true : nil
            }
            let item = try harness.api("/items/\(itemID)") as? [String: Any]
            #expect(item?["title"] as? String == "Họp tổ dân phố")
            #expect(
                RealProcesses.FleetModelEndToEndTests.loudSamples(harness, "box", after: before) > 4800,
                "the box did not play the text")

            // Nhật ký: the aired text is in today's log and its CSV.
            try browser.open(harness.controllerURL + "/ui/nhat-ky")
            #expect(try browser.text("#log").contains("Họp tổ dân phố"))
            let csv = try harness.run(
                "/usr/bin/curl",
                ["-s", "-b", "loa_session=\(sessionCookie(browser))", harness.controllerURL + "/ui/nhat-ky.csv"],
                authenticated: false)
            #expect(csv.out.contains("\"all\",\"Họp tổ dân phố\""), "\(csv.out)")
            try browser.open(harness.controllerURL + "/ui")
            try browser.setWindow(width: 360, height: 780)
            let fits = try browser.run("return document.documentElement.scrollWidth <= window.innerWidth;") as? Bool
            #expect(fits == true, "the overview scrolls sideways at 360 px")
            try keep(browser.screenshot(), "overview-360.png", harness)

            // The box stops: the open page (no reload) marks it "mất liên lạc" in red and counts 0/1.
            harness.stop(box)
            let state = try harness.waitFor("the box marked offline on the page", timeout: 90) { () -> String? in
                let text = (try? browser.text("#box-\(name)")) ?? ""
                return text.contains("mất liên lạc") ? text : nil
            }
            #expect(state == "\(name): mất liên lạc")
            #expect(try browser.attribute("#box-\(name)", "class").contains("down"))
            #expect(try browser.attribute("#zone-all", "class").contains("has-down"))
            #expect(try browser.text("#zone-all .count") == "0/1")
            try keep(browser.screenshot(), "overview-offline-360.png", harness)

            // English on request; logging out ends the session.
            try browser.setWindow(width: 1280, height: 900)
            try browser.click("#language")
            #expect(try browser.text("h1") == "Overview")
            try browser.click("#logout")
            #expect(try browser.currentURL().hasSuffix("/ui/login"))
            let after = try Self.status(harness, "/ui", session: session)
            #expect(after == "303")
        }

        /// Khẩn cấp: an emergency preset of the configuration started from the page, the command signed in the browser
        /// (WebCrypto Ed25519) with the operator's key file: refused without a key, with a public key file and with
        /// a key the commune does not list (nothing airs, the refusal is audited); accepted with the operator's key
        /// and heard at the box; then stopped the same way. The form posts only the signed command.
        @Test func anEmergencyPresetSignedInTheBrowser() throws {
            let harness = try Harness(groupOctet: 167)
            let warning = try harness.speech(
                "lu.wav",
                "Cảnh báo lũ. Nước sông đang lên nhanh. Bà con thôn Đông di chuyển người và tài sản lên vùng cao ngay. "
                    + "Không đi qua ngầm tràn. Theo dõi loa truyền thanh để nhận thông báo tiếp theo.")
            try """
            loudness: off
            zones:
              - name: all
                group: \(harness.group):\(harness.port)
                interface: 127.0.0.1
                ttl: 0
            emergency-presets:
              bao-lu:
                clip: \(warning)
                zones: all
                title: "Cảnh báo lũ"
            """.write(toFile: harness.path("emergency.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("emergency.yaml"))
            for name in ["chu-tich", "nguoi-la"] {
                let made = try harness.loa(["keys", "new", name, "--dir", harness.directory.path], controller: false)
                #expect(made.status == 0, "\(made.err)")
            }
            #expect(try harness.addOperator(harness.path("chu-tich.pub"), emergency: true).status == 0)
            _ = try RealProcesses.FleetTests.startReceiver(harness, name: "box")
            let id = try RealProcesses.FleetModelEndToEndTests.pending(harness)
            #expect(try harness.loa(["receivers", "approve", id]).status == 0)
            try waitForState("online", id, harness)

            let browser = try WebDriver(directory: harness.path("browser"))
            defer { browser.close() }
            try logIn(browser, harness)
            try browser.open(harness.controllerURL + "/ui/khan-cap")
            #expect(try browser.text("h1") == "Khẩn cấp")
            #expect(try browser.text("#preset-bao-lu h2") == "Cảnh báo lũ")
            // What the form sends: the token, the action, the preset and the signed command; never a key.
            let fields = try browser.run(
                "return Array.from(new FormData(document.getElementById('emergency-form')).keys()).join(',');")
            #expect(fields as? String == "csrf,action,preset,command")
            #expect(try browser.attribute("#key-1", "name") == "")

            try browser.click("#start-bao-lu")
            #expect(try browser.text("#sign-error") == "Hãy chọn tệp khóa trước (đủ số người ký).")
            try browser.type("#key-1", harness.path("chu-tich.pub"))
            try browser.click("#start-bao-lu")
            #expect(
                try browser.text("#sign-error") == "Đây là tệp khóa công khai (.pub). Hãy chọn tệp khóa riêng (.key).")

            // A key the commune does not list: signed all the same, refused by the controller, nothing airs.
            try browser.type("#key-1", harness.path("nguoi-la.key"))
            try browser.click("#start-bao-lu")
            let refused = try harness.waitFor("the refusal on the page", timeout: 30) { () -> String? in
                (try? browser.text("#error")).flatMap { $0.isEmpty ? nil : $0 }
            }
            #expect(refused.hasPrefix("Lệnh khẩn cấp bị từ chối: khóa này không có trong danh sách"), "\(refused)")
            let refusal = try emergencies(harness).last
            #expect(refusal?["code"] as? String == "unknown-key")
            #expect(refusal?["outcome"] as? String == "refused")
            let zone = (try harness.api("/status") as? [[String: Any]])?.first
            #expect(
                zone?["playing"] == nil || zone?["playing"] is NSNull,
                "a refused command aired: \(String(describing: zone))")

            // The chairman's key: accepted, the warning airs at the box.
            let before = RealProcesses.FleetModelEndToEndTests.outputBytes(harness, "box")
            try browser.type("#key-1", harness.path("chu-tich.key"))
            try browser.click("#start-bao-lu")
            let started = try harness.waitFor("the emergency on the air", timeout: 60) { () -> String? in
                let url = try browser.currentURL()
                return url.contains("started=") ? url : nil
            }
            let item = try #require(started.components(separatedBy: "started=").last.flatMap { Int($0) })
            #expect(try browser.text("#started") == "Đã phát khẩn cấp: #\(item)")
            let accepted = try emergencies(harness).last
            #expect(accepted?["action"] as? String == "emergency start")
            #expect(accepted?["outcome"] as? String == "accepted")
            #expect(accepted?["operators"] as? String == "chu-tich")
            let secret = try String(contentsOfFile: harness.path("chu-tich.key"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let auditText = try harness.run("/usr/bin/curl", ["-sf", harness.controllerURL + "/audit"]).out
            #expect(!auditText.contains(secret), "the private key reached the controller")
            _ = try harness.waitFor("the warning at the box", timeout: 60) { () -> Bool? in
                RealProcesses.FleetModelEndToEndTests.loudSamples(harness, "box", after: before) > 4800 ? true : nil
            }
            let playing = (try harness.api("/items/\(item)") as? [String: Any])?["priority"] as? String
            #expect(playing == "emergency")
            try keep(browser.screenshot(), "khan-cap-1280.png", harness)

            // Stopped by a signed stop from the same page.
            try browser.type("#key-1", harness.path("chu-tich.key"))
            try browser.click("#stop")
            let stopped = try harness.waitFor("the emergency stopped", timeout: 60) { () -> String? in
                let url = try browser.currentURL()
                return url.contains("stopped=") ? url : nil
            }
            #expect(stopped.hasSuffix("stopped=1"), "\(stopped)")
            #expect(try browser.text("#stopped") == "Đã dừng phát khẩn cấp, số mục: 1")
            #expect(try emergencies(harness).last?["action"] as? String == "emergency stop")
            try browser.setWindow(width: 360, height: 780)
            let fits = try browser.run("return document.documentElement.scrollWidth <= window.innerWidth;") as? Bool
            #expect(fits == true, "Khẩn cấp scrolls sideways at 360 px")
            try keep(browser.screenshot(), "khan-cap-360.png", harness)
        }

        /// Thiết bị: a box moved to another hamlet from the page hears the next bulletin there (and not the old
        /// hamlet's), is renamed (a name taken by another box is refused on the page), gets a volume, and is removed.
        @Test func moveRenameSetTheVolumeOfAndRemoveABoxFromThePage() throws {
            let harness = try Harness(groupOctet: 168)
            try RealProcesses.FleetModelEndToEndTests.startController(harness)
            let arguments = ["--group", "\(harness.group):\(harness.port)"]
            _ = try RealProcesses.FleetTests.startReceiver(harness, name: "box", zone: "thon-a", arguments: arguments)
            let id = try RealProcesses.FleetModelEndToEndTests.pending(harness)
            #expect(try harness.loa(["receivers", "approve", id, "--name", "cho", "--zone", "thon-a"]).status == 0)
            _ = try RealProcesses.FleetTests.startReceiver(
                harness, name: "other", zone: "thon-a", arguments: arguments)
            let other = try RealProcesses.FleetModelEndToEndTests.pending(harness, besides: [id])
            #expect(
                try harness.loa(["receivers", "approve", other, "--name", "truong", "--zone", "thon-a"]).status == 0)

            let browser = try WebDriver(directory: harness.path("browser"))
            defer { browser.close() }
            try logIn(browser, harness)
            try browser.open(harness.controllerURL + "/ui/thiet-bi")
            #expect(try browser.run("return document.getElementById('zone-\(id)').value;") as? String == "thon-a")

            // Moved to thôn B: the box reports thôn B's group; a bulletin to thôn A is not heard, one to thôn B is.
            _ = try browser.run("document.getElementById('zone-\(id)').value = 'thon-b';")
            try browser.click("#move-\(id)")
            let groupB = "\(RealProcesses.FleetModelEndToEndTests.otherGroup(harness)):\(harness.port + 1)"
            _ = try harness.waitFor("the box on thôn B's group", timeout: 30) { () -> Bool? in
                try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["group"] as? String == groupB
                    ? true : nil
            }
            #expect(try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["zone"] as? String == "thon-b")
            #expect(try browser.run("return document.getElementById('zone-\(id)').value;") as? String == "thon-b")
            let before = RealProcesses.FleetModelEndToEndTests.outputBytes(harness, "box")
            let old = try harness.speech("old.wav", "Thông báo cho thôn A: họp tổ dân phố lúc bảy giờ tối.")
            try harness.queueAndWait([old], zone: "thon-a")
            #expect(
                RealProcesses.FleetModelEndToEndTests.loudSamples(harness, "box", after: before) == 0,
                "the moved box still hears thôn A")
            let during = RealProcesses.FleetModelEndToEndTests.outputBytes(harness, "box")
            let new = try harness.speech("new.wav", "Thông báo cho thôn B: tiêm phòng cho trẻ em sáng mai.")
            try harness.queueAndWait([new], zone: "thon-b")
            #expect(
                RealProcesses.FleetModelEndToEndTests.loudSamples(harness, "box", after: during) > 4800,
                "the moved box did not hear thôn B")

            // Nhật ký for thôn B alone; the month's report, to print, counts both bulletins.
            try browser.open(harness.controllerURL + "/ui/nhat-ky?zone=thon-b")
            let log = try browser.text("#log")
            #expect(log.contains("thon-b · new.wav") && !log.contains("old.wav"), "\(log)")
            #expect(log.contains("đã phát xong"), "\(log)")
            try browser.click("#printable")
            #expect(try browser.text("h1").hasPrefix("Báo cáo thời lượng phát thanh tháng"))
            #expect(try browser.text("#total-items") == "2")
            #expect(try browser.text("#report tbody").contains("thon-a"))
            try browser.open(harness.controllerURL + "/ui/thiet-bi")

            // Renamed; a name another box has is refused with the reason, and changes nothing.
            try browser.type("#name-\(id)", "cho-thon-b")
            try browser.click("#rename-\(id)")
            _ = try harness.waitFor("the box renamed", timeout: 30) { () -> Bool? in
                try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["name"] as? String == "cho-thon-b"
                    ? true : nil
            }
            try browser.type("#name-\(id)", "truong")
            try browser.click("#rename-\(id)")
            #expect(try browser.text("#error").contains("truong"))
            #expect(try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["name"] as? String == "cho-thon-b")

            // A volume out of range is refused on the page; 35 % reaches the box.
            _ = try browser.run("document.getElementById('volume-\(id)').removeAttribute('max');")
            try browser.type("#volume-\(id)", "150")
            try browser.click("#set-volume-\(id)")
            #expect(try browser.text("#error") == "Âm lượng phải là số nguyên từ 0 đến 100.")
            try browser.type("#volume-\(id)", "35")
            try browser.click("#set-volume-\(id)")
            _ = try harness.waitFor("the box at 35 %", timeout: 30) { () -> Bool? in
                try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["volume"] as? Int == 35 ? true : nil
            }
            try browser.open(harness.controllerURL + "/ui/thiet-bi")
            #expect(try browser.text("#device-\(id) h2") == "cho-thon-b")
            #expect(try browser.text("#device-\(id) .card").hasPrefix("tốt · "))
            try browser.setWindow(width: 360, height: 780)
            let fits = try browser.run("return document.documentElement.scrollWidth <= window.innerWidth;") as? Bool
            #expect(fits == true, "Thiết bị scrolls sideways at 360 px")
            try browser.setWindow(width: 1280, height: 900)

            // Placed on the map from coordinates: the second box, ~1 km north-east, is drawn up and to the right.
            #expect(
                try browser.text(".map p")
                    == "Chưa có loa nào có tọa độ: nhập vĩ độ, kinh độ (từ GPS điện thoại) ở từng loa bên dưới.")
            try browser.type("#position-\(id)", "21,0285 105,8542")
            try browser.click("#place-\(id)")
            #expect(try browser.text("#error") == "Tọa độ không đúng: viết vĩ độ, kinh độ như 21.02850, 105.85420.")
            try browser.type("#position-\(id)", "21.02850, 105.85420")
            try browser.click("#place-\(id)")
            try browser.type("#position-\(other)", "21.03750, 105.86380")
            try browser.click("#place-\(other)")
            let pins = try harness.waitFor("two pins on the map", timeout: 30) { () -> [Double]? in
                guard
                    let values = try browser.run(
                        "var a = document.querySelector('#pin-\(id) circle'), b = document.querySelector('#pin-\(other) circle');"
                            + "return a && b ? [a.cx.baseVal.value, a.cy.baseVal.value, b.cx.baseVal.value, b.cy.baseVal.value] : null;"
                    ) as? [Any]
                else { return nil }
                return values.compactMap { ($0 as? NSNumber)?.doubleValue }
            }
            #expect(pins.count == 4 && pins[2] > pins[0] && pins[3] < pins[1], "\(pins)")
            #expect(try browser.attribute("#position-\(id)", "value") == "21.02850, 105.85420")
            #expect(try browser.text(".map .scale").hasSuffix("km"))

            // Over the commune's map image (its corners given): a text file is refused; a PNG is drawn under the
            // pins, each where its coordinates fall on the image.
            try "không phải ảnh".write(toFile: harness.path("ban-do.txt"), atomically: true, encoding: .utf8)
            try browser.type("#map-image", harness.path("ban-do.txt"))
            try browser.type("#map-top-left", "21.04000, 105.84000")
            try browser.type("#map-bottom-right", "21.02000, 105.87000")
            try browser.click("#map-upload")
            let refusedImage = try harness.waitFor("the image refused", timeout: 30) { () -> String? in
                let text = try browser.text("#map-error")
                return text.isEmpty ? nil : text
            }
            #expect(refusedImage == "Ảnh bản đồ phải là tệp PNG hoặc JPEG.")
            let png = harness.path("ban-do.png")
            let drawn = try harness.run(
                "/usr/bin/ffmpeg",
                ["-loglevel", "error", "-f", "lavfi", "-i", "color=c=0x88aa66:s=640x360", "-frames:v", "1", "-y", png],
                authenticated: false)
            #expect(drawn.status == 0, "\(drawn.err)")
            try browser.type("#map-image", png)
            try browser.click("#map-upload")
            let placedOnImage = try harness.waitFor("the pins over the image", timeout: 30) { () -> [Double]? in
                guard try browser.run("return document.querySelector('#map image') !== null;") as? Bool == true,
                    let values = try browser.run(
                        "var a = document.querySelector('#pin-\(id) circle');"
                            + "return a ? [a.cx.baseVal.value, a.cy.baseVal.value] : null;") as? [Any]
                else { return nil }
                return values.compactMap { ($0 as? NSNumber)?.doubleValue }
            }
            // 105.8542 is 0.0142 of 0.03 degrees from the left edge, 21.0285 0.0115 of 0.02 from the top.
            #expect(abs(placedOnImage[0] - 302.9) < 1 && abs(placedOnImage[1] - 207.0) < 1, "\(placedOnImage)")
            let served = try browser.run(
                "var r = new XMLHttpRequest(); r.open('GET', document.querySelector('#map image').getAttribute('href'), false);"
                    + "r.send(); return r.status + ' ' + r.getResponseHeader('Content-Type');")
            #expect(served as? String == "200 image/png")
            try keep(browser.screenshot(), "thiet-bi-1280.png", harness)

            // Removed from the list: gone from the page and from GET /receivers.
            try browser.click("#remove-\(other)")
            _ = try harness.waitFor("the box removed", timeout: 30) { () -> Bool? in
                try RealProcesses.FleetModelEndToEndTests.receiver(harness, other) == nil ? true : nil
            }
            #expect(try browser.run("return document.getElementById('device-\(other)') === null;") as? Bool == true)
            let audit = try #require(try harness.api("/audit") as? [[String: Any]])
            let actions = Set(audit.compactMap { $0["action"] as? String })
            #expect(actions.isSuperset(of: ["box moved", "box renamed", "box removed", "box command"]), "\(actions)")
        }

        /// Phát thanh with a sound file: uploaded from the browser (as the body of one request, with its progress)
        /// and heard at the box; a typed notice planned for a day and time, three times an hour apart, shows in the
        /// queue at those commune times; a time that has passed is refused with the page's words.
        @Test func uploadAClipAndPlanARepeatedNotice() throws {
            let harness = try Harness(groupOctet: 169)
            try harness.startController()
            _ = try RealProcesses.FleetTests.startReceiver(harness, name: "box")
            let id = try RealProcesses.FleetModelEndToEndTests.pending(harness)
            #expect(try harness.loa(["receivers", "approve", id]).status == 0)
            try waitForState("online", id, harness)
            let clip = try harness.speech(
                "hop.wav", "Mời bà con dự họp thôn lúc tám giờ sáng chủ nhật tại nhà văn hóa.")

            let browser = try WebDriver(directory: harness.path("browser"))
            defer { browser.close() }
            try logIn(browser, harness)
            try browser.open(harness.controllerURL + "/ui/phat-thanh")
            let before = RealProcesses.FleetModelEndToEndTests.outputBytes(harness, "box")
            try browser.type("#file", clip)
            try browser.type("#title", "Họp thôn")
            try browser.click("#send")
            let queuedAt = try harness.waitFor("the upload queued", timeout: 60) { () -> String? in
                let url = try browser.currentURL()
                return url.contains("queued=") ? url : nil
            }
            let item = try #require(queuedAt.components(separatedBy: "queued=").last.flatMap { Int($0) })
            #expect(try browser.text("#queued") == "Đã xếp hàng: #\(item)")
            _ = try harness.waitFor("the clip to air", timeout: 120) { () -> Bool? in
                let view = try harness.api("/items/\(item)") as? [String: Any]
                return (view?["states"] as? [String: String])?["all"] == "completed" ? true : nil
            }
            #expect((try harness.api("/items/\(item)") as? [String: Any])?["title"] as? String == "Họp thôn")
            #expect(
                RealProcesses.FleetModelEndToEndTests.loudSamples(harness, "box", after: before) > 4800,
                "the box did not play the uploaded clip")

            // Planned: tomorrow 17:00 commune time, three times, an hour apart.
            let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = hanoi
            let tomorrow = calendar.date(byAdding: .day, value: 1, to: Date())!
            let day = calendar.dateComponents([.year, .month, .day], from: tomorrow)
            let field = String(format: "%04d-%02d-%02dT17:00", day.year!, day.month!, day.day!)
            try browser.open(harness.controllerURL + "/ui/phat-thanh")
            try browser.type("#text", "Ngày mai cắt điện từ bảy giờ đến mười một giờ.")
            _ = try browser.run("document.getElementById('at').value = '\(field)';")
            try browser.type("#repeats", "3")
            try browser.click("#send")
            let planned = try browser.currentURL().components(separatedBy: "queued=").last ?? ""
            let ids = planned.split(separator: ",").compactMap { Int($0) }
            #expect(ids.count == 3, "\(planned)")
            let first = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 17))!
            let times = try ids.map {
                try #require((try harness.api("/items/\($0)") as? [String: Any])?["plannedAt"] as? Int)
            }
            #expect(times == (0..<3).map { Int(first.timeIntervalSince1970 * 1000) + $0 * 3_600_000 })
            let shown = String(format: "%02d/%02d 18:00", day.day!, day.month!)
            let line = try browser.text("#item-\(ids[1])")
            #expect(line.hasPrefix(shown), "\(line)")
            try keep(browser.screenshot(), "phat-thanh-1280.png", harness)

            // A time that has passed changes nothing.
            try browser.type("#text", "Thông báo muộn.")
            _ = try browser.run("document.getElementById('at').value = '2020-01-01T08:00';")
            try browser.click("#send")
            #expect(try browser.text("#error") == "Thời gian phát đã qua: chọn một thời điểm sắp tới.")
            for planned in ids { #expect(try harness.loa(["cancel", String(planned)]).status == 0) }

            // A clip of the library, chosen by name: queued without a file and aired.
            #expect(try harness.loa(["clips", "add", "hop-thon", clip, "--title", "Họp thôn (thư viện)"]).status == 0)
            try browser.open(harness.controllerURL + "/ui/phat-thanh")
            _ = try browser.run("document.getElementById('library').value = 'hop-thon';")
            try browser.click("#send")
            let fromLibrary = try harness.waitFor("the library clip queued", timeout: 30) { () -> Int? in
                try browser.currentURL().components(separatedBy: "queued=").last.flatMap { Int($0) }
            }
            _ = try harness.waitFor("the library clip to air", timeout: 120) { () -> Bool? in
                let view = try harness.api("/items/\(fromLibrary)") as? [String: Any]
                return (view?["states"] as? [String: String])?["all"] == "completed" ? true : nil
            }
            #expect(
                (try harness.api("/items/\(fromLibrary)") as? [String: Any])?["title"] as? String
                    == "Họp thôn (thư viện)")
        }

        /// Lịch: a slot added in the form shows in the week's grid and in the timetable once confirmed; one that
        /// overlaps it in a zone is refused with the checker's line and changes nothing; an edit says what it
        /// replaces; the last apply is undone; a delete empties the schedule.
        @Test func addEditUndoAndDeleteASlotInTheWeekGrid() throws {
            let harness = try Harness(groupOctet: 170)
            try RealProcesses.FleetModelEndToEndTests.startController(harness)
            let browser = try WebDriver(directory: harness.path("browser"))
            defer { browser.close() }
            try logIn(browser, harness)
            try browser.open(harness.controllerURL + "/ui/lich")
            #expect(try browser.text("h1") == "Lịch")

            try browser.type("#slot-name", "Bản tin sáng")
            try browser.type("#slot-times", "06:00, 17:30")
            try browser.type("#slot-text", "Bản tin sáng của xã: hôm nay trời nắng, nhiệt độ ba mươi độ.")
            try browser.click("#slot-check")
            let body = try browser.run("return document.body.innerText;") as? String ?? ""
            let summary = (try? browser.text("#confirm li")) ?? body
            #expect(summary.hasPrefix("Thêm: 'Bản tin sáng' · 06:00, 17:30 · hằng ngày · thon-a, thon-b"), "\(summary)")
            #expect(try timetable(harness).isEmpty, "applied before it was confirmed")
            try apply(browser, harness)
            #expect(try browser.text("#done") == "Đã áp dụng lịch mới.")
            #expect(
                try browser.text("#grid tbody tr:first-child td:nth-child(2)")
                    == "06:00 Bản tin sáng\n17:30 Bản tin sáng")
            let entries = try timetable(harness)
            #expect(entries.count == 2 * 2 * 7, "\(entries.count) entries")
            #expect(Set(entries.map { $0["time"] as? String ?? "" }) == ["06:00", "17:30"])

            // An overlapping slot in thôn A is refused with the checker's words; nothing changes.
            try browser.type("#slot-name", "Thông báo")
            try browser.type("#slot-times", "06:00")
            _ = try browser.run("document.querySelector('input[name=\"zones[]\"][value=\"thon-b\"]').checked = false;")
            try browser.type("#slot-text", "Thông báo ngắn.")
            try browser.click("#slot-check")
            let refused = try browser.text("#error")
            #expect(
                refused.hasPrefix("Trùng giờ: slot 'Thông báo' at 06:00 overlaps slot 'Bản tin sáng' (06:00–06:0"),
                "\(refused)")
            #expect(refused.contains("in zone thon-a"), "\(refused)")
            #expect(try timetable(harness).count == 2 * 2 * 7)

            // Edited: only at 06:30; the confirmation names what it replaces.
            let slot = try #require(try browser.run("return document.querySelector('#slots li').id;") as? String)
            let id = String(slot.dropFirst("slot-".count))
            try browser.click("#edit-\(id)")
            #expect(try browser.attribute("#slot-name", "value") == "Bản tin sáng")
            try browser.type("#slot-times", "06:30")
            try browser.click("#slot-check")
            let lines = try browser.text("#confirm ul")
            #expect(lines.contains("Thay: 'Bản tin sáng' · 06:00, 17:30"), "\(lines)")
            #expect(lines.contains("bằng: 'Bản tin sáng' · 06:30"), "\(lines)")
            try apply(browser, harness)
            #expect(Set(try timetable(harness).map { $0["time"] as? String ?? "" }) == ["06:30"])
            try keep(browser.screenshot(), "lich-1280.png", harness)
            try browser.setWindow(width: 360, height: 780)
            let fits = try browser.run("return document.documentElement.scrollWidth <= window.innerWidth;") as? Bool
            #expect(fits == true, "Lịch scrolls sideways at 360 px")
            try browser.setWindow(width: 1280, height: 900)

            // Undo puts 06:00 and 17:30 back; a delete leaves no slot.
            try browser.click("#undo")
            #expect(try browser.text("#confirm li").hasPrefix("Trở lại lịch trước lần áp dụng gần nhất"))
            try apply(browser, harness)
            #expect(Set(try timetable(harness).map { $0["time"] as? String ?? "" }) == ["06:00", "17:30"])
            let again = try #require(try browser.run("return document.querySelector('#slots li').id;") as? String)
            try browser.click("#delete-\(again.dropFirst("slot-".count))")
            #expect(try browser.text("#confirm li").hasPrefix("Xóa: 'Bản tin sáng'"))
            try apply(browser, harness)
            #expect(try timetable(harness).isEmpty)

            // A clip of the library, by its name: the slot plays it.
            let file = try harness.speech("tiem.wav", "Tiêm phòng cho trẻ em.")
            #expect(try harness.loa(["clips", "add", "tiem-phong", file, "--title", "Tiêm phòng"]).status == 0)
            try browser.open(harness.controllerURL + "/ui/lich")
            try browser.type("#slot-name", "Tiêm phòng")
            try browser.type("#slot-times", "9h")
            try browser.type("#slot-clip", "tiem-phong")
            try browser.click("#slot-check")
            #expect(try browser.text("#confirm li").hasSuffix("· thon-a, thon-b · Tiêm phòng"))
            try apply(browser, harness)
            let slots = try timetable(harness)
            #expect(slots.first?["time"] as? String == "09:00")
            #expect(slots.first?["titles"] as? [String] == ["Tiêm phòng"])
        }

        /// Confirms the change shown and waits for the page that says it is applied.
        private func apply(_ browser: WebDriver, _ harness: Harness) throws {
            try browser.click("#apply")
            _ = try harness.waitFor("the change applied", timeout: 60) { () -> Bool? in
                try browser.currentURL().hasSuffix("/ui/lich?applied=1") ? true : nil
            }
        }

        /// The coming week's timetable as `GET /schedule/timetable` lists it.
        private func timetable(_ harness: Harness) throws -> [[String: Any]] {
            try #require(try harness.api("/schedule/timetable?days=7") as? [[String: Any]])
        }

        /// The audit log's emergency commands, oldest first.
        private func emergencies(_ harness: Harness) throws -> [[String: Any]] {
            try #require(try harness.api("/audit") as? [[String: Any]]).filter {
                ($0["action"] as? String ?? "").hasPrefix("emergency ")
            }
        }

        /// Logs `browser` in as the harness's admin.
        private func logIn(_ browser: WebDriver, _ harness: Harness) throws {
            try browser.open(harness.controllerURL + "/ui/login")
            try browser.type("#name", Harness.adminName)
            try browser.type("#password", Harness.adminPassword)
            try browser.click("#submit")
            #expect(try browser.currentURL().hasSuffix("/ui"))
        }

        /// Waits until the controller lists box `id` in `state` (the box acknowledged what the page asked).
        private func waitForState(_ state: String, _ id: String, _ harness: Harness) throws {
            _ = try harness.waitFor("the box \(state)", timeout: 30) { () -> Bool? in
                try RealProcesses.FleetModelEndToEndTests.receiver(harness, id)?["state"] as? String == state
                    ? true : nil
            }
        }

        private func sessionCookie(_ browser: WebDriver) throws -> String {
            try browser.cookies().first { $0["name"] as? String == "loa_session" }?["value"] as? String ?? ""
        }

        /// The HTTP status of GET `path` with the session cookie `session`.
        static func status(_ harness: Harness, _ path: String, session: String) throws -> String {
            try harness.run(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", "loa_session=\(session)",
                    harness.controllerURL + path,
                ],
                authenticated: false
            ).out
        }

        /// Checks `png` is a PNG and keeps it in the harness's folder and, when `LOA_SCREENSHOTS` names a folder
        /// (`docs/screenshots`), there too.
        private func keep(_ png: Data, _ name: String, _ harness: Harness) throws {
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 2000, "\(name) is not a screenshot")
            try png.write(to: URL(fileURLWithPath: harness.path(name)))
            if let folder = ProcessInfo.processInfo.environment["LOA_SCREENSHOTS"] {
                try png.write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
            }
        }
    }
}
