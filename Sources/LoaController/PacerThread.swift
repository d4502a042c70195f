import Foundation
import LoaCrypto
import LoaSystem
import Synchronization

/// One real-time thread of the `Pacer` and the zone streams it alone sends.
///
/// Contract:
/// - Its streams are owned by its thread; other threads reach them only through the mailbox (commands) and the
///   snapshots (what each stream airs, its frame and packet count), updated after every packet and command.
/// - Each wake-up sends every packet due within `batchWindow`, earliest deadline first (`DeadlineQueue`), then
///   sleeps on the monotonic clock until the next deadline, or 5 ms when idle, so a command waits at most that
///   (`PacerWake`); a thread with nothing due always sleeps, whatever the clock does.
/// - It promotes itself to SCHED_FIFO where the system allows.
final class PacerThread: Sendable {
    enum Command: Sendable {
        case play(stream: Int, item: ReadyItem)
        case stop(stream: Int)
        case shutdown
    }

    struct Snapshot: Sendable {
        var airing: Int64?
        var frame = 0
        var packetsSent = 0
    }

    /// This thread's number among the pacer's threads.
    let number: Int
    /// The pacer-wide index of each of this thread's streams (for the send observer).
    private let zoneIndices: [Int]
    private let zoneNames: [String]
    private let mailbox = Mutex<[Command]>([])
    private let snapshots: Mutex<[Snapshot]>
    private let streamsBox: Mutex<[ZoneStream]?>
    private let stopped = Mutex(false)
    private let realTime = Mutex(false)
    private let events: AsyncStream<AirEvent>.Continuation
    private let observer: Pacer.SendObserver?
    /// Gives the wall time of the events (deadlines are on the kernel's monotonic clock, which the thread sleeps on).
    private let clock: any ControllerClock

    /// Packets due within this many nanoseconds of a wake-up are sent in it: fewer wake-ups, and packets of
    /// zones whose deadlines nearly coincide leave together instead of each waiting for its own.
    static let batchWindow: UInt64 = 250_000

    /// Opens a stream for each of `zones` (with its pacer-wide index), sealing with `signingKey` if given, for
    /// the commune `commune`, tagging with `tagKey` if given.
    init(
        number: Int, zones: [(index: Int, zone: Zone)], signingKey: SigningKeyPair?, tagKey: StreamTagKey?,
        commune: UInt32, unicast: UnicastDelivery? = nil, delays: PlayoutDelays? = nil,
        events: AsyncStream<AirEvent>.Continuation, observer: Pacer.SendObserver?, clock: any ControllerClock
    ) throws(SystemError) {
        var random = SystemRandomNumberGenerator()
        var streams: [ZoneStream] = []
        for (index, zone) in zones {
            streams.append(
                try ZoneStream(
                    zone: zone, random: &random, signingKey: signingKey, tagKey: tagKey, commune: commune,
                    unicast: unicast.map { ($0, index) }, delays: delays.map { ($0, index) }, slot: index))
        }
        self.number = number
        zoneIndices = zones.map(\.index)
        zoneNames = zones.map(\.zone.name)
        snapshots = Mutex(Array(repeating: Snapshot(), count: zones.count))
        streamsBox = Mutex(streams)
        self.events = events
        self.observer = observer
        self.clock = clock
    }

    func send(_ command: Command) { mailbox.withLock { $0.append(command) } }

    func snapshot(_ stream: Int) -> Snapshot { snapshots.withLock { $0[stream] } }

    var isRealTime: Bool { realTime.withLock { $0 } }
    var hasStopped: Bool { stopped.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "loa-pacer-" + String(number)
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    private func run() {
        guard
            let streams = streamsBox.withLock({ box -> [ZoneStream]? in
                defer { box = nil }
                return box
            })
        else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer {
            buffer.deallocate()
            stopped.withLock { $0 = true }
        }
        // Each stream has at most one live entry; stale ones come only from commands, so this rarely grows.
        var queue = DeadlineQueue(capacity: 2 * streams.count + 64)
        let promoted = RealTime.promoteCurrentThread()
        realTime.withLock { $0 = promoted }
        while true {
            // Take the mailbox whole and leave an empty one: no copy, and no allocation when nothing came.
            let commands = mailbox.withLock { box -> [Command] in
                let taken = box
                box = []
                return taken
            }
            for command in commands {
                switch command {
                case .play(let index, let item):
                    let stream = streams[index]
                    if let cut = stream.replace(with: item, now: MonotonicClock.now()) { report(.stopped, index, cut) }
                    events.yield(.started(airing: item.id, zone: zoneNames[index], at: clock.now()))
                    if let deadline = stream.nextDeadline { queue.push(deadline, stream: index) }
                    publish(stream, index)
                case .stop(let index):
                    if let cut = streams[index].stop() { report(.stopped, index, cut) }
                    publish(streams[index], index)
                case .shutdown:
                    for (index, stream) in streams.enumerated() {
                        if let cut = stream.stop() { report(.stopped, index, cut) }
                    }
                    return
                }
            }
            let now = MonotonicClock.now() + Self.batchWindow
            while let entry = queue.popDue(now: now) {
                let stream = streams[entry.stream]
                // Stale: the stream was cut or restarted since this entry was queued.
                guard stream.nextDeadline == entry.deadline else { continue }
                let airing = stream.current?.id ?? 0
                let finished = stream.sendDue(now: now, buffer: buffer)
                if let observer {
                    observer(number, zoneIndices[entry.stream], airing, entry.deadline, MonotonicClock.now())
                }
                if let finished {
                    report(.finished, entry.stream, (finished.finished, finished.frames))
                } else if let next = stream.nextDeadline {
                    queue.push(next, stream: entry.stream)
                }
                publish(stream, entry.stream)
            }
            if let wake = PacerWake.sleepUntil(now: MonotonicClock.now(), earliest: queue.earliest) {
                MonotonicClock.sleep(until: wake)
            }
        }
    }

    private enum Ending { case stopped, finished }

    private func report(_ ending: Ending, _ index: Int, _ airing: (id: Int64, frame: Int)) {
        let at = clock.now()
        switch ending {
        case .stopped: events.yield(.stopped(airing: airing.id, zone: zoneNames[index], at: at, frame: airing.frame))
        case .finished: events.yield(.finished(airing: airing.id, zone: zoneNames[index], at: at, frame: airing.frame))
        }
    }

    private func publish(_ stream: ZoneStream, _ index: Int) {
        snapshots.withLock {
            $0[index] = Snapshot(airing: stream.current?.id, frame: stream.position, packetsSent: stream.packetsSent)
        }
    }
}
