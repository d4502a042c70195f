import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif
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
        /// The box cannot get trusted time from the controller (a wrong trust anchor, a key list it refuses, trust
        /// answers that do not reach it): it verifies and plays nothing.
        case noTrustedTime = "no-trusted-time"
        case trustedTimeCleared = "trusted-time-cleared"
        /// The box may play further from the commune's timeline than `fleet: sync-alert-ms:` allows (its clock
        /// estimate is poor, or its playout is off): neighbouring horns echo (issue 13).
        case sync
        case syncCleared = "sync-cleared"
        /// The controller could not write its audit log (a full disk): what it does is no longer recorded.
        case auditFailed = "audit-failed"
        /// The box's heartbeats report another group than its registered zone's (two in a row).
        case wrongZone = "wrong-zone"
        /// The box's registered zone is no longer in the controller's configuration.
        case zoneGone = "zone-gone"
        /// A `wrong-zone` or `zone-gone` alert no longer holds.
        case zoneCleared = "zone-cleared"
        /// The key list in force expires within 14 days (`KeyListExpiry`), or has expired; about no one box.
        case keyListExpiring = "key-list-expiring"
        case keyListExpired = "key-list-expired"
        /// A relayed station changed source (to a backup, to the fallback, back to the primary): about no one box.
        case relaySwitch = "relay-switch"
        /// A live broadcast from an input was ended by the controller, not by the office: its `loa live` stopped
        /// sending word (killed, or its computer cut off), or it reached its input's `max-minutes`.
        case liveCut = "live-cut"
    }

    package var kind: Kind
    /// The receiver's id (16 hex digits).
    package var receiver: String
    package var name: String
    var zone: String?
    /// When the controller noticed (ISO 8601).
    package var at: String
    /// The last valid heartbeat (ISO 8601).
    var lastSeen: String?
    package var detail: String
    /// How many alerts of this kind this one stands for (more than 1 when a flood was coalesced).
    package var count: Int = 1

    var json: Data { (try? JSONEncoder().encode(self)) ?? Data() }
}

/// Delivers alerts: logs each one, runs the configured command and POSTs the configured webhook. Delivery
/// is in the background and one alert at a time; a failing command or webhook is logged, never retried,
/// and never holds up heartbeats; a command that hangs is stopped after `alert-timeout` seconds and a webhook
/// that does not answer is given up after 10 s.
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

    /// Runs `command` with `body` on stdin and in `$LOA_ALERT`; a command still running after the configured
    /// `alert-timeout` is stopped (SIGTERM, then SIGKILL a second later) and the next alert goes on.
    private func run(_ command: String, _ body: Data) async {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "LOA_ALERT": String(decoding: body, as: UTF8.self)
        ]) { $1 }
        let input = Pipe()
        process.standardInput = input
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { finished in
            exited.yield(finished.terminationStatus)
            exited.finish()
        }
        do { try process.run() } catch {
            logger.error("cannot run the alert command '\(command)': \(error.localizedDescription)")
            return
        }
        input.fileHandleForWriting.write(body)
        try? input.fileHandleForWriting.close()
        let timeout = configuration.alertTimeoutSeconds
        let pid = process.processIdentifier
        let (status, stopped) = await withTaskGroup(of: Int32?.self) { group -> (Int32?, Bool) in
            group.addTask { await exits.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            if let status = await group.next() ?? nil { return (status, false) }
            process.terminate()
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                kill(pid, SIGKILL)  // still running a second after SIGTERM (else this task is cancelled)
                return nil
            }
            while let next = await group.next() {
                if let status = next { return (status, true) }
            }
            return (nil, true)
        }
        if stopped {
            logger.error("alert command did not finish within \(timeout) s, stopped it: \(command)")
        } else if let status, status != 0 {
            logger.error("alert command exited with status \(status): \(command)")
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
