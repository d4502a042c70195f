import Synchronization

/// A place to raise an alert about the programme (a relay changed source) before whoever delivers alerts exists:
/// the controller connects it to the fleet's alerts once both are made. Until then, alerts go nowhere.
public final class AlertHook: Sendable {
    private let sink = Mutex<(@Sendable (String) -> Void)?>(nil)

    public init() {}

    /// Sends every later alert to `deliver`.
    public func connect(_ deliver: @escaping @Sendable (String) -> Void) { sink.withLock { $0 = deliver } }

    /// Raises an alert with `detail`.
    public func raise(_ detail: String) { sink.withLock { $0 }?(detail) }
}
