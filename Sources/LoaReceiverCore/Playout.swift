import LoaCodec
import LoaWire

/// Turns the datagrams of one zone stream into audio at the right moments: RTP → jitter buffer → Opus
/// decoder → sink.
///
/// Contract:
/// - A datagram that is not a well-formed RTP/Opus packet of the locked stream (payload type, SSRC) is
///   counted in `statistics.rejected` and never reaches the decoder.
/// - Every frame from a talkspurt's first to its last sequence number is played exactly once, in order:
///   from its own packet, else rebuilt from the next packet's FEC, else concealed. A stall longer than the
///   jitter margin delays the rest of the talkspurt rather than cutting it.
/// - After `idleAfterMilliseconds` with nothing to play, the stream ends: the sink is paused and the next
///   packet of any SSRC starts a new stream.
/// - On the controller's timeline (issue 13, `docs/sync.md`): a packet given with `due` (the local instant its
///   first sample must leave the DAC) starts the stream so that it does, less the sink's reported delay and
///   `outputDelayMilliseconds`, plus `acousticDelayMilliseconds`, and is kept there (the delay compared is the one
///   the sink reports just before each frame is handed over, plus how late the box woke for that frame; the
///   frame length is the first packet's, from its TOC byte; a sound card at rest, which starts only when it holds
///   its start threshold, is first handed that much silence less one frame, that much earlier): while
///   the line through the latest 32 packets' errors stands beyond 30 µs, and until it has crossed zero, each frame is
///   resampled one sample shorter or longer (0.1 %; `DriftCorrection`); a stream joined late starts at the sample due
///   now (the earlier ones are decoded, not played); after a stall, the first packet that comes sets the time
///   again and what was missing is lost (silence), not played late. Without `due`, a talkspurt starts the
///   adaptive target (`jitterTarget`: `jitterMilliseconds` at least, `jitterCeilingMilliseconds` at most) after its
///   first packet and a stall delays the rest of the talkspurt; the target changes only between talkspurts, so
///   never with a gap or a click.
/// - Clips held ahead (issue 15, `docs/delivery.md`): a packet that says it is frame f of item i (its seal) maps
///   the stream's numbers onto that clip. While the box holds it (`held`), every frame of the clip plays from the
///   box's own verified copy — whether its packet came, came late or never — up to where a packet of something
///   else was seen and no further than `fillAheadFrames` past the newest packet of the item (a stream cut off is
///   not played on from a copy indefinitely). On the timeline, a stream that starts with a later frame of a held
///   clip (the first packets lost) starts from the earliest frame whose instant has not passed. The output is then
///   the clip's own decoding, whatever the network lost.
/// - Offline airtime (issue 15, point 4): `playOffline` plays a held clip on the box's own at its instant on the
///   timeline, the controller out of reach; see there.
/// - Every packet stored or late is measured (`jitterTarget`): off the timeline by its RTP timestamp, on it by the
///   instant it must be handed to the sink, so that `jitterTarget.spare` says what the zone's playout delay leaves
///   this box (issue 14, `docs/delivery.md`).
///
/// Time is passed in (monotonic nanoseconds), so tests drive it without a clock. Allocates nothing per packet.
public final class Playout<Sink: AudioSink> {
    private enum State {
        case idle
        case buffering(startAt: UInt64)
        case playing(base: UInt64, samples: Int)
        case holding(since: UInt64)
    }

    public let settings: PlayoutSettings
    public let sink: Sink
    /// Counters since creation.
    public private(set) var statistics = ReceiverStatistics()
    /// The adaptive jitter buffer's target, from every packet's arrival (see the contract).
    public private(set) var jitterTarget: JitterTarget
    /// Whether the last packet measured came with its instant on the controller's timeline.
    public private(set) var measuredOnTimeline = false

