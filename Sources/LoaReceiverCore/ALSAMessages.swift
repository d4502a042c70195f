import CLoaAudio

/// libasound's own diagnostics ("Unknown PCM nosuch"), kept instead of printed, so that a failure to open
/// a device is one log line that carries ALSA's detail.
public enum ALSAMessages {
    /// Starts keeping libasound's diagnostics instead of letting it print them. Call once, early.
    public static func capture() { loa_alsa_capture_messages() }

    /// The latest diagnostic since the last call, if any; forgets it.
    public static func takeLatest() -> String? {
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw in
            let characters = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard loa_alsa_take_message(characters, raw.count) > 0 else { return nil }
            return String(cString: characters)
        }
    }
}
