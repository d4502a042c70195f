import CLoaAudio
import LoaCodec
import LoaSystem

/// Why the ALSA device cannot be used.
public struct PlaybackError: Error, Sendable {
    /// The device name as configured.
    public var device: String
    /// ALSA's own words.
    public var reason: String
    /// The device was open and failed while playing (rather than failing to open).
    public var whilePlaying = false

    /// "cannot open ALSA device 'hw:9': No such file or directory", or "ALSA device 'hw:1' failed while playing:
    /// Input/output error".
    public var message: String {
        whilePlaying
            ? "ALSA device '" + device + "' failed while playing: " + reason
            : "cannot open ALSA device '" + device + "': " + reason
    }
}

/// The amplifier: an ALSA PCM device played at 48 kHz, S16_LE, mono where the device allows it and the
/// same signal on both channels where it wants stereo.
///
/// Contract: the box never stops over its sound card. If the device cannot be opened (not plugged in yet, a
/// wrong name) or fails while playing (a USB card pulled out, a driver error), `failure` says why, frames
/// played meanwhile are dropped, each attempt is one log line naming the cause, and `reopenIfDue(now:)`
/// opens the device again after 1 s, 2 s, 4 s … up to 30 s. Volume, mute and the underrun count carry over.
public final class ALSAPlayback: AudioSink {
    /// The device name as configured.
    public let device: String
    private let latencyMilliseconds: Int
    private var pcm: OpaquePointer?
    private var channels = 1
    private var threshold = 0
    private let stereo: UnsafeMutableBufferPointer<Int16>
    private var underrunCount: UInt32 = 0
    private var backoff = ALSAPlayback.freshBackoff
    /// Why the device is not playing now; nil while it is open and working.
    public private(set) var failure: PlaybackError?
    /// When the next attempt to open the device is due (monotonic ns); nil while it is open.
    public private(set) var nextAttempt: UInt64?
    /// The amplitude applied to every sample, in 1/32768ths (32768: unchanged, 0: silence).
    private var gain: Int32 = 32768
    /// The volume in percent, 0–100: samples are scaled by percent/100 (so 50 is −6 dB).
    public private(set) var volume = 100
    /// Muted: silence is played (the device keeps its timing), the volume is kept for unmuting.
    public private(set) var muted = false

    private static var freshBackoff: Backoff { Backoff(firstSeconds: 1, maximumSeconds: 30) }

    /// Silenced apart from volume and mute (a box near the office during live talk, `NearOffice`): silence is played
    /// while it is set, and the volume and mute come back as they were.
    public private(set) var silenced = false

    /// Sets the volume (clamped to 0–100) and mute.
    public func set(volume: Int, muted: Bool) {
        self.volume = max(0, min(100, volume))
        self.muted = muted
        gain = muted || silenced ? 0 : Int32(self.volume) * 32768 / 100
    }

    /// Silences the box, or ends that, whatever its volume and mute.
    public func silence(_ on: Bool) {
        silenced = on
        set(volume: volume, muted: muted)
    }

    /// Opens `device` (an ALSA PCM name: "default", "hw:0,0", a name from asound.conf) with a device
    /// buffer of about `latencyMilliseconds`; if it cannot, logs why and tries again later (see the contract).
    public init(device: String, latencyMilliseconds: Int = 60) {
        self.device = device
        self.latencyMilliseconds = latencyMilliseconds
        stereo = .allocate(capacity: OpusFormat.maximumPacketSamples * 2)
        stereo.initialize(repeating: 0)
        ALSAMessages.capture()
        open(now: MonotonicClock.now())
    }

    deinit {
        if let pcm { loa_pcm_close(pcm) }
        stereo.deallocate()
    }

    /// Opens the device again if it is not open and the next attempt is due.
    public func reopenIfDue(now: UInt64) {
        guard let due = nextAttempt, now >= due else { return }
        open(now: now)
    }

    private func open(now: UInt64) {
        _ = ALSAMessages.takeLatest()
        var handle: OpaquePointer?
        var channels: UInt32 = 0
        let result = device.withCString { name in
            loa_pcm_open(&handle, name, UInt32(OpusFormat.sampleRate), UInt32(latencyMilliseconds * 1000), &channels)
        }
        guard result == 0, let handle else {
            let detail = ALSAMessages.takeLatest().map { " (" + $0 + ")" } ?? ""
            fail(PlaybackError(device: device, reason: String(cString: loa_pcm_strerror(result)) + detail), now: now)
            return
        }
        if failure != nil { Log.info("ALSA device '" + device + "' works again") }
        pcm = handle
        Log.info(
            "ALSA device '" + device + "' open: " + String(channels) + " channel(s), buffer "
                + String(loa_pcm_buffer_frames(handle) * 1000 / OpusFormat.sampleRate) + " ms")
        self.channels = Int(channels)
        threshold = loa_pcm_start_frames(handle)
        failure = nil
        nextAttempt = nil
        backoff = Self.freshBackoff
    }

    private func fail(_ error: PlaybackError, now: UInt64) {
        failure = error
        nextAttempt = backoff.schedule(after: error.message, now: now)
    }

    public var underruns: Int { Int(underrunCount) }

    /// What ALSA reports as written but not yet out of the DAC (`snd_pcm_delay`); 0 while not playing.
    public var delayFrames: Int {
        guard let pcm else { return 0 }
        return loa_pcm_delay(pcm)
    }

    /// The device's buffer in frames as ALSA set it (about the latency asked for); 0 while the device is not open.
    public var bufferFrames: Int { pcm.map { loa_pcm_buffer_frames($0) } ?? 0 }

    /// The device's start threshold (ALSA's `start_threshold`) where a sound card is behind it; 0 for `null` or a
    /// file, and while the device is not open.
    public var startFrames: Int { pcm == nil ? 0 : threshold }

    /// Plays one frame; dropped while the device is not working.
    public func play(_ samples: UnsafeBufferPointer<Int16>) {
        guard let pcm, let base = samples.baseAddress else { return }
        var written: Int
        if channels == 1 && gain == 32768 {
            written = loa_pcm_write(pcm, base, UInt(samples.count), &underrunCount)
        } else {
            let gain = self.gain
            for index in 0..<samples.count {
                let sample =
                    gain == 32768 ? samples[index] : Int16(truncatingIfNeeded: (Int32(samples[index]) * gain) >> 15)
                if channels == 1 {
                    stereo[index] = sample
                } else {
                    stereo[2 * index] = sample
                    stereo[2 * index + 1] = sample
                }
            }
            written = loa_pcm_write(pcm, stereo.baseAddress!, UInt(samples.count), &underrunCount)
        }
        guard written < 0 else { return }
        // Not an underrun (those recover inside the write): the device is gone or broken. Let it go and open
        // it again later.
        _ = ALSAMessages.takeLatest()
        loa_pcm_abandon(pcm)
        self.pcm = nil
        let reason = String(cString: loa_pcm_strerror(Int32(truncatingIfNeeded: written)))
        fail(PlaybackError(device: device, reason: reason, whilePlaying: true), now: MonotonicClock.now())
    }

    public func pause() {
        if let pcm { loa_pcm_drain(pcm) }
    }
}