    private var state = State.idle
    private var ssrc: UInt32 = 0
    private var sequences = SequenceExtender()
    /// The stream's RTP timestamp, extended past its 32 bits (for `jitterTarget` off the timeline).
    private var timestamp: Int64 = 0
    private var lastTimestamp: UInt32 = 0
    private let buffer: JitterBuffer
    private let decoder: OpusDecoder
    private let pcm: UnsafeMutableBufferPointer<Int16>
    /// A frame's samples while drift correction resamples it.
    private let scratch: UnsafeMutableBufferPointer<Float>
    private var frameSamples = 960
    /// Samples still to be dropped from the head of what is decoded: a stream joined after its instant.
    private var skipSamples = 0
    /// Silence still to be handed over before the stream's first frame, so that a sound card at rest starts (its
    /// start threshold, reached with that frame) and plays that frame's first sample at its instant.
    private var leadSamples = 0
    /// The device's delay (frames) read just before the last frame was handed over, plus how late the box woke for
    /// it: what stands between a frame handed over on schedule and the DAC. Read between handovers, the delay also
    /// counts the part of the last frame not yet played, so the timeline compares with this one; read as is, a box
    /// woken a millisecond late (a loaded CPU) would seem a millisecond early and correct for it.
    private var handoverDelay = 0
    /// The sequence number of the first sample of the stream's timing (`playing.samples` counts from it).
    private var baseSequence: Int64 = 0
    /// The difference (ns) between when the latest packets' first samples are due out of the DAC and when they are
    /// scheduled to (the line through the last 32, `DriftCorrection`): positive, the box plays late. 0 without a
    /// timeline.
    public var syncErrorNanoseconds: Int64 { drift.error }
    /// What drift correction makes of those errors.
    private var drift = DriftCorrection()
    /// Samples added (positive) or dropped (negative) so far to keep to the timeline (drift correction).
    public private(set) var correctedSamples = 0
    /// The clips held ahead, to play from (nil: none).
    public var held: HeldClips?
    /// The held clip the stream maps onto (0: none), the extended sequence number of its frame 0, where a packet of
    /// something else was seen after it (exclusive), and its newest packet.
    private var clipItem: UInt64 = 0
    private var clipBase: Int64 = 0
    private var clipEnd: Int64 = .max
    private var clipNewest: Int64 = 0
    /// How the latest items played (stored clips and live inputs) (issue 15's proof of play), oldest first, at most
    /// `Heartbeat.maximumPlays`: each frame of an item's numbers (from its packets' seals) is counted as it is played,
    /// from the copy, from the stream, rebuilt by FEC or concealed.
    public private(set) var plays: [ItemPlay] = []
    /// The item the box plays on its own (issue 15, point 4; 0: none) until the playout is idle again, and the next
    /// frame of its copy.
    private var offlineItem: UInt64 = 0
    private var offlineNext = 0
    /// The latest items played offline to their end (at most 8): their stream, aired late by a controller back
    /// from a power cut, is not played a second time.
    private var playedOffline: [UInt64] = []
    /// The commune's time (Unix ms) as the box keeps it, set by the receiver before each `advance`: when an item
    /// starts playing, for proof of play (0: unknown).
    public var trustedMilliseconds: Int64 = 0
    /// How far past the newest packet of a held clip the box plays on from its copy: two seconds of 20 ms frames.
    public static var fillAheadFrames: Int64 { 100 }

    public init(settings: PlayoutSettings, sink: Sink) throws(CodecError) {
        self.settings = settings
        self.sink = sink
        let floor = Self.nanoseconds(milliseconds: settings.jitterMilliseconds)
        jitterTarget = JitterTarget(
            floor: floor, ceiling: max(floor, Self.nanoseconds(milliseconds: settings.jitterCeilingMilliseconds)),
            frame: Self.nanoseconds(milliseconds: 20))  // a frame of the default length
        buffer = JitterBuffer(capacity: settings.bufferFrames)
        plays.reserveCapacity(Heartbeat.maximumPlays + 1)
        decoder = try OpusDecoder()
        pcm = .allocate(capacity: OpusFormat.maximumPacketSamples)
        pcm.initialize(repeating: 0)
        scratch = .allocate(capacity: OpusFormat.maximumPacketSamples)
        scratch.initialize(repeating: 0)
    }

    deinit {
        pcm.deallocate()
        scratch.deallocate()
    }

    /// True while a stream is buffering or playing.
    public var isActive: Bool {
        if case .idle = state { return false }
        return true
    }

