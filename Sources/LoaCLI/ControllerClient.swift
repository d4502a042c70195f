import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The broadcaster's connection to `loa-controller`'s HTTP API.
///
/// Every failure becomes a `CLIError` whose message is one line saying what is wrong and what to do.
public struct ControllerClient: Sendable {
    public let baseURL: URL

    /// The controller named by `--controller`, else `LOA_CONTROLLER`, else http://127.0.0.1:8750.
    public init(option: String?) throws(CLIError) {
        let text = option ?? ProcessInfo.processInfo.environment["LOA_CONTROLLER"] ?? "http://127.0.0.1:8750"
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let url = URL(string: withScheme), url.host != nil, url.scheme == "http" else {
            throw CLIError("the controller address '\(text)' is not a URL such as http://127.0.0.1:8750")
        }
        baseURL = url
    }

    /// Sends a request and returns the body of a 2xx answer; throws the API's error line otherwise.
    public func request(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil,
        contentType: String = "application/octet-stream", headers: [String: String] = [:]
    ) async throws(CLIError) -> Data {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        components.path = path
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.timeoutInterval = 600
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError(
                "no controller answers at \(baseURL.absoluteString) (\(error.localizedDescription)); start it with "
                    + "'loa-controller', or point --controller or LOA_CONTROLLER at the right one")
        }
        guard let http = response as? HTTPURLResponse else { throw CLIError("the controller sent no HTTP answer") }
        guard (200..<300).contains(http.statusCode) else {
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let message = object["error"] as? String
            {
                throw CLIError(message)
            }
            throw CLIError("the controller answered \(http.statusCode) to \(method) \(path)")
        }
        return data
    }

    /// Decodes a JSON answer.
    public func get<T: Decodable>(_ path: String, as type: T.Type) async throws(CLIError) -> T {
        let data = try await request("GET", path)
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw CLIError("the controller's answer to \(path) is not what this loa expects: \(error)")
        }
    }
}

/// A failure the CLI reports as one line on stderr, exiting non-zero.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    func appending(_ text: String) -> CLIError { CLIError(description + text) }
}
