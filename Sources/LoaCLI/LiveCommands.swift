import ArgumentParser
import Dispatch
import Foundation
import LoaControlAPI

/// `loa live`: the office's microphone (or any live input of the controller) on the air until Enter, Ctrl-C or
/// the end of standard input; `loa live stop ID` ends one from elsewhere.
struct LiveCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "live", abstract: Message.liveAbstract.text(), subcommands: [LiveStart.self, LiveStop.self],
            defaultSubcommand: LiveStart.self)
    }
}

struct LiveStart: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "start", abstract: Message.liveAbstract.text())
    }

    @Option(name: .long, help: Message.liveInputHelp.help)
    var input: String = "mic"

    @Option(name: [.long, .customLong("zones")], help: Message.zonesHelp.help)
    var zone: String = "all"

    @Option(name: .long, help: Message.livePriorityHelp.help)
    var priority: String = "normal"

    @Option(name: .long, help: Message.sayTitleHelp.help)
    var title: String?

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            guard let priority = Priority(typed: priority) else { throw CLIError(.badPriority, priority) }
            guard priority != .emergency else { throw CLIError(.liveNoEmergency) }
            let client = try options.client()
            let item = try await client.startLive(input: input, zones: zone, title: title, priority: priority)
            // Each line is flushed at once: a script (or a test) waits for "speak now" on a pipe.
            say(Message.liveStarted.text(item.id, input, item.zones.joined(separator: ", ")))
            // Word that the office is still there goes from now on, every 2 s, chime included.
            let (ends, ended) = AsyncStream<End>.makeStream()
            let keeper = Self.keep(item.id, client: client, ended: ended)
            defer { keeper.cancel() }
            await NobodyListening.warn(zones: item.zones, client: client)
            // "Speak now" once a zone airs it (a zone busy with an item of the same priority joins when it is free).
            var announced = false
            for _ in 0..<50 {
                let view = try await client.item(item.id)
                if view.states.values.contains(.playing) {
                    // The chime plays first; the input is heard once it has.
                    if let chime = item.chimeMs, chime > 0 { try await Task.sleep(for: .milliseconds(chime)) }
                    say(Message.liveSpeakNow.text())
                    announced = true
                    break
                }
                if view.states.values.allSatisfy({ $0 != .pending }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            if !announced { say(Message.liveWaiting.text()) }
            switch await Self.untilEnd(ends, ended) {
            case .byOperator:
                let stopped = try await client.stopLive(item.id)
                print(Message.liveEnded.text(stopped.id, minutesSeconds(stopped.durationMs)))
            case .elsewhere:
                throw CLIError(.liveEndedElsewhere, String(item.id))
            }
        }
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// How a live broadcast ended for `loa live`.
    enum End { case byOperator, elsewhere }

    /// Says every 2 s that live item `id` is still wanted (the controller ends a broadcast it has not heard about
    /// for 10 s, so a killed `loa` never leaves the microphone open); yields `elsewhere` to `ended` when the
    /// controller says the broadcast has ended. A controller that does not answer is said once on standard error,
    /// and again when it answers.
    static func keep(_ id: Int64, client: ControlClient, ended: AsyncStream<End>.Continuation) -> Task<Void, Never> {
        Task {
            var unreachable = false
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                if Task.isCancelled { return }
                do throws(ControlClientError) {
                    _ = try await client.keepLive(id)
                    if unreachable { warn(Message.liveReachedAgain.text()) }
                    unreachable = false
                } catch  where error.status == 404 {
                    ended.yield(.elsewhere)
                    return
                } catch {
                    if !unreachable { warn(Message.liveUnreachable.text(error.description)) }
                    unreachable = true
                }
            }
        }
    }

    private static func warn(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    /// Returns `byOperator` on a line (Enter) or the end of standard input, or on SIGINT or SIGTERM; or what comes
    /// first on `ends` (`ended` is its continuation).
    static func untilEnd(_ ends: AsyncStream<End>, _ ended: AsyncStream<End>.Continuation) async -> End {
        Thread.detachNewThread {
            _ = readLine()
            ended.yield(.byOperator)
        }
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { ended.yield(.byOperator) }
            source.resume()
            sources.append(source)
        }
        defer { for source in sources { source.cancel() } }
        for await end in ends { return end }
        return .byOperator
    }
}

struct LiveStop: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "stop", abstract: Message.liveStopAbstract.text())
    }

    @Argument(help: Message.itemIdHelp.help)
    var id: Int64

    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let ended = try await options.client().stopLive(id)
            print(Message.liveEnded.text(ended.id, minutesSeconds(ended.durationMs)))
        }
    }
}