    /// The stream being played (its RTP SSRC); nil while idle. For heartbeats.
    public var streamID: UInt32? { isActive ? ssrc : nil }

    /// Frames waiting in the jitter buffer. For heartbeats.
    public var bufferedFrames: Int { buffer.count }

    /// The RTP sequence number of the next frame to play, nil while idle: a packet below it comes too late.
    public var nextSequenceNumber: UInt16? {
        if case .idle = state { return nil }
        return buffer.nextSequence.map { UInt16(truncatingIfNeeded: $0) }
    }

    /// The monotonic time at which `advance(to:)` next has something to do; nil while idle.
    public var nextEventTime: UInt64? {
        switch state {
        case .idle: return nil
        case .buffering(let start): return start
        case .playing(let base, let samples): return base + Self.nanoseconds(samples: samples)
        case .holding(let since): return since + Self.nanoseconds(milliseconds: settings.idleAfterMilliseconds)
        }
    }

    /// Handles one datagram that arrived at `now`.
    public func receive(_ datagram: UnsafeRawBufferPointer, at now: UInt64) {
        guard let packet = try? RTPPacket(parsing: datagram) else {
            statistics.rejected += 1
            return
        }
        receive(packet, in: datagram, at: now)
    }

    /// Handles one datagram already read as `packet` (by a caller that verified it), at `now`; `due` is the local
    /// monotonic instant its first sample must leave the DAC (nil: no timeline, play by the jitter margin);
    /// `clipFrame` is the stored clip's item and frame its seal names (item 0: none).
    public func receive(
        _ packet: RTPPacket, in datagram: UnsafeRawBufferPointer, at now: UInt64, due: UInt64? = nil,
        clipFrame: (item: UInt32, frame: UInt32) = (0, 0)
    ) {
        guard packet.header.payloadType == settings.payloadType else {
            statistics.rejected += 1
            return
        }
        let payload = UnsafeRawBufferPointer(rebasing: datagram[packet.payload])
        guard let info = OpusPacketInfo(payload: payload) else {
            statistics.rejected += 1
            return
        }
        if offlineItem != 0 {
            // Played on the box's own: the item's own packets add nothing to its copy; anything else (the
            // controller back with another item, an emergency) takes over at once.
            if clipFrame.item != 0, UInt64(clipFrame.item) == offlineItem {
                statistics.received += 1
                return
            }
            playedOffline.removeAll { $0 == offlineItem }
            offlineItem = 0
            state = .idle
        }
        if clipFrame.item != 0, playedOffline.contains(UInt64(clipFrame.item)) {
            // Played on the box's own already: not twice.
            statistics.received += 1
            return
        }
        let starting: Bool
        if case .idle = state {
            ssrc = packet.header.ssrc
            sequences.reset()
            buffer.reset()
            decoder.reset()
            // A new stream: its timestamps and its path are new; what the network did lately stays.
            jitterTarget.restartWindow()
            lastTimestamp = packet.header.timestamp
            timestamp = Int64(packet.header.timestamp)
            state = .buffering(startAt: now + jitter)
            statistics.streamsStarted += 1
            starting = true
            // The stream's frame length, from its first packet: the timeline counts in it before a frame is decoded.
            frameSamples = info.samples
            clipItem = 0
        } else if packet.header.ssrc != ssrc {
            statistics.rejected += 1
            return
        } else {
            starting = false
        }
        let sequence = sequences.extend(packet.header.sequenceNumber)
        follow(clipFrame, sequence: sequence)
        if case .holding = state, packet.header.marker, let next = buffer.nextSequence, sequence > next {
            // A new item after a pause: what was missing before it will not come.
            statistics.lost += Int(sequence - next) - buffer.skip(to: sequence)
            statistics.streamsStarted += 1
        }
        var insertion = buffer.insert(sequence: sequence, payload: payload)
        if insertion == .tooFarAhead, let next = buffer.nextSequence {
            // Further behind than the buffer holds: drop the oldest half and catch up.
            let target = sequence - Int64(buffer.capacity / 2)
            statistics.late += buffer.skip(to: target)
            statistics.lost += Int(target - next)
            insertion = buffer.insert(sequence: sequence, payload: payload)
        }
        switch insertion {
        case .stored:
            statistics.received += 1
            if let due {
                let restart = starting || isHolding
                if restart { jitterTarget.restartWindow() }
                time(sequence, due: due, now: now, restart: restart, fresh: starting)
            } else if case .holding = state {
                state = .buffering(startAt: now + jitter)
            }
            measure(packet, due: due, now: now)
        case .duplicate: statistics.duplicates += 1
        case .late:
            statistics.late += 1
            measure(packet, due: due, now: now)
        case .tooFarAhead, .oversized: statistics.rejected += 1
        }
    }

