import CLoaSystem
import LoaCodec
import LoaSystem

/// Why the ALSA device could not be used.
public struct PlaybackError: Error, Sendable {
    /// The device name as configured.
    public var device: String
    /// ALSA's own words.
    public var reason: String

    /// "cannot open ALSA device 'hw:9': No such file or directory".
    public var message: String { "cannot open ALSA device '" + device + "': " + reason }
}

/// The amplifier: an ALSA PCM device played at 48 kHz, S16_LE, mono where the device allows it and the
/// same signal on both channels where it wants stereo.
public final class ALSAPlayback: AudioSink {
    private let pcm: OpaquePointer
    private let channels: Int
    private let stereo: UnsafeMutableBufferPointer<Int16>
    private var underrunCount: UInt32 = 0
    private var failedWrites = 0
    /// The amplitude applied to every sample, in 1/32768ths (32768: unchanged, 0: silence).
    private var gain: Int32 = 32768
    /// The volume in percent, 0–100: samples are scaled by percent/100 (so 50 is −6 dB).
    public private(set) var volume = 100
    /// Muted: silence is played (the device keeps its timing), the volume is kept for unmuting.
    public private(set) var muted = false

    /// Sets the volume (clamped to 0–100) and mute.
    public func set(volume: Int, muted: Bool) {
        self.volume = max(0, min(100, volume))
        self.muted = muted
        gain = muted ? 0 : Int32(self.volume) * 32768 / 100
    }

    /// Opens `device` (an ALSA PCM name: "default", "hw:0,0", a name from asound.conf) with a device
    /// buffer of about `latencyMilliseconds`.
    public init(device: String, latencyMilliseconds: Int = 60) throws(PlaybackError) {
        var handle: OpaquePointer?
        var channels: UInt32 = 0
        let result = device.withCString { name in
            loa_pcm_open(&handle, name, UInt32(OpusFormat.sampleRate), UInt32(latencyMilliseconds * 1000), &channels)
        }
        guard result == 0, let handle else {
            throw PlaybackError(device: device, reason: String(cString: loa_pcm_strerror(result)))
        }
        pcm = handle
        self.channels = Int(channels)
        stereo = .allocate(capacity: OpusFormat.maximumPacketSamples * 2)
        stereo.initialize(repeating: 0)
    }

    deinit {
        loa_pcm_close(pcm)
        stereo.deallocate()
    }

    public var underruns: Int { Int(underrunCount) }

    public func play(_ samples: UnsafeBufferPointer<Int16>) {
        guard let base = samples.baseAddress else { return }
        var written: Int
        if channels == 1 && gain == 32768 {
            written = loa_pcm_write(pcm, base, UInt(samples.count), &underrunCount)
        } else {
            let gain = self.gain
            for index in 0..<samples.count {
                let sample = gain == 32768 ? samples[index] : Int16(truncatingIfNeeded: (Int32(samples[index]) * gain) >> 15)
                if channels == 1 {
                    stereo[index] = sample
                } else {
                    stereo[2 * index] = sample
                    stereo[2 * index + 1] = sample
                }
            }
            written = loa_pcm_write(pcm, stereo.baseAddress!, UInt(samples.count), &underrunCount)
        }
        if written < 0 {
            failedWrites += 1
            if failedWrites == 1 || failedWrites % 500 == 0 {
                Log.error("ALSA write failed: " + String(cString: loa_pcm_strerror(Int32(written))))
            }
        }
    }

    public func pause() { loa_pcm_drain(pcm) }
}
