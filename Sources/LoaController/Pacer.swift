import Foundation
import LoaCrypto
import LoaSource
import LoaSystem
import Synchronization

/// Where the programme puts items on the air: the pacer in the controller, a simulation in tests.
public protocol Air: AnyObject, Sendable {
    /// Puts `item` on the air in `zone` at once, cutting off whatever plays there.
    func play(_ item: ReadyItem, zone: String)
    /// Takes whatever plays in `zone` off the air.
    func stop(zone: String)
    /// The airing on the air in `zone` and the frame it has reached.
    func onAir(zone: String) -> (airing: Int64, frame: Int)?
}

/// What the air reports to the programme. Times are Unix milliseconds.
public enum AirEvent: Sendable, Equatable {
    case started(airing: Int64, zone: String, at: Int64)
    /// The airing sent its last frame.
    case finished(airing: Int64, zone: String, at: Int64, frame: Int)
    /// The airing was cut off (by `play` of another, or `stop`) having reached `frame`.
    case stopped(airing: Int64, zone: String, at: Int64, frame: Int)
}

/// The real-time heart of the controller: one thread that sends every zone's packets at their deadlines.
///
/// Contract:
/// - Deadlines are absolute on the monotonic clock (`clock_nanosleep(TIMER_ABSTIME)`), so pacing does not
///   drift however long an item is.
/// - Sending a stored clip costs only packetising and one `sendto`: clips arrive encoded.
/// - A `play` or `stop` takes effect at the thread's next wake-up: within 5 ms when idle, one frame when busy.
/// - Other threads talk to it only through a mailbox and a snapshot; it reports through `events`.
public final class Pacer: Air {
    private enum Command: Sendable {
        case play(zone: String, item: ReadyItem)
        case stop(zone: String)
        case shutdown
    }

    private struct Snapshot: Sendable {
        var airing: Int64?
        var frame: Int
        var packetsSent: Int
    }

    private let mailbox = Mutex<[Command]>([])
    private let snapshots = Mutex<[String: Snapshot]>([:])
    private let streamsBox: Mutex<[ZoneStream]?>
    private let finishedThread = Mutex<Bool>(false)
    public let events: AsyncStream<AirEvent>
    private let eventSink: AsyncStream<AirEvent>.Continuation

    /// Called on the pacer thread right after each packet's `sendto` returns, with the zone's index in `zones`,
    /// the airing it belongs to, its deadline and the monotonic time it left (both ns). For measurement
    /// (`loa-bench`): it must be quick and must not allocate or block. nil (the default) costs one branch per
    /// packet.
    public typealias SendObserver = @Sendable (_ zone: Int, _ airing: Int64, _ deadline: UInt64, _ sentAt: UInt64) -> Void
    private let observer: SendObserver?

    /// Opens one stream per zone, sealing every packet with `signingKey` if given. Throws if a zone's interface
    /// cannot be used. `observer` sees every packet sent (see `SendObserver`).
    public init(zones: [Zone], signingKey: SigningKeyPair? = nil, observer: SendObserver? = nil) throws(SystemError) {
        self.observer = observer
        var random = SystemRandomNumberGenerator()
        var streams: [ZoneStream] = []
        for zone in zones { streams.append(try ZoneStream(zone: zone, random: &random, signingKey: signingKey)) }
        streamsBox = Mutex(streams)
        (events, eventSink) = AsyncStream.makeStream(of: AirEvent.self, bufferingPolicy: .unbounded)
    }

    public func play(_ item: ReadyItem, zone: String) { mailbox.withLock { $0.append(.play(zone: zone, item: item)) } }

    public func stop(zone: String) { mailbox.withLock { $0.append(.stop(zone: zone)) } }

    public func onAir(zone: String) -> (airing: Int64, frame: Int)? {
        snapshots.withLock { map in map[zone].flatMap { snapshot in snapshot.airing.map { ($0, snapshot.frame) } } }
    }

