import LoaCrypto
import LoaSystem
import LoaWire
import Synchronization

/// How a command to a receiver ended.
package enum CommandResult: Equatable, Sendable {
    /// The receiver acknowledged it.
    case acknowledged
    /// Sent `attempts` times, never acknowledged.
    case unanswered(attempts: Int)
    /// Never sent: the receiver has not been heard from since it was approved, so nobody knows where it is.
    case unreachable

    /// What the API and `loa` show: "acknowledged" or "failed: why".
    package var text: String { reason.map { "failed: " + $0 } ?? "acknowledged" }

    /// Why it failed, in words (nil when acknowledged): the API's `reason`.
    package var reason: String? {
        switch self {
        case .acknowledged: return nil
        case .unanswered(let attempts): return "no acknowledgement after \(attempts) attempts"
        case .unreachable: return "the receiver has never been heard from since it was approved"
        }
    }

    /// The `command` table's state and the `result` label of `loa_commands_total`.
    package var state: String { self == .acknowledged ? "acknowledged" : "failed" }
}

/// A command on its way to a receiver.
package struct ReceiverCommand: Equatable, Sendable {
    /// Its `command` table id, which the receiver checks for replays.
    package var id: UInt32
    package var receiver: ReceiverID
    package var action: ReceiverAction

    package init(id: UInt32, receiver: ReceiverID, action: ReceiverAction) {
        self.id = id
        self.receiver = receiver
        self.action = action
    }
}

/// Where a receiver's commands go and the key they are tagged with.
package typealias CommandRoute = (address: SocketAddress, key: MessageKey)

/// A command that ended, for the `command` table.
package struct FinishedCommand: Equatable, Sendable {
    package var id: UInt32
    package var outcome: CommandResult
    package var attempts: Int
}

/// Commands waiting for their acknowledgement. The listener thread sends what `due` returns and reports
/// acknowledgements; callers of `outcome(of:)` wait for each command's end without polling.
///
/// Contract:
/// - A submitted command is due at once, then every `retryNanoseconds` until acknowledged; after `attempts`
///   sends and one more retry period without an acknowledgement it ends `unanswered`; a receiver with no route
///   ends it `unreachable` when it is due.
/// - An acknowledgement ends a command only if it comes from the receiver the command was for and the command has
///   not ended: a late or foreign one is ignored.
/// - `outcome(of:)` resumes exactly once, when its command ends (at once if it already has). A command's entry
///   goes when its outcome has been taken, so the tracker holds only commands in flight.
package final class CommandTracker: Sendable {
    private struct Entry {
        var command: ReceiverCommand
        var attempts = 0
        var nextAt: UInt64 = 0
        var ended: CommandResult?
        var waiter: CheckedContinuation<CommandResult, Never>?
    }

    private struct State {
        var entries: [UInt32: Entry] = [:]
        var finished: [FinishedCommand] = []
    }

    let attempts: Int
    let retryNanoseconds: UInt64
    private let metrics: FleetMetrics?
    private let state = Mutex(State())

    package init(attempts: Int, retryMilliseconds: Int, metrics: FleetMetrics? = nil) {
        self.attempts = attempts
        retryNanoseconds = UInt64(retryMilliseconds) * 1_000_000
        self.metrics = metrics
    }

    /// Starts tracking `command`: it is due for sending from now on.
    package func submit(_ command: ReceiverCommand) {
        state.withLock { $0.entries[command.id] = Entry(command: command) }
    }

    /// Waits until command `id` ends and returns how; `.unreachable` for an id never submitted (or already taken).
    package func outcome(of id: UInt32) async -> CommandResult {
        await withCheckedContinuation { continuation in
            let ended: CommandResult? = state.withLock { state in
                guard let entry = state.entries[id] else { return .unreachable }
                guard let outcome = entry.ended else {
                    state.entries[id]?.waiter = continuation
                    return nil
                }
                state.entries[id] = nil
                return outcome
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// `receiver` acknowledged command `id`: ends it unless it already ended or was for another receiver.
    package func acknowledged(_ id: UInt32, by receiver: ReceiverID) {
        end([id], now: nil) { entry in entry.command.receiver == receiver ? .acknowledged : nil }
    }

    /// The commands to send at `now` (monotonic nanoseconds), each counted as an attempt; `route` says where a
    /// receiver's commands go. Ends those out of attempts or without a route.
    package func due(now: UInt64, route: (ReceiverID) -> CommandRoute?) -> [(ReceiverCommand, CommandRoute)] {
        let due = state.withLock { state in
            state.entries.values.filter { $0.ended == nil && now >= $0.nextAt }.map(\.command)
        }
        guard !due.isEmpty else { return [] }
        var routes: [ReceiverID: CommandRoute] = [:]
        for command in due where routes[command.receiver] == nil { routes[command.receiver] = route(command.receiver) }
        var sends: [(ReceiverCommand, CommandRoute)] = []
        end(due.map(\.id), now: now) { entry in
            guard entry.attempts < attempts else { return .unanswered(attempts: entry.attempts) }
            guard let route = routes[entry.command.receiver] else { return .unreachable }
            entry.attempts += 1
            entry.nextAt = now + retryNanoseconds
            sends.append((entry.command, route))
            return nil
        }
        return sends
    }

    /// Commands submitted whose outcome has not been taken yet.
    package var inFlight: Int { state.withLock { $0.entries.count } }

    /// Commands that ended since the last call, for the `command` table.
    package func takeFinished() -> [FinishedCommand] {
        state.withLock { state in
            defer { state.finished = [] }
            return state.finished
        }
    }

    /// Applies `decide` to each of `ids` still in flight (and due at `now`, if given); ends those it gives an outcome
    /// and resumes their waiters outside the lock.
    private func end(_ ids: [UInt32], now: UInt64?, _ decide: (inout Entry) -> CommandResult?) {
        let (outcomes, resumed) = state.withLock { state in
            var outcomes: [CommandResult] = []
            var resumed: [(CheckedContinuation<CommandResult, Never>, CommandResult)] = []
            for id in ids {
                guard var entry = state.entries[id], entry.ended == nil else { continue }
                if let now, now < entry.nextAt { continue }
                guard let outcome = decide(&entry) else {
                    state.entries[id] = entry
                    continue
                }
                outcomes.append(outcome)
                state.finished.append(FinishedCommand(id: id, outcome: outcome, attempts: entry.attempts))
                if let waiter = entry.waiter {
                    state.entries[id] = nil
                    resumed.append((waiter, outcome))
                } else {
                    entry.ended = outcome
                    state.entries[id] = entry
                }
            }
            return (outcomes, resumed)
        }
        for outcome in outcomes { metrics?.command(outcome.state) }
        for (waiter, outcome) in resumed { waiter.resume(returning: outcome) }
    }
}
