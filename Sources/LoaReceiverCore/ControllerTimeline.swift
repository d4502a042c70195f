/// The controller's clock as this box sees it: an offset and a rate that map the box's monotonic clock onto the
/// controller's timeline, estimated from repeated time exchanges (the box asks at `askedAt`, the controller
/// stamps its time, the answer arrives at `answeredAt`; both local times on the box's monotonic clock).
///
/// Each leg on its own: an exchange's stamp minus its question's departure is the offset plus the way up, its
/// answer's arrival minus the stamp the way down minus the offset. Over a path whose delay varies, each leg alone
/// comes close to its least delay one time in tens, both legs together one time in hundreds or thousands; so the
/// estimate takes the least of each leg over the last `window` exchanges and, taking the two least delays as equal
/// (propagation is symmetric; queueing is what varies), the offset is the middle of the two. The rate (the
/// crystals' difference) is the one that makes both legs' lower bounds flattest over time (Moon, Skelly and
/// Towsley's linear programme for one-way delays, here for both legs at once), fitted once exchanges span
/// `rateSpan` and taken once the legs lie close enough to their bounds for it to mean something (`rateNoise`); the
/// legs are taken against the line before their least is found, each raised by how far the rate, as uncertain as
/// that closeness says, may have carried it since (so an old least delay does not outweigh a recent one that is
/// nearly as small: a rate a few ppm off moves a 15-minute-old bound by milliseconds). An answer that lies further
/// from the line than any round trip can explain means the controller's clock jumped (a restart): the estimate
/// starts again from that answer. Never the box's own wall clock. Pure: no I/O; reading it never allocates
/// (taking an exchange, every few seconds, may).
public struct ControllerTimeline: Sendable {
    /// One exchange: local monotonic ns when asked and answered, and the controller's time (ns) in the answer.
    public struct Exchange: Sendable, Equatable {
        public var askedAt: UInt64
        public var controllerTime: Int64
        public var answeredAt: UInt64

        public init(askedAt: UInt64, controllerTime: Int64, answeredAt: UInt64) {
            self.askedAt = askedAt
            self.controllerTime = controllerTime
            self.answeredAt = answeredAt
        }

        /// The local instant the stamp is taken to belong to: the middle of the round trip.
        var middle: UInt64 { askedAt / 2 + answeredAt / 2 }
        var roundTrip: UInt64 { answeredAt &- askedAt }
        /// Controller time minus local time at the middle.
        var offset: Int64 { controllerTime &- Int64(bitPattern: middle) }
        /// The way up plus the offset: the stamp minus the question's departure.
        var up: Int64 { controllerTime &- Int64(bitPattern: askedAt) }
        /// The way down minus the offset: the answer's arrival minus the stamp.
        var down: Int64 { Int64(bitPattern: answeredAt) &- controllerTime }
    }

    /// What taking an exchange did.
    public enum Update: Sendable, Equatable {
        /// The first exchange, or the first after the controller's clock jumped by `jump` ns: the estimate
        /// restarted from it.
        case started
        case restarted(jump: Int64)
        /// The exchange joined the estimate.
        case refined
        /// The answer's round trip was impossible (answered before asked): ignored.
        case ignored
    }

    public let window: Int
    /// How far apart (ns, local) the kept exchanges must lie before a rate is fitted.
    public let rateSpan: UInt64
    /// The largest rate difference believed (ppm); a fit beyond it is clamped (a crystal is not that bad).
    public let maximumPPM: Double
    /// The most noise a fitted rate may carry to be taken (as a fraction: 45 ppm), judged by how far the legs lie
    /// above their bounds over the exchanges' span (in simulation about the rate's own error, within 1.5 times).
    public let rateNoise = 45e-6
    /// Without a rate, the least delays are taken from the exchanges of this last stretch (ns, local).
    public let youngSpan: UInt64 = 60_000_000_000
    private var exchanges: [Exchange]
    private var next = 0
    private var count = 0
    /// The fitted line: controller = local + `offset` + `rate` × (local − `reference`).
    private var reference: UInt64 = 0
    private var offset: Int64 = 0
    private var rate: Double = 0
    /// How far off `rate` may be (as a fraction; 0 without a rate): the noise it was taken with.
    private var rateUncertainty: Double = 0
    /// Half the sum of the two legs' least delays (the shortest round trip the exchanges allow): how far
    /// `controllerTime(at:)` may be off (ns) if the least delays up and down were not equal.
    public private(set) var uncertaintyNanoseconds: UInt64 = 0

