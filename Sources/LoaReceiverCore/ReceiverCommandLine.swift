import LoaSystem

/// Reads `loa-receiver`'s flags. Embedded-compatible, so parsed by hand.
public enum ReceiverCommandLine {
    /// The usage text shown by `--help` and after a bad flag.
    public static let usage = """
        usage: loa-receiver [--version] [--config FILE] [--group ADDR:PORT] [--interface NAME_OR_ADDR] [--device ALSA_PCM]
                            [--jitter-ms N] [--jitter-max-ms N] [--payload-type N] [--stats-interval S] [--zone NAME]
                            [--controller ADDR] [--heartbeat-to HOST:PORT] [--heartbeat-interval S]
                            [--state-dir DIR] [--controller-key KEY] [--trust FILE]
                            [--emergency-volume N] [--freshness-seconds S] [--output-delay-ms N]
                            [--delay-ms N] [--delivery MODE] [--keepalive S] [--redundancy K]
                            [--near-office yes|no] [--device-buffer-ms N] [--cache-mb N] [--fetch-kbps N]
                            [--offline-after S] [--offline-freshness-hours H]
          --config FILE            'key = value' settings (keys as the flags below, without '--'); the flags
                                   given here override the file. Read again at each retry while it is broken.
          --group ADDR:PORT        the zone's multicast group (default 239.255.77.1:5004, zone 'all')
          --interface NAME|ADDR    interface to join on (default 127.0.0.1: this host only)
          --device ALSA_PCM        ALSA playback device (default 'default')
          --device-buffer-ms N     the sound card's buffer, 10-1000 ms (default 60); the zone's playout delay
                                   must cover it: about 20 for a box in a low-latency zone
          --jitter-ms N            jitter buffer depth in milliseconds, 0-2000 (default 60), the least when it
                                   adapts; used only with a controller that keeps no media timeline
          --jitter-max-ms N        the most the jitter buffer grows to when packets come late, 0-2000 (default
                                   400); on the commune's timeline the zone's playout delay sets the depth
          --payload-type N         RTP payload type of the stream, 96-127 (default 111)
          --stats-interval S       seconds between statistics log lines, 0 for none (default 60)
          --zone NAME              the zone's name, for the log (default 'all')
          --controller ADDR        the controller's heartbeat HOST:PORT (UDP: its --heartbeat-port, default 8750)
          --heartbeat-to HOST:PORT send heartbeats here instead
          --heartbeat-interval S   seconds between heartbeats, 1-3600 (default 5)
          --state-dir DIR          identity key, volume, enrolment (default /var/lib/loa)
          --controller-key KEY     the controller's public key, base64 or a .pub file (default: the first
                                   controller to welcome this box)
          --trust FILE             the commune root public key (default STATE/root.pub); the receiver plays
                                   only audio sealed by keys it signed, once it has the controller's signed time
          --emergency-volume N     volume in percent while an emergency is on the air, unmuted (default 100)
          --freshness-seconds S    play a packet only if its signed send time is within S seconds of the
                                   controller's time, 1-60 (default 5): older recordings are refused
          --output-delay-ms N      delay of the amplifier or DSP after the sound card, 0-1000 ms (default 0):
                                   samples are handed over that much earlier, to leave the horn on time
          --delay-ms N             acoustic offset, 0-1000 ms (default 0): this box plays that much later
                                   than the commune's timeline (about 2.9 ms per metre of road to the source)
          --delivery MODE          multicast, unicast (from the controller, through the path heartbeats keep
                                   open: a box behind a 4G NAT) or auto (default: unicast only when the zone
                                   is on the air and no multicast arrives)
          --keepalive S            seconds between heartbeats at most while hearing by unicast, 1-3600
                                   (default 15: carriers may close a NAT mapping after 30 s of silence)
          --redundancy K           while hearing by unicast, ask for each packet again K packets later, 1-7
                                   (default 0: never); for a link that loses packets in bursts
          --near-office yes|no     a box within earshot of the office: silent while the office speaks live
                                   ('loa live'), so the speaker never hears their own delayed voice (default no)
          --cache-mb N             room for bulletins delivered ahead of their airtime, in STATE/clips (default 64)
          --fetch-kbps N           the average rate they are fetched at, 8-100000 kbit/s (default 64), so that a
                                   download never competes with live audio
          --offline-after S        the controller counts as out of reach after S s without a word from it
                                   (default 9); the box then plays its zone's timetable from its copies
          --offline-freshness-hours H  how old that timetable may be and still be played (default 24)
        Under systemd (Type=notify) it reports readiness and status and feeds the watchdog.
        """

    /// What the command line asks for.
    public enum Request {
        case run(ReceiverLaunch)
        case help
        case version
    }

    /// Parses `arguments` (without the program name). Throws a one-line message on a bad flag or value;
    /// the config file is only read later, by `ReceiverLaunch.settings()`.
    public static func parse(_ arguments: [String]) throws(CommandLineError) -> Request {
        var launch = ReceiverLaunch()
        var check = ReceiverSettings.defaults
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            if flag == "-h" || flag == "--help" { return .help }
            if flag == "--version" { return .version }
            let key = flag.utf8.starts(with: "--".utf8) ? String(decoding: flag.utf8.dropFirst(2), as: UTF8.self) : ""
            guard key == "config" || ReceiverSettings.keys.contains(key) else {
                throw CommandLineError("unknown flag '" + flag + "'; run 'loa-receiver --help' for the flags")
            }
            index += 1
            guard index < arguments.count else { throw CommandLineError(flag + " needs a value") }
            let value = arguments[index]
            if key == "config" {
                launch.configFile = value
            } else {
                do { try check.set(key, to: value) } catch { throw CommandLineError("--" + error.problem) }
                launch.flags.append(ReceiverLaunch.Flag(key: key, value: value))
            }
            index += 1
        }
        return .run(launch)
    }
}

/// A bad command line: the one line to print.
public struct CommandLineError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
