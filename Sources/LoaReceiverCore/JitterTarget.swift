/// How deep the jitter buffer should be, sized from what the network does (WebRTC NetEq style): the box measures
/// each packet's arrival delay relative to the fastest packet lately, keeps a histogram of those delays that
/// forgets slowly, and aims for a high quantile of it (95 % by default) plus one frame, between a floor and a
/// ceiling (settings).
///
/// Contract:
/// - `arrived(at:sample:)` takes each packet once, in arrival order: the box's monotonic time of arrival (ns)
///   and the packet's first sample on the stream's timeline (the extended RTP timestamp, 48 kHz). Reordered,
///   repeated and repaired packets are fine: each says how late it arrived.
/// - The relative delay is the packet's transit (arrival minus media time) less the least transit of the last
///   `windowSeconds`, so a constant path delay and a slow drift between the box's and the controller's clocks
///   (100 ppm is 0.1 ms a second) count for nothing.
/// - `target` rises at once when the quantile rises (a late packet is a gap), and falls by at most
///   `fallPerSecond` (1 ms a second): a calm minute does not empty a buffer the next burst will need. It never
///   leaves `floor...ceiling`.
/// - On the controller's timeline (issue 13) the box feeds `arrived(at:transit:)` instead: each packet's transit is
///   its arrival less the instant it must be handed to the sound card, so `spare` is how early the packets come
///   before they are needed, at the quantile: what the zone's playout delay leaves this box (`docs/delivery.md`).
///   `restartWindow()` forgets the least transit (the zone's delay may have changed), not the histogram.
/// - Nothing allocates after `init`: the histogram and the window are updated in place.
public struct JitterTarget: Sendable {
    /// Width of a histogram bucket: 2 ms.
    public static let bucketNanoseconds: UInt64 = 2_000_000
    /// The window the least transit is taken over, in one-second slots.
    public static let windowSeconds = 16
    /// How much of the histogram each packet keeps: a forgetting time of about 500 packets (10 s of 20 ms frames),
    /// so that a burst of late packets shows within seconds.
    public static let forgetting = 0.998

    public let floor: UInt64
    public let ceiling: UInt64
    public let frame: UInt64
    public let quantile: Double
    public let fallPerSecond: UInt64

    /// The depth to aim for now (ns).
    public private(set) var target: UInt64
    /// The relative delay (ns) at `quantile` of the histogram: what `target` follows.
    public private(set) var delayQuantile: UInt64 = 0
    /// The least transit (ns) of the window, as of the last packet; nil before the first.
    public private(set) var leastTransit: Int64?

    /// Probability mass per bucket (sums to 1 once a packet arrived); bucket i holds delays in
    /// [i, i+1) × `bucketNanoseconds`, the last one everything beyond.
    private var histogram: [Double]
    /// The least transit (ns, arrival minus media time) seen in each of the last `windowSeconds` seconds.
    private var leastTransits: [Int64]
    private var slotSecond: [Int64]
    private var lastUpdate: UInt64?

    /// - Parameters: `floor` and `ceiling`: bounds of the target (ns); `frame`: one frame's duration (ns), added to
    ///   the quantile since a frame must be whole before it plays.
    public init(
        floor: UInt64, ceiling: UInt64, frame: UInt64, quantile: Double = 0.95, fallPerSecond: UInt64 = 1_000_000
    ) {
        self.floor = floor
        self.ceiling = max(floor, ceiling)
        self.frame = frame
        self.quantile = quantile
        self.fallPerSecond = fallPerSecond
        target = floor
        histogram = [Double](repeating: 0, count: Int(max(floor, ceiling) / Self.bucketNanoseconds) + 2)
        leastTransits = [Int64](repeating: .max, count: Self.windowSeconds)
        slotSecond = [Int64](repeating: -1, count: Self.windowSeconds)
    }

    /// Takes a packet that arrived at `now` (box monotonic ns) carrying `sample` (its first sample, 48 kHz).
    public mutating func arrived(at now: UInt64, sample: Int64) {
        // sample × 10⁹ / 48,000 = sample × 62,500 / 3, in two parts so that no product overflows.
        let media = sample / 3 * 62_500 + sample % 3 * 62_500 / 3
        arrived(at: now, transit: Int64(bitPattern: now) &- media)
    }

    /// Takes a packet that arrived at `now` (box monotonic ns) with `transit` (ns): its arrival less any fixed
    /// reference of its own (its media time, or the instant it is needed).
    public mutating func arrived(at now: UInt64, transit: Int64) {
        let second = Int64(now / 1_000_000_000)
        let slot = Int(second % Int64(Self.windowSeconds))
        if slotSecond[slot] != second {
            slotSecond[slot] = second
            leastTransits[slot] = transit
        } else if transit < leastTransits[slot] {
            leastTransits[slot] = transit
        }
        var least = Int64.max
        for index in 0..<Self.windowSeconds where second - slotSecond[index] < Int64(Self.windowSeconds) {
            least = min(least, leastTransits[index])
        }
        leastTransit = least
        let delay = UInt64(max(0, transit &- least))
        let bucket = min(Int(delay / Self.bucketNanoseconds), histogram.count - 1)
        let quantile = self.quantile
        delayQuantile = histogram.withUnsafeMutableBufferPointer { buckets in
            var total = 0.0
            for index in 0..<buckets.count {
                buckets[index] *= Self.forgetting
                total += buckets[index]
            }
            // The first packet fills the histogram; after it, each adds what forgetting took.
            let added = total == 0 ? 1 : 1 - Self.forgetting
            buckets[bucket] += added
            return Self.quantileDelay(of: UnsafeBufferPointer(buckets), total: total + added, at: quantile)
        }
        let wanted = min(ceiling, max(floor, delayQuantile + frame))
        if wanted >= target {
            target = wanted
        } else if let lastUpdate, now > lastUpdate {
            let fall = (now - lastUpdate) / 1_000 * fallPerSecond / 1_000_000
            target = max(wanted, target > fall ? target - fall : 0)
        }
        lastUpdate = max(lastUpdate ?? 0, now)
    }

    /// How early (ns) the packets come before they are needed, at `quantile`, less one frame: the least transit's
    /// margin less `delayQuantile` and `frame`. Negative: that much more delay would be needed. Meaningful with
    /// `arrived(at:transit:)` on the timeline only; nil before the first packet.
    public var spare: Int64? {
        leastTransit.map { -$0 &- Int64(delayQuantile) &- Int64(frame) }
    }

    /// Forgets the least transits (not the histogram): the next packet starts the window again.
    public mutating func restartWindow() {
        for index in 0..<Self.windowSeconds {
            slotSecond[index] = -1
            leastTransits[index] = .max
        }
        leastTransit = nil
    }

    /// The upper edge of the bucket where the cumulative mass (of `total` in all) first reaches `quantile`.
    private static func quantileDelay(of histogram: UnsafeBufferPointer<Double>, total: Double, at quantile: Double)
        -> UInt64
    {
        var cumulative = 0.0
        for index in 0..<histogram.count {
            cumulative += histogram[index]
            if cumulative >= quantile * total { return UInt64(index + 1) * bucketNanoseconds }
        }
        return UInt64(histogram.count) * bucketNanoseconds
    }
}