    /// `window`: the exchanges held (512: the first five minutes at the box's quicker pace, `TrustLink`, then 34
    /// minutes at the steady pace of one every 4 s).
    public init(window: Int = 512, rateSpan: UInt64 = 5_000_000_000, maximumPPM: Double = 500) {
        self.window = max(window, 1)
        self.rateSpan = rateSpan
        self.maximumPPM = maximumPPM
        exchanges = [Exchange](
            repeating: Exchange(askedAt: 0, controllerTime: 0, answeredAt: 0), count: max(window, 1))
    }

    /// True once an exchange has been taken.
    public var isSet: Bool { count > 0 }
    /// How many exchanges the estimate holds now.
    public var exchangeCount: Int { count }

    /// The controller's clock rate relative to this box's, in parts per million (positive: the controller's
    /// runs faster); 0 until exchanges span `rateSpan`.
    public var driftPPM: Double { rate * 1_000_000 }

    /// The controller's time (ns) at local monotonic time `local`, or nil before any exchange.
    public func controllerTime(at local: UInt64) -> Int64? {
        guard count > 0 else { return nil }
        let since = Double(Int64(bitPattern: local &- reference))
        return Int64(bitPattern: local) &+ offset &+ nearest(rate * since)
    }

    /// The local monotonic time (ns) at which the controller's clock reads `controller`, or nil before any
    /// exchange.
    public func localTime(at controller: Int64) -> UInt64? {
        guard count > 0 else { return nil }
        // controller = local + offset + rate × (local − reference)  ⇒  local = (controller − offset + rate ×
        // reference) / (1 + rate), computed around `reference` to keep the numbers small.
        let atReference = Int64(bitPattern: reference) &+ offset
        let since = Double(controller &- atReference) / (1 + rate)
        return reference &+ UInt64(bitPattern: nearest(since))
    }

    /// Takes one verified exchange.
    @discardableResult
    public mutating func take(_ exchange: Exchange) -> Update {
        guard exchange.answeredAt >= exchange.askedAt else { return .ignored }
        var update = Update.refined
        if count == 0 {
            update = .started
        } else if let predicted = controllerTime(at: exchange.middle) {
            let error = exchange.controllerTime &- predicted
            let bound = Int64(exchange.roundTrip / 2 + uncertaintyNanoseconds) &+ 50_000_000
            if error > bound || error < -bound {
                count = 0
                next = 0
                update = .restarted(jump: error)
            }
        }
        exchanges[next] = exchange
        next = (next + 1) % window
        count = min(count + 1, window)
        fit()
        return update
    }

