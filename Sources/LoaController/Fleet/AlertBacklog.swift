import Synchronization

/// The alerts raised but not yet delivered, in the order they are to be delivered.
///
/// A flood cannot grow it or hold up other alerts: an alert of a kind that already waits is merged into the
/// waiting one (its `count` grows, its detail names up to `namedReceivers` receivers), so at most one alert
/// per kind waits. Alerts that mean someone no longer hears the speakers (`offline`, `sound-card`,
/// `audit-failed`) go before the others.
struct AlertBacklog {
    static let namedReceivers = 5
    private var waiting: [Alert] = []
    /// The receivers named in each waiting alert, by kind.
    private var named: [Alert.Kind: [String]] = [:]

    static let urgent: Set<Alert.Kind> = [.offline, .soundCard, .noTrustedTime, .auditFailed]

    /// Adds `alerts`, each merged into a waiting alert of its kind if there is one.
    mutating func add(_ alerts: [Alert]) {
        for alert in alerts {
            guard let index = waiting.firstIndex(where: { $0.kind == alert.kind }) else {
                waiting.append(alert)
                named[alert.kind] = [alert.receiver]
                continue
            }
            waiting[index].count += alert.count
            var receivers = named[alert.kind] ?? []
            if receivers.count < Self.namedReceivers, !receivers.contains(alert.receiver) {
                receivers.append(alert.receiver)
                named[alert.kind] = receivers
            }
            let first = waiting[index]
            waiting[index].detail =
                "\(first.count) alerts (receivers \(receivers.joined(separator: ", "))"
                + "\(first.count > receivers.count ? ", …" : "")); the first: \(detail(of: first))"
        }
    }

    /// The next alert to deliver, urgent ones first, each kind in the order raised.
    mutating func next() -> Alert? {
        guard let index = waiting.firstIndex(where: { Self.urgent.contains($0.kind) }) ?? waiting.indices.first
        else { return nil }
        named[waiting[index].kind] = nil
        return waiting.remove(at: index)
    }

    /// How many alerts wait (each standing for `count`).
    var count: Int { waiting.count }

    /// The first alert's own detail, out of a merged detail.
    private func detail(of alert: Alert) -> String {
        guard let range = alert.detail.range(of: "; the first: ") else { return alert.detail }
        return String(alert.detail[range.upperBound...])
    }
}

extension AlertBacklog {
    /// One backlog shared by the task that fills it and the one that delivers from it.
    final class Shared: Sendable {
        private let state = Mutex(AlertBacklog())

        func withLock<T>(_ body: (inout AlertBacklog) -> T) -> T { state.withLock { body(&$0) } }
    }
}