    /// Packets sent so far in `zone`.
    public func packetsSent(zone: String) -> Int { snapshots.withLock { $0[zone]?.packetsSent ?? 0 } }

    /// Starts the pacer thread; it runs until `shutdown()`.
    public func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "loa-pacer"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the thread; items on the air are reported as stopped.
    public func shutdown() {
        mailbox.withLock { $0.append(.shutdown) }
        while !finishedThread.withLock({ $0 }) { usleep(1000) }
    }

    private func run() {
        guard let streams = streamsBox.withLock({ box -> [ZoneStream]? in
            defer { box = nil }
            return box
        }) else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
        defer {
            buffer.deallocate()
            finishedThread.withLock { $0 = true }
        }
        let byName = Dictionary(uniqueKeysWithValues: streams.map { ($0.zone.name, $0) })
        let promoted = RealTime.promoteCurrentThread()
        realTimeBox.withLock { $0 = promoted }
        while true {
            // Take the mailbox whole and leave an empty one: no copy, and no allocation when nothing came.
            let commands = mailbox.withLock { box -> [Command] in
                let taken = box
                box = []
                return taken
            }
            for command in commands {
                switch command {
                case .play(let zone, let item):
                    guard let stream = byName[zone] else { continue }
                    if let cut = stream.replace(with: item, now: MonotonicClock.now()) {
                        eventSink.yield(.stopped(airing: cut.id, zone: zone, at: Self.wallMilliseconds(), frame: cut.frame))
                    }
                    eventSink.yield(.started(airing: item.id, zone: zone, at: Self.wallMilliseconds()))
                case .stop(let zone):
                    if let cut = byName[zone]?.stop() {
                        eventSink.yield(.stopped(airing: cut.id, zone: zone, at: Self.wallMilliseconds(), frame: cut.frame))
                    }
                case .shutdown:
                    for stream in streams {
                        if let cut = stream.stop() {
                            eventSink.yield(
                                .stopped(airing: cut.id, zone: stream.zone.name, at: Self.wallMilliseconds(), frame: cut.frame))
                        }
                    }
                    eventSink.finish()
                    return
                }
            }
            // One wake-up sends everything due within the next 0.25 ms: fewer wake-ups, and packets of zones
            // whose deadlines nearly coincide leave together instead of each waiting for its own.
            let now = MonotonicClock.now() + Self.batchWindow
            for (index, stream) in streams.enumerated() {
                while true {
                    let due = observer == nil ? nil : stream.nextDeadline.flatMap { $0 <= now ? ($0, stream.current?.id ?? 0) : nil }
                    let event = stream.sendDue(now: now, buffer: buffer)
                    if let observer, let (deadline, airing) = due { observer(index, airing, deadline, MonotonicClock.now()) }
                    guard let (id, frames) = event else { break }
                    eventSink.yield(.finished(airing: id, zone: stream.zone.name, at: Self.wallMilliseconds(), frame: frames))
                }
            }
            publish(streams)
            var wake = MonotonicClock.now() + 5_000_000
            for stream in streams { if let deadline = stream.nextDeadline, deadline < wake { wake = deadline } }
            MonotonicClock.sleep(until: wake)
        }
    }

    private func publish(_ streams: [ZoneStream]) {
        snapshots.withLock { map in
            for stream in streams {
                map[stream.zone.name] = Snapshot(
                    airing: stream.current?.id, frame: stream.position, packetsSent: stream.packetsSent)
            }
        }
    }

    static func wallMilliseconds() -> Int64 { WallClock.now() / 1_000_000 }

    /// Packets due within this many nanoseconds of a wake-up are sent in it.
    static let batchWindow: UInt64 = 250_000

    private let realTimeBox = Mutex(false)
    /// Whether the pacer thread got real-time scheduling (SCHED_FIFO), once it runs.
    public var isRealTime: Bool { realTimeBox.withLock { $0 } }
}
