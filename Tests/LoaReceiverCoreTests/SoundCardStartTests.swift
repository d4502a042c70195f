import LoaReceiverCore
import LoaWire
import Testing

/// A sound card as ALSA presents one by default: a buffer of `threshold` frames, at rest until it is full (its start
/// threshold), then playing 48 kHz from that instant; its delay is what it holds that has not left the DAC yet (0
/// at rest). It notes where each frame handed over lies in what it plays, whether it ever ran dry, and whether a
/// frame found no room (a real card's write would block the box's loop).
final class ModelledCard: AudioSink {
    let threshold: Int
    var now: UInt64 = 0
    private(set) var startedAt: UInt64?
    private(set) var written = 0
    /// Each frame handed over: its position in what the card plays, its length, and whether it was all silence.
    private(set) var frames: [(position: Int, count: Int, silent: Bool)] = []
    private(set) var ranDry = 0
    private(set) var overfull = 0

    init(threshold: Int) { self.threshold = threshold }

    var underruns: Int { ranDry }
    var startFrames: Int { threshold }
    var delayFrames: Int { startedAt == nil ? 0 : max(written - played, 0) }
    private var played: Int {
        guard let startedAt else { return 0 }
        return Int((now - startedAt) * 48_000 / 1_000_000_000)
    }

    func play(_ samples: UnsafeBufferPointer<Int16>) {
        if startedAt != nil && played > written { ranDry += 1 }
        // Beyond the 100 µs (5 samples) the test's clock steps by: the card started with the first frame, handed over
        // up to a step late, so a later frame handed over on time may find that little less room.
        if written + samples.count - played > threshold + 5 { overfull += 1 }
        frames.append((written, samples.count, samples.allSatisfy { $0 == 0 }))
        written += samples.count
        if startedAt == nil && written >= threshold { startedAt = now }
    }

    func pause() {}

    /// The instant the sample at `position` leaves the DAC (the card must have started).
    func leaves(_ position: Int) -> UInt64? {
        startedAt.map { $0 + UInt64(position) * 1_000_000_000 / 48_000 }
    }
}

/// Issue 13 on real hardware: a sound card at rest starts only once it holds its start threshold (ALSA's default is
/// the whole buffer), and between two frames handed over its delay also counts the rest of the last one. The box
/// first hands it the threshold less one frame in silence, that much earlier, then the first frame, and compares
/// the timeline with the delay read just before each handover: the first sample leaves at its instant, no frame
/// finds the buffer full, and no correction is needed.
@Suite("Playout on a sound card that starts at its threshold")
struct SoundCardStartTests {
    /// Plays `frames` packets of `frameMilliseconds` to a 60 ms card (the box's default latency), each sent at
    /// 1 s + its offset, arriving 5 ms later and due out of the DAC 150 ms after sending; the box's loop runs every
    /// 100 µs plus what `lateness` adds once the stream's audio has started. Returns the card, the playout and the
    /// stream's instant.
    private func play(
        frames: Int, frameMilliseconds: Int = 20, lateness: () -> UInt64 = { 0 }
    ) throws -> (card: ModelledCard, playout: Playout<ModelledCard>, start: UInt64) {
        let stream = try StreamMaker(frames: frames, frameMilliseconds: frameMilliseconds)
        let card = ModelledCard(threshold: 2_880)
        let playout = try Playout(
            settings: PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200), sink: card)
        let start: UInt64 = 1_150 * ms
        let frame = UInt64(frameMilliseconds) * ms
        var next = 0
        var now: UInt64 = 1_000 * ms
        while now <= 3_500 * ms {
            while next < frames, 1_005 * ms + UInt64(next) * frame <= now {
                stream.packets[next].withUnsafeBytes { bytes in
                    let packet = try! RTPPacket(parsing: bytes)
                    playout.receive(packet, in: bytes, at: now, due: start + UInt64(next) * frame)
                }
                next += 1
            }
            card.now = now
            playout.advance(to: now)
            now += 100_000
            if card.frames.contains(where: { !$0.silent }) { now += lateness() }
        }
        return (card, playout, start)
    }

    /// Every frame's first sample leaves at its instant, within the 100 µs the tests step their clock by.
    private func expectOnTime(_ card: ModelledCard, start: UInt64, frameMilliseconds: Int = 20) throws {
        for (index, frame) in card.frames.drop(while: { $0.silent }).enumerated() {
            let instant = start + UInt64(index * frameMilliseconds) * ms
            let leaves = try #require(card.leaves(frame.position))
            #expect(leaves >= instant && leaves - instant <= 100_000, "frame \(index) leaves \(leaves) for \(instant)")
        }
    }

    @Test func theFirstSampleLeavesOnTimeAndTheCardIsHeldWithoutCorrection() throws {
        let (card, playout, start) = try play(frames: 100)
        // The threshold less one frame in silence first, then the stream's frames.
        let lead = card.frames.prefix { $0.silent }.reduce(0) { $0 + $1.count }
        #expect(lead == 2_880 - 960)
        #expect(card.frames.drop { $0.silent }.count == 100)
        try expectOnTime(card, start: start)
        #expect(playout.correctedSamples == 0)
        #expect(card.underruns == 0)
        #expect(card.overfull == 0)
    }

    /// A loaded CPU: once the stream plays, the box's loop wakes up to 4 ms late, a different lateness each time.
    /// The card plays on regardless and each frame joins its queue; the box counts its lateness into the delay it
    /// compares, so it sees itself on time and corrects nothing (reading the delay as is, each late wake-up looks
    /// like a box that much early, and it would resample frames in a loaded machine's noise).
    @Test func aBoxWokenLateCorrectsNothing() throws {
        var seed: UInt32 = 12_345
        let (card, playout, start) = try play(frames: 100) {
            seed = seed &* 1_103_515_245 &+ 12_345
            return UInt64((seed >> 16) % 41) * 100_000
        }
        #expect(card.frames.drop { $0.silent }.count == 100)
        try expectOnTime(card, start: start)
        #expect(playout.correctedSamples == 0)
        #expect(card.underruns == 0)
    }

    /// A stream of 10 ms frames (the low-latency profile): the timeline counts each packet as 480 samples from the
    /// first packet on, before any frame is decoded, so the box neither takes the buffered packets for late ones nor
    /// resamples its frames (counted as 960 samples, they looked later and later).
    @Test func tenMillisecondFramesAreTimedFromTheirFirstPacket() throws {
        let (card, playout, start) = try play(frames: 200, frameMilliseconds: 10)
        let audio = card.frames.drop { $0.silent }
        #expect(audio.count == 200)
        #expect(audio.allSatisfy { $0.count == 480 })
        try expectOnTime(card, start: start, frameMilliseconds: 10)
        #expect(playout.correctedSamples == 0)
        #expect(card.underruns == 0)
    }
}
