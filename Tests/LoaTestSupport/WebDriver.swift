import Foundation

/// A real browser for end-to-end tests: Debian's `chromium` driven by its `chromedriver` over WebDriver (W3C,
/// plain HTTP+JSON on loopback), headless, with a profile in `directory`. Only what the dashboard's tests need:
/// open a page, find, type, click, read text, run a line of script, read cookies, size the window, screenshot.
public final class WebDriver: @unchecked Sendable {
    private let driver: Process
    private let base: String
    private var session = ""
    /// The W3C key under which an element reference comes back.
    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// Starts `chromedriver` on a free loopback port and a headless Chromium session of `width`×`height`.
    public init(directory: String, width: Int = 1280, height: Int = 900) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = directory + "/chromedriver.out"
        FileManager.default.createFile(atPath: output, contents: nil)
        driver = Process()
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        driver.arguments = ["--port=0", "--allowed-ips=127.0.0.1", "--log-path=\(directory)/chromedriver.log"]
        driver.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        var port = ""
        for _ in 0..<300 where port.isEmpty {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: "started successfully on port ") {
                port = String(text[range.upperBound...].prefix { $0.isNumber })
            } else {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        guard !port.isEmpty else {
            driver.terminate()
            throw HarnessError("chromedriver did not start (apt-get install chromium chromium-driver)")
        }
        base = "http://127.0.0.1:\(port)"
        let options: [String: Any] = [
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=\(width),\(height)", "--user-data-dir=\(directory)/profile", "--lang=vi",
            ],
            // What a Vietnamese office's browser asks for (Accept-Language).
            "prefs": ["intl.accept_languages": "vi-VN,vi"],
        ]
        let answer = try call(
            "POST", "/session",
            ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
        guard let id = (answer as? [String: Any])?["sessionId"] as? String else {
            throw HarnessError("chromedriver made no session: \(answer)")
        }
        session = id
    }

    deinit { close() }

    /// Ends the browser session and the driver.
    public func close() {
        guard driver.isRunning else { return }
        if !session.isEmpty { _ = try? call("DELETE", "/session/\(session)", nil) }
        // chromedriver leaves on its own /shutdown (it ignores SIGTERM); SIGKILL if it does not.
        _ = try? call("GET", "/shutdown", nil)
        for _ in 0..<50 where driver.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        driver.waitUntilExit()
    }

    public func open(_ url: String) throws { _ = try command("POST", "/url", ["url": url]) }

    /// The address of the page shown now.
    public func currentURL() throws -> String { try command("GET", "/url", nil) as? String ?? "" }

    /// The first element matching the CSS `selector`.
    public func element(_ selector: String) throws -> String {
        let found = try command("POST", "/element", ["using": "css selector", "value": selector])
        guard let id = (found as? [String: Any])?[Self.elementKey] as? String else {
            throw HarnessError("no element \(selector)")
        }
        return id
    }

    public func type(_ selector: String, _ text: String) throws {
        let id = try element(selector)
        _ = try command("POST", "/element/\(id)/clear", [:])
        _ = try command("POST", "/element/\(id)/value", ["text": text])
    }

    public func click(_ selector: String) throws {
        _ = try command("POST", "/element/\(try element(selector))/click", [:])
    }

    /// The rendered text of the first element matching `selector`.
    public func text(_ selector: String) throws -> String {
        try command("GET", "/element/\(try element(selector))/text", nil) as? String ?? ""
    }

    /// The value of `attribute` of the first element matching `selector`.
    public func attribute(_ selector: String, _ attribute: String) throws -> String {
        try command("GET", "/element/\(try element(selector))/attribute/\(attribute)", nil) as? String ?? ""
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    public func run(_ script: String) throws -> Any? {
        try command("POST", "/execute/sync", ["script": script, "args": [Any]()])
    }

    /// The browser's cookies for the page shown, as WebDriver lists them (name, value, httpOnly, sameSite, …).
    public func cookies() throws -> [[String: Any]] { try command("GET", "/cookie", nil) as? [[String: Any]] ?? [] }

    public func setWindow(width: Int, height: Int) throws {
        _ = try command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// A PNG of the page as shown.
    public func screenshot() throws -> Data {
        guard let text = try command("GET", "/screenshot", nil) as? String, let data = Data(base64Encoded: text)
        else { throw HarnessError("no screenshot") }
        return data
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Any? {
        try call(method, "/session/\(session)" + path, body)
    }

    /// One WebDriver request (with curl, as the harness's API calls); answers its `value`, or throws the driver's
    /// error.
    private func call(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Any? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "-X", method, "-w", "\n%{http_code}", "--max-time", "120", base + path]
        let input = Pipe()
        let output = Pipe()
        if body != nil {
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
            process.standardInput = input
        }
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
        if let body {
            input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: body))
            try input.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: split)...]), status > 0
        else { throw HarnessError("WebDriver \(method) \(path): no answer") }
        let json = Data(text[..<split].utf8)
        guard status < 400 else {
            throw HarnessError("WebDriver \(method) \(path): \(String(decoding: json.prefix(400), as: UTF8.self))")
        }
        let value = (try? JSONSerialization.jsonObject(with: json) as? [String: Any])?["value"]
        return value is NSNull ? nil : value
    }
}
