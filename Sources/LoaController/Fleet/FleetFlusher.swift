import Logging

/// Writes what the registry and the command tracker changed to `fleet.sqlite`: the one path from memory to the
/// store. A failed write is logged and the next one carries on.
struct FleetFlusher: Sendable {
    let store: FleetStore
    let registry: FleetRegistry
    let commands: CommandTracker
    let logger: Logger

    /// Writes changed receivers (with `heartbeats`, those with newer heartbeats too), history, alerts and ended
    /// commands; returns the alerts, now recorded.
    func flush(heartbeats: Bool) -> [Alert] {
        let changes = registry.takeChanges(heartbeats: heartbeats)
        let now = registry.clock.now()
        let alertRows = changes.alerts.map {
            FleetStore.Transition(receiver: $0.receiver, at: now, state: $0.kind.rawValue, detail: $0.detail)
        }
        do { try store.save(changes.rows, history: changes.history, alerts: alertRows, removed: changes.removed) } catch
        {
            logger.error("cannot write the fleet registry: \(error)")
        }
        for command in commands.takeFinished() {
            do {
                try store.finishCommand(
                    id: command.id, state: command.outcome.state, attempts: command.attempts, at: now)
            } catch {
                logger.error("cannot record how command \(command.id) ended: \(error)")
            }
        }
        return changes.alerts
    }
}
