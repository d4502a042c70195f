/// The tone `loa test-tone` asks for: one second of 1 kHz at half scale, so that someone under the pole
/// hears that the amplifier and horn work. Played in 20 ms frames on the receiver's clock, only while no
/// stream plays.
struct TestTone {
    /// 20 ms at 48 kHz: exactly 20 periods of 1 kHz, so one frame repeats seamlessly.
    static let frame: [Int16] = {
        // sin(2πk/48) by rotating a unit vector: no libm needed in the Embedded build.
        let angle = 2.0 * 3.141592653589793 / 48.0
        var cosine = 1.0, sine = 0.0, term = 1.0
        for n in 1...12 {  // Taylor series of cos and sin of `angle`
            term *= angle / Double(n)
            switch n % 4 {
            case 1: sine += term
            case 2: cosine -= term
            case 3: sine -= term
            default: cosine += term
            }
        }
        var x = 1.0, y = 0.0
        var period: [Int16] = []
        for _ in 0..<48 {
            period.append(Int16(y * 16384))
            (x, y) = (x * cosine - y * sine, x * sine + y * cosine)
        }
        var frame: [Int16] = []
        for _ in 0..<20 { frame += period }
        return frame
    }()

    static let frames = 50
    static let frameNanoseconds: UInt64 = 20_000_000

    private var remaining = 0
    /// When the next frame is due; nil when no tone is pending.
    private(set) var nextDeadline: UInt64?

    /// Schedules the tone from `now` (restarting it if one is playing).
    mutating func start(at now: UInt64) {
        remaining = Self.frames
        nextDeadline = now
    }

    /// Plays the frames due by `now` into `sink`; drains the sink after the last one.
    mutating func advance<Sink: AudioSink>(to now: UInt64, into sink: Sink) {
        while let deadline = nextDeadline, deadline <= now {
            Self.frame.withUnsafeBufferPointer { sink.play($0) }
            remaining -= 1
            if remaining == 0 {
                nextDeadline = nil
                sink.pause()
            } else {
                // A late loop does not catch up in a burst: the next frame is due 20 ms after this one was.
                nextDeadline = max(deadline + Self.frameNanoseconds, now + Self.frameNanoseconds / 2)
            }
        }
    }
}
