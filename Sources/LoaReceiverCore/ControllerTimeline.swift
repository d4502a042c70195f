/// The controller's clock as this box sees it: an offset and a rate that map the box's monotonic clock onto the
/// controller's timeline, estimated from repeated time exchanges (the box asks at `askedAt`, the controller
/// stamps its time, the answer arrives at `answeredAt`; both local times on the box's monotonic clock).
///
/// NTP and Snapcast style: of the last `window` exchanges, the `best` with the shortest round trips are kept
/// (a short round trip bounds the error of its stamp to half of it), and a straight line through their offsets
/// gives the offset now and the rate (the crystals' difference, in parts per million). One exchange gives an
/// offset; a rate needs exchanges spread over at least `rateSpan`. An answer that lies further from the line
/// than any round trip can explain means the controller's clock jumped (a restart): the estimate starts again
/// from that answer. Never the box's own wall clock. Pure: no I/O; reading it never allocates (taking an exchange,
/// every few seconds, may).
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
    public let best: Int
    /// How far apart (ns, local) the kept exchanges must lie before a rate is fitted.
    public let rateSpan: UInt64
    /// The largest rate difference believed (ppm); a fit beyond it is clamped (a crystal is not that bad).
    public let maximumPPM: Double
    private var exchanges: [Exchange]
    private var next = 0
    private var count = 0
    /// The fitted line: controller = local + `offset` + `rate` × (local − `reference`).
    private var reference: UInt64 = 0
    private var offset: Int64 = 0
    private var rate: Double = 0
    /// Half the shortest kept round trip plus the fit's spread: how far `controllerTime(at:)` may be off (ns).
    public private(set) var uncertaintyNanoseconds: UInt64 = 0

    public init(window: Int = 32, best: Int = 8, rateSpan: UInt64 = 20_000_000_000, maximumPPM: Double = 500) {
        self.window = max(window, 1)
        self.best = min(max(best, 1), max(window, 1))
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

    /// Fits the line through the `best` exchanges with the shortest round trips among those held (the newest of
    /// equal ones).
    private mutating func fit() {
        // The indices of the kept exchanges: a partial selection sort on round trip (window is small).
        var kept = [Int](repeating: 0, count: best)
        var keptCount = 0
        var taken = [Bool](repeating: false, count: window)
        while keptCount < min(best, count) {
            var choice = -1
            for index in 0..<count where !taken[index] {
                // Of equal round trips the newer is kept: the kept exchanges then span the most time for the rate.
                if choice < 0 || exchanges[index].roundTrip < exchanges[choice].roundTrip
                    || (exchanges[index].roundTrip == exchanges[choice].roundTrip
                        && exchanges[index].middle > exchanges[choice].middle)
                {
                    choice = index
                }
            }
            taken[choice] = true
            kept[keptCount] = choice
            keptCount += 1
        }
        let shortest = exchanges[kept[0]]
        var earliest = shortest.middle
        var latest = shortest.middle
        for slot in 0..<keptCount {
            let middle = exchanges[kept[slot]].middle
            earliest = min(earliest, middle)
            latest = max(latest, middle)
        }
        reference = latest
        rate = 0
        offset = shortest.offset
        if keptCount >= 3 && latest - earliest >= rateSpan {
            // Least squares of offset against local time, both taken relative to the newest kept exchange.
            var sumX = 0.0
            var sumY = 0.0
            for slot in 0..<keptCount {
                let exchange = exchanges[kept[slot]]
                sumX += Double(Int64(bitPattern: exchange.middle &- reference))
                sumY += Double(exchange.offset &- shortest.offset)
            }
            let meanX = sumX / Double(keptCount)
            let meanY = sumY / Double(keptCount)
            var covariance = 0.0
            var variance = 0.0
            for slot in 0..<keptCount {
                let exchange = exchanges[kept[slot]]
                let x = Double(Int64(bitPattern: exchange.middle &- reference)) - meanX
                covariance += x * (Double(exchange.offset &- shortest.offset) - meanY)
                variance += x * x
            }
            if variance > 0 {
                let limit = maximumPPM / 1_000_000
                rate = min(max(covariance / variance, -limit), limit)
                offset = shortest.offset &+ nearest(meanY - rate * meanX)
            }
        }
        // The spread of the kept offsets around the line, added to half the shortest round trip.
        var squares = 0.0
        for slot in 0..<keptCount {
            let exchange = exchanges[kept[slot]]
            let predicted = Double(offset) + rate * Double(Int64(bitPattern: exchange.middle &- reference))
            let residual = Double(exchange.offset) - predicted
            squares += residual * residual
        }
        let spread = keptCount > 1 ? squareRoot(squares / Double(keptCount)) : 0
        uncertaintyNanoseconds = shortest.roundTrip / 2 + UInt64(nearest(spread))
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
