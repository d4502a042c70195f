import CLoaSystem

/// Talks to systemd when it started the process (Type=notify, WatchdogSec=): readiness, a status line for
/// `systemctl status`, and watchdog pings. Without $NOTIFY_SOCKET every call does nothing, so the same
/// code runs by hand, in tests and on a board.
public enum ServiceManager {
    /// Start-up is done: systemd counts the service as started.
    public static func ready() { _ = loa_service_notify("READY=1") }

    /// The one line `systemctl status` shows, e.g. "playing 239.255.77.1:5004".
    public static func status(_ text: String) { _ = ("STATUS=" + text).withCString { loa_service_notify($0) } }

    /// Shutdown has begun.
    public static func stopping() { _ = loa_service_notify("STOPPING=1") }

    /// Tells the watchdog the main loop is alive, at most once per half watchdog interval however often
    /// it is called. A loop that stops calling this (stuck in a driver, spinning) gets the process killed
    /// and restarted by systemd.
    @inline(__always)
    public static func keepAlive(now: UInt64 = MonotonicClock.now()) { loa_service_watchdog_ping(now) }

    /// The watchdog interval in nanoseconds (pings are due every half of it); nil without a watchdog.
    public static var watchdogInterval: UInt64? {
        let microseconds = loa_service_watchdog_usec()
        return microseconds == 0 ? nil : microseconds * 1000
    }
}
