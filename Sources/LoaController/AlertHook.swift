import Synchronization

/// A place to raise an alert about the programme (a relay changed source, a live broadcast was cut) before whoever
/// delivers alerts exists: the controller connects it to the fleet's alerts once both are made. Until then, alerts
/// go nowhere.
public final class AlertHook: Sendable {
    private let sink = Mutex<(@Sendable (Alert.Kind, String) -> Void)?>(nil)

    public init() {}

    /// Sends every later alert to `deliver`.
    package func connect(_ deliver: @escaping @Sendable (Alert.Kind, String) -> Void) {
        sink.withLock { $0 = deliver }
    }

    /// Raises an alert of `kind` with `detail`.
    package func raise(_ kind: Alert.Kind, _ detail: String) { sink.withLock { $0 }?(kind, detail) }
}
