import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Something about a speaker box that a person should hear about: it went silent, came back, loses
/// packets, underruns, or its sound card fails. The JSON body of a webhook, and the stdin (and `$LOA_ALERT`)
/// of an alert command.
package struct Alert: Codable, Sendable {
    package enum Kind: String, Codable, Sendable {
        /// A box never heard before asks to join: someone should approve it (or find out who put it there).
        case pending
        case offline, online, loss
        case lossCleared = "loss-cleared"
        case underruns
        case underrunsCleared = "underruns-cleared"
        /// The box is alive but its sound card cannot be opened or fails while playing: nobody hears it.
        case soundCard = "sound-card"
        case soundCardCleared = "sound-card-cleared"
    }

    package var kind: Kind
    /// The receiver's id (16 hex digits).
    package var receiver: String
    package var name: String
    var zone: String?
    /// When the controller noticed (ISO 8601).
    var at: String
    /// The last valid heartbeat (ISO 8601).
    var lastSeen: String?
    package var detail: String

    var json: Data { (try? JSONEncoder().encode(self)) ?? Data() }
}

/// Delivers alerts: logs each one, runs the configured command and POSTs the configured webhook. Delivery
/// is in the background and one alert at a time; a failing command or webhook is logged, never retried
/// forever, and never holds up heartbeats.
package struct AlertDispatcher: Sendable {
    let configuration: FleetConfiguration
    let logger: Logger

    package init(configuration: FleetConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Logs `alert` (a warning: "alert: KIND receiver ID 'NAME' zone ZONE: DETAIL"), then runs the command
    /// and POSTs the webhook, each if configured; returns when both are done or have failed.
    package func deliver(_ alert: Alert) async {
        logger.warning(
            "alert: \(alert.kind.rawValue) receiver \(alert.receiver) '\(alert.name)' zone \(alert.zone ?? "-"): \(alert.detail)"
        )
        let body = alert.json
        if let command = configuration.alertCommand { await run(command, body) }
        if let url = configuration.alertWebhook { await post(url, body) }
    }

    private func run(_ command: String, _ body: Data) async {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "LOA_ALERT": String(decoding: body, as: UTF8.self)
        ]) { $1 }
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
            input.fileHandleForWriting.write(body)
            try? input.fileHandleForWriting.close()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    process.waitUntilExit()
                    continuation.resume()
                }
            }
            if process.terminationStatus != 0 {
                logger.error("alert command exited with status \(process.terminationStatus): \(command)")
            }
        } catch {
            logger.error("cannot run the alert command '\(command)': \(error.localizedDescription)")
        }
    }

    private func post(_ url: URL, _ body: Data) async {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 10
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                logger.error("alert webhook \(url.absoluteString) answered \(http.statusCode)")
            }
        } catch {
            logger.error("alert webhook \(url.absoluteString) failed: \(error.localizedDescription)")
        }
    }
}
