import ArgumentParser
import Foundation
import LoaControlAPI

/// `loa alerts`: the latest alerts about the boxes, in commune time, for the broadcaster (issue 17, point 5).
struct AlertsCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "alerts", abstract: Message.alertsAbstract.text())
    }

    @Option(name: .long, help: Message.alertsLastHelp.help)
    var last = 20

    @Flag(name: .long, help: Message.jsonHelp.help)
    var json = false

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if json {
                return try await client.printJSON(.alerts)
            }
            let alerts = try await client.alerts(after: 0).suffix(max(last, 1))
            guard !alerts.isEmpty else {
                print(Message.noAlerts.text())
                return
            }
            let timeZone = try await CommuneTimeZone.of(client)
            let names = try await AlertText.boxNames(client)
            printTable(
                [Message.alertsHeadings.text().split(separator: "|").map(String.init)]
                    + alerts.map {
                        [
                            localText(iso: $0.at, timeZone: timeZone), names[$0.receiver] ?? $0.receiver,
                            AlertText.kind($0.kind), $0.detail,
                        ]
                    })
        }
    }
}

/// How `loa` shows an alert.
enum AlertText {
    /// The boxes' names by id.
    static func boxNames(_ client: ControlClient) async throws(ControlClientError) -> [String: String] {
        Dictionary(try await client.receivers().map { ($0.id, $0.name) }) { first, _ in first }
    }

    /// The alert's kind in `language` (`offline`, "mất liên lạc"); a kind this release does not know, as it is.
    static func kind(_ kind: String, in language: Language = .current) -> String {
        guard language == .vietnamese else { return kind }
        let words = [
            "pending": "loa mới chờ duyệt", "offline": "mất liên lạc", "online": "liên lạc lại", "loss": "mất gói",
            "loss-cleared": "hết mất gói", "underruns": "hụt tiếng", "underruns-cleared": "hết hụt tiếng",
            "sound-card": "hỏng card âm thanh", "sound-card-cleared": "card âm thanh hoạt động lại",
            "no-trusted-time": "không có giờ tin cậy", "trusted-time-cleared": "có giờ tin cậy lại",
            "sync": "lệch đồng bộ", "sync-cleared": "đồng bộ lại", "audit-failed": "không ghi được nhật ký",
            "wrong-zone": "sai khu vực", "zone-gone": "khu vực không còn", "zone-cleared": "khu vực đúng lại",
            "relay-switch": "đổi nguồn tiếp sóng",
            "live-cut": "tự ngắt phát trực tiếp",
        ]
        return words[kind] ?? kind
    }
}
