import Foundation
import LoaSource
import LoaSystem
import Synchronization

/// The real-time heart of the controller: one thread that sends every zone's packets at their deadlines.
///
/// Contract:
/// - Deadlines are absolute on the monotonic clock (`clock_nanosleep(TIMER_ABSTIME)`), so pacing does not
///   drift however long an item is.
/// - Sending a stored clip costs only packetising and one `sendto`: clips arrive encoded.
/// - Other threads talk to it only through `submit`/`stop` (a mailbox) and `snapshot` (a copy of what
///   plays); it reports items that end through `events`.
public final class Pacer: Sendable {
    /// What one zone is doing, as last seen by the pacer thread.
    public struct ZoneSnapshot: Sendable, Equatable {
        public var playing: Int64?
        public var positionFrames: Int
        public var prefetched: Int64?
        public var packetsSent: Int
    }

    /// What the pacer tells the programme.
    public enum Event: Sendable, Equatable {
        /// `item` started in `zone` at `wallTime` (Unix ms).
        case started(item: Int64, zone: String, wallTime: Int64)
        /// `item` sent its last packet in `zone` at `wallTime`.
        case finished(item: Int64, zone: String, wallTime: Int64)
        /// `item` was stopped in `zone` before its end.
        case stopped(item: Int64, zone: String, wallTime: Int64)
    }

    private enum Command: Sendable {
        case submit(zone: String, item: ReadyItem)
        case stop(zone: String, item: Int64)
        case shutdown
    }

    private let mailbox = Mutex<[Command]>([])
    private let snapshots = Mutex<[String: ZoneSnapshot]>([:])
    private let streamsBox: Mutex<[ZoneStream]?>
    public let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let finishedThread = Mutex<Bool>(false)

    /// Opens one stream per zone. Throws if a zone's interface cannot be used.
    public init(zones: [Zone]) throws(SystemError) {
        var random = SystemRandomNumberGenerator()
        var streams: [ZoneStream] = []
        for zone in zones { streams.append(try ZoneStream(zone: zone, random: &random)) }
        streamsBox = Mutex(streams)
        (events, eventSink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        snapshots.withLock { map in
            for zone in zones { map[zone.name] = ZoneSnapshot(playing: nil, positionFrames: 0, prefetched: nil, packetsSent: 0) }
        }
    }

    /// Hands an encoded item to `zone`: it plays now if the zone is idle, else right after the current item.
    /// The programme submits at most one item ahead (see `snapshot`).
    public func submit(_ item: ReadyItem, zone: String) { mailbox.withLock { $0.append(.submit(zone: zone, item: item)) } }

    /// Stops `item` in `zone` if it is on the air.
    public func stop(item: Int64, zone: String) { mailbox.withLock { $0.append(.stop(zone: zone, item: item)) } }

    /// What each zone is doing now.
    public func snapshot() -> [String: ZoneSnapshot] { snapshots.withLock { $0 } }

    /// Starts the pacer thread; it runs until `shutdown()`.
    public func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "loa-pacer"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the thread after the packets now due; items on the air are reported as stopped.
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
        let idleWait: UInt64 = 5_000_000
        while true {
            let commands = mailbox.withLock { box -> [Command] in
                defer { box.removeAll(keepingCapacity: true) }
                return box
            }
            for command in commands {
                switch command {
                case .submit(let zone, let item):
                    guard let stream = byName[zone] else { continue }
                    if stream.enqueue(item, now: MonotonicClock.now()) {
                        eventSink.yield(.started(item: item.id, zone: zone, wallTime: wallMilliseconds()))
                    }
                case .stop(let zone, let item):
                    guard let stream = byName[zone], stream.current?.id == item else { continue }
                    let following = stream.next?.id
                    if let stopped = stream.stopCurrent(now: MonotonicClock.now()) {
                        eventSink.yield(.stopped(item: stopped, zone: zone, wallTime: wallMilliseconds()))
                        if let following {
                            eventSink.yield(.started(item: following, zone: zone, wallTime: wallMilliseconds()))
                        }
                    }
                case .shutdown:
                    for stream in streams {
                        if let id = stream.current?.id {
                            eventSink.yield(.stopped(item: id, zone: stream.zone.name, wallTime: wallMilliseconds()))
                        }
                    }
                    eventSink.finish()
                    return
                }
            }
            var now = MonotonicClock.now()
            for stream in streams {
                while let event = stream.sendDue(now: now, buffer: buffer) {
                    if case .finished(let id, let started) = event {
                        eventSink.yield(.finished(item: id, zone: stream.zone.name, wallTime: wallMilliseconds()))
                        if let started {
                            eventSink.yield(.started(item: started, zone: stream.zone.name, wallTime: wallMilliseconds()))
                        }
                    }
                }
            }
            publish(streams)
            now = MonotonicClock.now()
            var wake = now + idleWait
            for stream in streams { if let deadline = stream.nextDeadline, deadline < wake { wake = deadline } }
            MonotonicClock.sleep(until: wake)
        }
    }

    private func publish(_ streams: [ZoneStream]) {
        snapshots.withLock { map in
            for stream in streams {
                map[stream.zone.name] = ZoneSnapshot(
                    playing: stream.current?.id, positionFrames: stream.position, prefetched: stream.next?.id,
                    packetsSent: stream.packetsSent)
            }
        }
    }

    private func wallMilliseconds() -> Int64 { WallClock.now() / 1_000_000 }
}
