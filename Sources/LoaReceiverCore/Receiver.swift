import LoaCodec
import LoaSystem

/// The speaker box's main loop: join the zone's group, feed every datagram to the playout, play frames on
/// time, until SIGTERM.
///
/// A setup step that fails (an interface that is not there yet, a group that cannot be joined, an ALSA
/// device that is missing) is one `ReceiverSetupError` line; `run()` and `ReceiverLaunch.run()` log it and
/// retry with back-off, up to once a minute: a box whose network or sound card comes up late starts
/// playing by itself, and the log says why it waited. While playing, the main loop feeds systemd's watchdog.
public final class Receiver {
    public let settings: ReceiverSettings
    private let datagram: UnsafeMutableRawBufferPointer

    /// The largest datagram accepted; anything larger is counted as rejected.
    public static let maximumDatagramBytes = 1500

    public init(settings: ReceiverSettings) {
        self.settings = settings
        datagram = .allocate(byteCount: Self.maximumDatagramBytes, alignment: 8)
    }

    deinit { datagram.deallocate() }

    /// Retries `play()` with back-off until it starts, then plays until a stop signal; returns the final
    /// statistics.
    public func run() -> ReceiverStatistics {
        var backoff = Backoff()
        while !StopSignal.requested {
            do { return try play() } catch { backoff.wait(after: error.message) }
        }
        return ReceiverStatistics()
    }

    /// Sets up once (interface, group, ALSA device, decoder) and, if that works, plays until a stop
    /// signal and returns the statistics. Throws at once if a setup step fails.
    public func play() throws(ReceiverSetupError) -> ReceiverStatistics {
        let (socket, playout) = try setUp()
        let line =
            "playing zone '" + settings.zone + "' from " + settings.group.text + " on " + settings.interface
            + " to ALSA device '" + settings.device + "', jitter buffer " + String(settings.playout.jitterMilliseconds)
            + " ms"
        Log.info(line)
        ServiceManager.status(line)
        return loop(socket: socket, playout: playout)
    }

    private func setUp() throws(ReceiverSetupError) -> (UDPSocket, Playout<ALSAPlayback>) {
        let listening = "cannot listen to " + settings.group.text + ": "
        guard let interface = NetworkInterface(settings.interface) else {
            throw ReceiverSetupError(
                listening + "no network interface '" + settings.interface + "' with an IPv4 address")
        }
        let socket: UDPSocket
        do {
            socket = try UDPSocket()
            try socket.bind(settings.group)
            try socket.join(settings.group.address, on: interface)
        } catch {
            throw ReceiverSetupError(listening + error.message + " (interface '" + settings.interface + "')")
        }
        socket.setReceiveBuffer(bytes: 1 << 20)
        let sink: ALSAPlayback
        ALSAMessages.capture()
        _ = ALSAMessages.takeLatest()
        do { sink = try ALSAPlayback(device: settings.device) } catch {
            let detail = ALSAMessages.takeLatest().map { " (" + $0 + ")" } ?? ""
            throw ReceiverSetupError(error.message + detail)
        }
        do {
            return (socket, try Playout(settings: settings.playout, sink: sink))
        } catch {
            throw ReceiverSetupError(error.message)
        }
    }

    private func loop(socket: UDPSocket, playout: Playout<ALSAPlayback>) -> ReceiverStatistics {
        let interval = UInt64(settings.statisticsIntervalSeconds) * 1_000_000_000
        var nextReport = interval > 0 ? MonotonicClock.now() + interval : UInt64.max
        while !StopSignal.requested {
            let wake = min(playout.nextEventTime ?? UInt64.max, MonotonicClock.now() + 100_000_000, nextReport)
            if socket.waitReadable(until: wake) {
                drain(socket, into: playout)
            }
            let now = MonotonicClock.now()
            playout.advance(to: now)
            ServiceManager.keepAlive(now: now)
            if now >= nextReport {
                Log.info("statistics: " + playout.statistics.summary + " underruns=" + String(playout.sink.underruns))
                nextReport = now + interval
            }
        }
        let statistics = playout.statistics
        Log.info("stopping; statistics: " + statistics.summary + " underruns=" + String(playout.sink.underruns))
        return statistics
    }

    private func drain(_ socket: UDPSocket, into playout: Playout<ALSAPlayback>) {
        while true {
            let received: UDPSocket.Received
            do { received = try socket.receive(into: datagram) } catch { return }
            switch received {
            case .nothing: return
            case .oversized: playout.countRejected()
            case .datagram(let length):
                playout.receive(UnsafeRawBufferPointer(rebasing: datagram[0..<length]), at: MonotonicClock.now())
            }
        }
    }
}

/// Why the receiver could not start playing: one line for the log.
public struct ReceiverSetupError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