    /// Plays `item` from the box's own copy, its first sample out of the DAC at `due` (local monotonic ns), as the
    /// zone's timetable says when the controller is out of reach (issue 15, point 4; `OfflineTimetable`). Only while
    /// idle and holding the clip; joined after `due`, it starts at the sample due now. It plays to the clip's end,
    /// frames counted in `plays` as played offline from the copy; a packet of the item itself is dropped (the copy
    /// plays on, and the item's stream aired later, by a controller back from a power cut, is not played a second
    /// time), a packet of anything else ends it and starts its stream. Returns whether it started.
    public func playOffline(_ item: UInt64, due: UInt64, now: UInt64) -> Bool {
        guard case .idle = state, let held, let count = held.frameCount(item), count > 0,
            let milliseconds = held.milliseconds(item)
        else { return false }
        frameSamples = max(milliseconds / count, 1) * OpusFormat.sampleRate / 1000
        let frame = Self.nanoseconds(samples: frameSamples)
        var index = 0
        var first = due
        if due < now {
            index = min(Int((now - due) / frame), count - 1)
            first = due + UInt64(index) * frame
        }
        ssrc = 0
        sequences.reset()
        buffer.reset()
        decoder.reset()
        clipItem = item
        clipBase = 0
        clipEnd = .max
        clipNewest = Int64(count)
        offlineItem = item
        offlineNext = index
        if playedOffline.count >= 8 { playedOffline.removeFirst() }
        playedOffline.append(item)
        statistics.streamsStarted += 1
        time(Int64(index), due: first, now: now, restart: true, fresh: true)
        // Timing may start a frame or two earlier, whose instants have not passed.
        offlineNext = Int(baseSequence)
        return true
    }

    /// Whether the box is playing an item on its own (see `playOffline`).
    public var playsOffline: Bool { offlineItem != 0 }

    /// Maps the stream onto the held clip a packet names (see the contract).
    private func follow(_ clip: (item: UInt32, frame: UInt32), sequence: Int64) {
        if clip.item != 0 {
            let base = sequence - Int64(clip.frame)
            if UInt64(clip.item) == clipItem && base == clipBase {
                clipNewest = max(clipNewest, sequence)
            } else if clipItem == 0 || sequence > clipNewest {
                clipItem = UInt64(clip.item)
                clipBase = base
                clipEnd = .max
                clipNewest = sequence
            }
        } else if clipItem != 0, sequence >= clipBase, sequence < clipEnd {
            clipEnd = sequence
        }
    }

    /// The stored clip's item the stream is playing (from its packets' seals), nil if none or idle: fetched first.
    public var itemOnAir: UInt64? {
        guard isActive, clipItem != 0, clipEnd == .max else { return nil }
        return clipItem
    }

    /// Which frame of the held clip the stream's frame `sequence` is; nil if none (see the contract).
    private func clipIndex(_ sequence: Int64) -> Int? {
        guard clipItem != 0, sequence >= clipBase, sequence < clipEnd, sequence <= clipNewest + Self.fillAheadFrames,
            let count = held?.frameCount(clipItem), sequence - clipBase < Int64(count)
        else { return nil }
        return Int(sequence - clipBase)
    }

