import LoaSystem

/// A box within earshot of the office (`near-office = yes`) stays silent while a live input is on the air: whoever
/// speaks into the office's microphone would otherwise hear their own voice again a playout delay later, which
/// disrupts speech from about 50 ms. Every packet of a live input says so in its seal (`PacketSeal.liveFlag`); the
/// box is silenced at the first and speaks again once none has come for `holdNanoseconds` (the chime before the talk
/// and the items after it play as usual). Volume and mute are left as they are.
struct NearOffice {
    let enabled: Bool
    let holdNanoseconds: UInt64 = 1_000_000_000
    private(set) var active = false
    private var until: UInt64 = 0

    init(enabled: Bool) { self.enabled = enabled }

    /// A verified packet of a live input arrived at `now`.
    mutating func livePacket(at now: UInt64, sink: ALSAPlayback) {
        guard enabled else { return }
        until = now + holdNanoseconds
        guard !active else { return }
        active = true
        sink.silence(true)
        Log.info("the office speaks live: silent (near-office)")
    }

    /// Speaks again once no live packet has come for a while.
    mutating func advance(to now: UInt64, sink: ALSAPlayback) {
        guard active, now > until else { return }
        active = false
        sink.silence(false)
        Log.info("the live talk is over: playing again")
    }
}