    /// Fits the line: the rate that makes both legs' lower bounds flattest (once the exchanges span `rateSpan`),
    /// then the offset in the middle of the two legs' least delays against it.
    private mutating func fit() {
        // Everything relative to the newest exchange (its middle, its offset), so that the numbers stay small.
        let newest = exchanges[(next + window - 1) % window]
        let base = newest.offset
        var earliest = newest.middle
        var latest = newest.middle
        for index in 0..<count {
            earliest = min(earliest, exchanges[index].middle)
            latest = max(latest, exchanges[index].middle)
        }
        reference = latest
        rate = 0
        rateUncertainty = 0
        if count >= 3 && latest - earliest >= rateSpan {
            // Flatness: the sum of both legs' distances above their lower bounds, convex in the rate (a sum of
            // linear terms less a minimum of linear terms); its least by golden-section search (56 steps narrow
            // ±500 ppm to below 10⁻⁸ ppm).
            let limit = maximumPPM / 1_000_000
            var low = -limit
            var high = limit
            let golden = 0.381_966_011_250_105_2
            var left = low + golden * (high - low)
            var right = high - golden * (high - low)
            var leftCost = flatness(rate: left, base: base)
            var rightCost = flatness(rate: right, base: base)
            for _ in 0..<56 {
                if leftCost <= rightCost {
                    high = right
                    right = left
                    rightCost = leftCost
                    left = low + golden * (high - low)
                    leftCost = flatness(rate: left, base: base)
                } else {
                    low = left
                    left = right
                    leftCost = rightCost
                    right = high - golden * (high - low)
                    rightCost = flatness(rate: right, base: base)
                }
            }
            // Taken only if the legs lie close enough to their bounds for the rate to mean something: their mean
            // distance above them over the span, shrinking with the exchanges' number, within `rateNoise`. On a LAN
            // that holds within seconds; through 40 ± 20 ms each way after half a minute or so at the quick pace.
            let fitted = (low + high) / 2
            let excess = flatness(rate: fitted, base: base) / Double(2 * count)
            let noise = excess / (Double(latest - earliest) * squareRoot(Double(count)))
            if noise <= rateNoise {
                rate = fitted
                rateUncertainty = noise
            }
        }
        // Without a rate, only the exchanges of the last `youngSpan`: a crystal off by 100 ppm moves the offset
        // 6 ms in a minute, and the least delays must not be taken from both ends of it.
        let since = rate == 0 && latest - earliest > youngSpan ? latest - youngSpan : 0
        let least = leastLegs(rate: rate, base: base, since: since)
        offset = base &+ nearest((least.up - least.down) / 2)
        uncertaintyNanoseconds = UInt64(max(0, (least.up + least.down) / 2))
    }

    /// Each leg's least delay (ns, relative to `base`) against the line of `rate` through the reference, of the
    /// exchanges whose middle is at `since` or later: the least of the stamps less the departures (the offset plus
    /// the way up), and of the arrivals less the stamps (the way down less the offset), each taken back to the
    /// reference by the rate and raised by what `rateUncertainty` may have added over that time.
    private func leastLegs(rate: Double, base: Int64, since: UInt64) -> (up: Double, down: Double) {
        var up = Double.greatestFiniteMagnitude
        var down = Double.greatestFiniteMagnitude
        for index in 0..<count where exchanges[index].middle >= since {
            let legs = self.legs(exchanges[index], rate: rate, base: base)
            let carried = rateUncertainty * Double(reference &- exchanges[index].middle)
            up = min(up, legs.up + carried)
            down = min(down, legs.down + carried)
        }
        return (up, down)
    }

    /// How far both legs lie above their lower bounds, summed over the exchanges, at `rate`.
    private func flatness(rate: Double, base: Int64) -> Double {
        var sum = 0.0
        var up = Double.greatestFiniteMagnitude
        var down = Double.greatestFiniteMagnitude
        for index in 0..<count {
            let legs = self.legs(exchanges[index], rate: rate, base: base)
            sum += legs.up + legs.down
            up = min(up, legs.up)
            down = min(down, legs.down)
        }
        return sum - Double(count) * (up + down)
    }

    /// One exchange's legs taken back to the reference by `rate`: up is the offset at the reference plus the way
    /// up, down the way down less the offset at the reference (both relative to `base`).
    private func legs(_ exchange: Exchange, rate: Double, base: Int64) -> (up: Double, down: Double) {
        let asked = Double(Int64(bitPattern: exchange.askedAt &- reference))
        let answered = Double(Int64(bitPattern: exchange.answeredAt &- reference))
        return (
            Double(exchange.up &- base) - rate * asked, Double(exchange.down &+ base) + rate * answered
        )
    }
}

// Rounding and square root without libm (the firmware links none).

/// `value` rounded to the nearest integer, halves away from zero.
private func nearest(_ value: Double) -> Int64 { Int64(value >= 0 ? value + 0.5 : value - 0.5) }

/// The square root of `value` ≥ 0 by Newton's iteration (to well below a nanosecond for the values used here).
private func squareRoot(_ value: Double) -> Double {
    guard value > 0 else { return 0 }
    var root = value > 1 ? value / 2 : 1
    for _ in 0..<64 {
        let next = (root + value / root) / 2
        if next >= root { break }
        root = next
    }
    return root
}