    /// Feeds `jitterTarget` with a packet that arrived at `now`: on the timeline, its transit is its arrival less the
    /// instant it must be handed over; off it, its arrival less its media time.
    private func measure(_ packet: RTPPacket, due: UInt64?, now: UInt64) {
        measuredOnTimeline = due != nil
        if let due {
            let handover = writeTime(due: due, delay: handoverDelay)
            jitterTarget.arrived(at: now, transit: Int64(bitPattern: now &- handover))
        } else {
            timestamp &+= Int64(Int32(bitPattern: packet.header.timestamp &- lastTimestamp))
            lastTimestamp = packet.header.timestamp
            jitterTarget.arrived(at: now, sample: timestamp)
        }
    }

    private var isHolding: Bool {
        if case .holding = state { return true }
        return false
    }

    /// The local instant the sample due out of the DAC at `due` must be handed to the sink, which holds `delay`
    /// frames ahead of it.
    private func writeTime(due: UInt64, delay: Int) -> UInt64 {
        let sinkDelay = Self.nanoseconds(samples: max(delay, 0))
        return due &+ Self.nanoseconds(milliseconds: settings.acousticDelayMilliseconds)
            &- Self.nanoseconds(milliseconds: settings.outputDelayMilliseconds) &- sinkDelay
    }

    /// Times the stream by packet `sequence`, due out of the DAC at `due`: on a (re)start the stream's timing is
    /// set from it; else the difference from the timing in force is noted (`syncErrorNanoseconds`).
    /// `fresh`: the stream has just begun (nothing of it played): a held clip's earlier frames may still be due.
    private func time(_ packetSequence: Int64, due packetDue: UInt64, now: UInt64, restart: Bool, fresh: Bool) {
        var sequence = packetSequence
        var due = packetDue
        if restart, let index = clipIndex(sequence), index > 0 {
            // A held clip's earlier frames whose instant has not passed play from the copy: start with the first.
            let frame = Self.nanoseconds(samples: frameSamples)
            let start = writeTime(due: due, delay: sink.delayFrames) &- Self.nanoseconds(samples: sink.startFrames)
            var back = start > now ? Int((start - now) / frame) : 0
            back = min(back, index, buffer.capacity / 2)
            // After a stall, only frames not yet played.
            if !fresh, let next = buffer.nextSequence { back = min(back, max(Int(sequence - next), 0)) }
            if back > 0 {
                sequence -= Int64(back)
                due &-= UInt64(back) &* frame
                if let next = buffer.nextSequence, next > sequence { buffer.rewind(to: sequence) }
            }
        }
        if restart {
            // What was missing before this packet will not play: it is past its time.
            if let next = buffer.nextSequence, sequence > next {
                statistics.lost += Int(sequence - next) - buffer.skip(to: sequence)
            }
            baseSequence = sequence
            drift.reset()
            // A device at rest starts only once it holds its start threshold (ALSA's default: its whole buffer). The
            // threshold less one frame goes first in silence, handed over that much earlier, with the first frame
            // right after it: the device starts full, that frame leaves at its instant, and every later frame,
            // handed over on time, finds room.
            let running = sink.delayFrames
            leadSamples = running > 0 ? 0 : max(sink.startFrames - frameSamples, 0)
            handoverDelay = running + leadSamples
            let start = writeTime(due: due, delay: running) &- Self.nanoseconds(samples: leadSamples)
            if start >= now {
                skipSamples = 0
                state = .buffering(startAt: start)
            } else {
                // Joined after the instant: start now, at the sample due now.
                skipSamples = Int((now - start) * UInt64(OpusFormat.sampleRate) / 1_000_000_000)
                state = .playing(base: start, samples: 0)
            }
            return
        }
        let wanted = writeTime(due: due, delay: handoverDelay)
        let scheduled: UInt64
        switch state {
        case .buffering(let start): scheduled = start
        case .playing(let base, _): scheduled = base
        default: return
        }
        let offset = Self.nanoseconds(samples: Int(sequence - baseSequence) * frameSamples)
        drift.note(Int64(bitPattern: (scheduled &+ offset) &- wanted))
    }

    /// Counts a datagram rejected before it could be read (larger than any packet of the stream).
    public func countRejected() { statistics.rejected += 1 }

