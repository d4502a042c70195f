/// Where decoded audio goes: the amplifier through ALSA on a box, a recorder in tests.
///
/// A sink receives 48 kHz mono frames in playout order, paced by the caller's clock.
public protocol AudioSink: AnyObject {
    /// Plays one decoded frame.
    func play(_ samples: UnsafeBufferPointer<Int16>)
    /// The stream has ended for now: play out what is buffered and stop until the next `play`.
    func pause()
    /// Underruns the device has reported so far.
    var underruns: Int { get }
    /// Frames handed to the sink that have not yet left the DAC, as the device reports it (ALSA's
    /// `snd_pcm_delay`); 0 where it cannot say.
    var delayFrames: Int { get }
    /// Frames a device at rest must be given before it starts playing (ALSA's start threshold, for a sound card);
    /// 0 where it plays what it is given at once. A device that starts late holds back the first sample.
    var startFrames: Int { get }
}

extension AudioSink {
    public var delayFrames: Int { 0 }
    public var startFrames: Int { 0 }
}
