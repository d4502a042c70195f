import LoaSystem

/// While an emergency is on the air, the horn plays at the emergency volume, unmuted, whatever the box's
/// own volume; when the emergency packets stop for `holdNanoseconds`, the box's own volume comes back.
/// Volume and mute commands that arrive during an emergency take effect after it.
struct EmergencyVolume {
    let level: Int
    let holdNanoseconds: UInt64 = 2_000_000_000
    private(set) var active = false
    private var until: UInt64 = 0
    private var saved = (volume: 100, muted: false)

    init(level: Int) { self.level = level }

    /// A verified packet of an emergency arrived at `now`.
    mutating func emergencyPacket(at now: UInt64, sink: ALSAPlayback) {
        until = now + holdNanoseconds
        guard !active else { return }
        active = true
        saved = (sink.volume, sink.muted)
        sink.set(volume: level, muted: false)
        Log.info("emergency broadcast: volume " + String(level) + "%, unmuted")
    }

    /// Ends the emergency volume once no emergency packet has come for a while.
    mutating func advance(to now: UInt64, sink: ALSAPlayback) {
        guard active, now > until else { return }
        active = false
        sink.set(volume: saved.volume, muted: saved.muted)
        Log.info("emergency over: volume back to " + String(saved.volume) + "%" + (saved.muted ? ", muted" : ""))
    }

    /// A volume or mute command: applied now, or kept for after the emergency. Returns true if applied now.
    mutating func command(volume: Int, muted: Bool, sink: ALSAPlayback) -> Bool {
        guard active else {
            sink.set(volume: volume, muted: muted)
            return true
        }
        saved = (volume, muted)
        return false
    }

    /// The box's own volume and mute, emergency or not.
    func own(_ sink: ALSAPlayback) -> (volume: Int, muted: Bool) { active ? saved : (sink.volume, sink.muted) }
}