    /// Plays every frame whose time has come by `now`, and ends the stream after a long enough silence.
    public func advance(to now: UInt64) {
        while true {
            switch state {
            case .idle:
                return
            case .buffering(let start):
                guard now >= start else { return }
                state = .playing(base: start, samples: 0)
            case .playing(let base, let samples):
                let deadline = base + Self.nanoseconds(samples: samples)
                guard now >= deadline else { return }
                let lead = handLead()
                let produced = produceFrame()
                if produced == 0 {
                    state = .holding(since: deadline)
                } else {
                    let skipped = min(skipSamples, produced)
                    skipSamples -= skipped
                    let (length, shift) = skipped == 0 ? correct(produced) : (produced, 0)
                    if skipped < length {
                        // The device's delay as it was at the frame's deadline: woken late, the box finds the
                        // device that much emptier, yet the frame joins the same queue. Right after the lead
                        // silence a card at rest says 0, yet holds the lead ahead of this frame.
                        // (A stream joined late hands its first sample over at its own instant, past the deadline.)
                        let instant = deadline + Self.nanoseconds(samples: skipped)
                        let woken =
                            now > instant ? Int((now - instant) * UInt64(OpusFormat.sampleRate) / 1_000_000_000) : 0
                        // A device that reports no delay (`null`, a file, one run dry) is not draining in time.
                        let reported = sink.delayFrames
                        handoverDelay = max(reported > 0 ? reported + woken : 0, lead)
                        sink.play(UnsafeBufferPointer(rebasing: pcm[skipped..<length]))
                        statistics.framesPlayed += 1
                    }
                    state = .playing(base: base &+ UInt64(bitPattern: shift), samples: samples + produced)
                }
            case .holding(let since):
                guard now >= since + Self.nanoseconds(milliseconds: settings.idleAfterMilliseconds) else { return }
                state = .idle
                offlineItem = 0
                sink.pause()
                return
            }
        }
    }

    /// Hands over the silence a device at rest needs before the stream's first frame (`leadSamples`); returns how
    /// much it handed over.
    private func handLead() -> Int {
        guard leadSamples > 0 else { return 0 }
        let total = leadSamples
        let chunk = min(leadSamples, pcm.count)
        pcm.update(repeating: 0)
        while leadSamples > 0 {
            let count = min(leadSamples, chunk)
            sink.play(UnsafeBufferPointer(rebasing: pcm[0..<count]))
            leadSamples -= count
        }
        return total
    }

    /// Drift correction: when `drift` says so (the schedule lies off the timeline), the frame is resampled one
    /// sample shorter (late) or longer (early); the schedule moves by that sample. The frame's first and last
    /// samples stay as they are and the ones between are read at 959/960 or 961/960 of their spacing (cubic
    /// interpolation): a pitch change of 0.1 % for 20 ms, with no step in the wave. Returns the frame's new length and the shift of the schedule (ns).
    private func correct(_ length: Int) -> (Int, Int64) {
        guard length > 3, length < pcm.count else { return (length, 0) }
        let change = drift.nextFrame()
        guard change != 0 else { return (length, 0) }
        resample(length, to: length + change)
        correctedSamples += change
        statistics.resampled += 1
        return (length + change, Int64(change) * DriftCorrection.sample)
    }

    /// Resamples the `length` samples at the head of `pcm` to `count`, keeping the first and the last (Catmull-Rom
    /// interpolation through `scratch`).
    private func resample(_ length: Int, to count: Int) {
        for index in 0..<length { scratch[index] = Float(pcm[index]) }
        let step = Float(length - 1) / Float(count - 1)
        for index in 0..<count {
            let position = Float(index) * step
            let whole = min(Int(position), length - 1)
            let t = position - Float(whole)
            let x0 = scratch[max(whole - 1, 0)]
            let x1 = scratch[whole]
            let x2 = scratch[min(whole + 1, length - 1)]
            let x3 = scratch[min(whole + 2, length - 1)]
            let a = 2 * x0 - 5 * x1 + 4 * x2 - x3
            let b = 3 * (x1 - x2) + x3 - x0
            let value = x1 + 0.5 * t * (x2 - x0 + t * (a + t * b))
            // Rounded half away from zero without libm (the firmware links none).
            let clamped = max(min(value, 32_767), -32_768)
            pcm[index] = Int16(clamped >= 0 ? clamped + 0.5 : clamped - 0.5)
        }
    }

