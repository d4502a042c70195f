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
        if channels == 1 {
            written = loa_pcm_write(pcm, base, UInt(samples.count), &underrunCount)
        } else {
            for index in 0..<samples.count {
                stereo[2 * index] = samples[index]
                stereo[2 * index + 1] = samples[index]
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
