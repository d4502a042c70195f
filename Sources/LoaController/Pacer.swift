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

/// The real-time heart of the controller: a few threads (one per core by default) that send every zone's
/// packets at their deadlines, each zone on one thread (`PacerThread`).
///
/// Contract:
/// - Deadlines are absolute on the monotonic clock (`clock_nanosleep(TIMER_ABSTIME)`), so pacing does not
///   drift however long an item is.
/// - Sending a stored clip costs only packetising, sealing and one `sendto`: clips arrive encoded. Zones are
///   dealt round-robin to the threads, so sealing (the dearest step) spreads over the cores.
/// - A `play` or `stop` takes effect at its thread's next wake-up: within 5 ms when idle, one frame when busy.
///   Commands for one zone take effect in the order given; `events` reports each zone's in order.
/// - Other threads talk to it only through mailboxes and snapshots; it reports through `events`.
public final class Pacer: Air {
    private let threads: [PacerThread]
    /// Which thread sends each zone, and the zone's index among that thread's streams.
    private let placement: [String: (thread: Int, stream: Int)]
    public let events: AsyncStream<AirEvent>
    private let eventSink: AsyncStream<AirEvent>.Continuation

    /// Called on the pacer thread that sends the packet, right after its `sendto` returns, with that thread's
    /// number, the zone's index in `zones`, the airing, the packet's deadline and the monotonic time it left
    /// (both ns). For measurement (`loa-bench`): it must be quick, must not allocate or block, and is called
    /// from several threads at once when there are several. nil (the default) costs one branch per packet.
    public typealias SendObserver =
        @Sendable (_ thread: Int, _ zone: Int, _ airing: Int64, _ deadline: UInt64, _ sentAt: UInt64) -> Void

    /// Opens one stream per zone, sealing every packet with `signingKey` if given (for its zone and `commune`,
    /// the root key id: see `PacketAudience`; tagged with `tagKey` if given, see `PacketSeal`), on `threads` threads (default:
    /// one per available core, never more than there are zones), each packet also to the zone's unicast boxes in
    /// `unicast` if given, each zone's playout delay adapting through `delays` if given. Throws if a zone's interface
    /// cannot be used.
    /// `observer` sees every packet sent (see `SendObserver`). Events carry the wall time of `clock`.
    public init(
        zones: [Zone], signingKey: SigningKeyPair? = nil, tagKey: StreamTagKey? = nil, commune: UInt32 = 0,
        threads: Int? = nil, unicast: UnicastDelivery? = nil, delays: PlayoutDelays? = nil,
        observer: SendObserver? = nil,
        clock: any ControllerClock = SystemClock()
    ) throws(SystemError) {
        let count = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, zones.count))
        var dealt = Array(repeating: [(index: Int, zone: Zone)](), count: count)
        var placement: [String: (thread: Int, stream: Int)] = [:]
        for (index, zone) in zones.enumerated() {
            placement[zone.name] = (index % count, dealt[index % count].count)
            dealt[index % count].append((index, zone))
        }
        self.placement = placement
        (events, eventSink) = AsyncStream.makeStream(of: AirEvent.self, bufferingPolicy: .unbounded)
        var made: [PacerThread] = []
        for (number, zones) in dealt.enumerated() {
            made.append(
                try PacerThread(
                    number: number, zones: zones, signingKey: signingKey, tagKey: tagKey, commune: commune,
                    unicast: unicast, delays: delays, events: eventSink,
                    observer: observer,
                    clock: clock))
        }
        self.threads = made
    }

    /// How many threads send the zones.
    public var threadCount: Int { threads.count }

    public func play(_ item: ReadyItem, zone: String) {
        guard let (thread, stream) = placement[zone] else { return }
        threads[thread].send(.play(stream: stream, item: item))
    }

    public func stop(zone: String) {
        guard let (thread, stream) = placement[zone] else { return }
        threads[thread].send(.stop(stream: stream))
    }

    public func onAir(zone: String) -> (airing: Int64, frame: Int)? {
        guard let (thread, stream) = placement[zone] else { return nil }
        let snapshot = threads[thread].snapshot(stream)
        return snapshot.airing.map { ($0, snapshot.frame) }
    }

    /// Packets sent so far in `zone`.
    public func packetsSent(zone: String) -> Int {
        guard let (thread, stream) = placement[zone] else { return 0 }
        return threads[thread].snapshot(stream).packetsSent
    }

    /// Starts the pacer threads (once); they run until `shutdown()`.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for thread in threads { thread.start() }
    }

    /// Stops the threads, if they were started; items on the air are reported as stopped, then `events` ends.
    public func shutdown() {
        if started.load(ordering: .acquiring) {
            for thread in threads { thread.send(.shutdown) }
            for thread in threads { while !thread.hasStopped { usleep(1000) } }
        }
        eventSink.finish()
    }

    private let started = Atomic<Bool>(false)

    /// Whether every pacer thread got real-time scheduling (SCHED_FIFO), once they run.
    public var isRealTime: Bool { threads.allSatisfy(\.isRealTime) }
}