    /// How a frame was played, for `plays`.
    private enum Origin { case file, stream, rebuilt, concealed }

    /// Decodes the next frame into `pcm`; returns its sample count, or 0 if nothing can be played yet.
    private func produceFrame() -> Int {
        if offlineItem != 0 { return produceOfflineFrame() }
        guard let next = buffer.nextSequence else { return 0 }
        var produced = 0
        var origin = Origin.stream
        if let index = clipIndex(next), let held,
            let samples = held.withFrame(clipItem, index, { (try? decoder.decode($0, into: pcm)) ?? 0 }), samples > 0
        {
            // The box's own copy of the frame, whether its packet came or not.
            produced = samples
            frameSamples = samples
            statistics.fromFile += 1
            origin = .file
            if buffer.frame(next) == nil { statistics.lost += 1 }
        } else if let frame = buffer.frame(next) {
            if let samples = try? decoder.decode(frame, into: pcm), samples > 0 {
                produced = samples
                frameSamples = samples
            } else {
                statistics.rejected += 1
                produced = conceal()
                origin = .concealed
            }
        } else if buffer.hasLaterFrame {
            statistics.lost += 1
            if let following = buffer.frame(next + 1),
                let samples = try? decoder.decodeFEC(from: following, frameSize: frameSamples, into: pcm), samples > 0
            {
                statistics.recoveredByFEC += 1
                produced = samples
                origin = .rebuilt
            } else {
                produced = conceal()
                origin = .concealed
            }
        } else {
            return 0
        }
        count(origin, of: next)
        buffer.advance()
        return produced
    }

    /// Decodes the next frame of the item played on the box's own; 0 once its copy has played whole.
    private func produceOfflineFrame() -> Int {
        guard let held, offlineNext < held.frameCount(offlineItem) ?? 0 else { return 0 }
        var produced = held.withFrame(offlineItem, offlineNext, { (try? decoder.decode($0, into: pcm)) ?? 0 }) ?? 0
        var origin = Origin.file
        if produced > 0 {
            frameSamples = produced
            statistics.fromFile += 1
        } else {
            produced = conceal()
            origin = .concealed
        }
        count(origin, of: Int64(offlineNext))
        offlineNext += 1
        return produced
    }

    /// Counts frame `sequence`, played from `origin`, for the item it belongs to (none, a chime: not counted).
    private func count(_ origin: Origin, of sequence: Int64) {
        guard clipItem != 0, sequence >= clipBase, sequence < clipEnd else { return }
        // An item cut by another and resumed goes on counting where it was.
        if plays.last?.item != clipItem, let earlier = plays.firstIndex(where: { $0.item == clipItem }) {
            plays.append(plays.remove(at: earlier))
        } else if plays.last?.item != clipItem {
            if plays.count >= Heartbeat.maximumPlays { plays.removeFirst() }
            plays.append(
                ItemPlay(
                    item: clipItem, frameMilliseconds: UInt8(truncatingIfNeeded: frameSamples / 48),
                    startedAt: trustedMilliseconds))
        }
        let last = plays.count - 1
        if offlineItem != 0 { plays[last].offline = true }
        switch origin {
        case .file: plays[last].fromFile &+= 1
        case .stream: plays[last].fromStream &+= 1
        case .rebuilt: plays[last].rebuilt &+= 1
        case .concealed: plays[last].concealed &+= 1
        }
    }

    private func conceal() -> Int {
        statistics.concealed += 1
        if let samples = try? decoder.conceal(frameSize: frameSamples, into: pcm), samples > 0 { return samples }
        pcm.update(repeating: 0)
        return frameSamples
    }

    /// How long a talkspurt off the timeline waits before it plays: the adaptive target.
    private var jitter: UInt64 { jitterTarget.target }

    private static func nanoseconds(milliseconds: Int) -> UInt64 { UInt64(milliseconds) * 1_000_000 }

    private static func nanoseconds(samples: Int) -> UInt64 {
        UInt64(samples) * 1_000_000_000 / UInt64(OpusFormat.sampleRate)
    }
}
