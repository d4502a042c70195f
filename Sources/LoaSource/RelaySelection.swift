/// Which source of a relay airs, judged on the decoded audio, one frame period at a time. Pure: no clock, no I/O;
/// `RelaySource` feeds it what each source gave.
///
/// Rules (the defaults are issue 16's):
/// - A source is failing after `missingMilliseconds` without audio, or `silentMilliseconds` of audio below
///   `silenceDBFS`. Without audio counts from the last audio the source's decoder gave, when its reader says
///   (`quietMilliseconds`), not from when what it had buffered ran out: a dead station gives way 1.5 s after it
///   died, its buffered last second still airing meanwhile, instead of 1.5 s of silence after that.
/// - When the source on the air fails, the first source in preference order (the primary, then the backups) that
///   has audio and is not failing goes on the air; if none has, the fallback does (a clip, else silence).
/// - A source preferred over the one on the air (any source, when the fallback airs) goes back on the air after
///   `recoveryMilliseconds` of healthy audio.
/// - At the start, before any source has aired, sources are still connecting: the first source in preference
///   order that gives audio airs at once, once every source preferred over it has failed; the fallback airs only
///   if none has given audio within `startMilliseconds`.
public struct RelaySelection: Sendable, Equatable {
    public struct Rules: Sendable, Equatable {
        public var missingMilliseconds = 1500
        public var silentMilliseconds = 2000
        public var silenceDBFS = -50.0
        public var recoveryMilliseconds = 10_000
        public var startMilliseconds = 5000
        public init() {}
    }

    /// What airs: source `n` (0 is the primary), or the fallback.
    public enum Choice: Sendable, Equatable {
        case source(Int)
        case fallback
    }

    /// One source's recent history, in milliseconds of consecutive frames.
    public struct Health: Sendable, Equatable {
        public var missing = 0
        public var silent = 0
        public var healthy = 0
    }

    public let rules: Rules
    public private(set) var health: [Health]
    public private(set) var choice: Choice = .source(0)
    /// True once a source's audio has aired; before, the start rule applies.
    public private(set) var started = false
    private var elapsed = 0

    public init(sources: Int, rules: Rules = Rules()) {
        self.rules = rules
        health = Array(repeating: Health(), count: max(sources, 1))
    }

    /// Source `index` gave a frame of `milliseconds` at `level` dBFS (RMS), or nothing (nil); its decoder has given
    /// nothing new for `quietMilliseconds`, if its reader knows (nil: a source whose audio comes in segments, or
    /// that has not given any yet).
    public mutating func observe(_ index: Int, level: Double?, milliseconds: Int, quietMilliseconds: Int? = nil) {
        if let quiet = quietMilliseconds, quiet >= rules.missingMilliseconds {
            health[index] = Health(missing: max(health[index].missing + milliseconds, quiet), silent: 0, healthy: 0)
            return
        }
        guard let level else {
            health[index] = Health(missing: health[index].missing + milliseconds, silent: 0, healthy: 0)
            return
        }
        if level < rules.silenceDBFS {
            health[index] = Health(missing: 0, silent: health[index].silent + milliseconds, healthy: 0)
        } else {
            health[index] = Health(missing: 0, silent: 0, healthy: health[index].healthy + milliseconds)
        }
    }

    /// True when source `index` has had no audio, or only silence, for too long.
    public func isFailing(_ index: Int) -> Bool {
        health[index].missing >= rules.missingMilliseconds || health[index].silent >= rules.silentMilliseconds
    }

    /// Applies the rules after a frame period (`milliseconds`) of observations; returns the new choice if it
    /// changed.
    public mutating func decide(after milliseconds: Int) -> Choice? {
        elapsed += milliseconds
        if !started {
            for index in health.indices {
                if health[index].healthy > 0 {
                    started = true
                    return change(to: .source(index))
                }
                guard isFailing(index) else { break }
            }
            return elapsed >= rules.startMilliseconds ? change(to: .fallback) : nil
        }
        let rank: Int
        switch choice {
        case .source(let index): rank = index
        case .fallback: rank = health.count
        }
        // Back to a preferred source that has been healthy long enough.
        if let preferred = (0..<rank).first(where: { health[$0].healthy >= rules.recoveryMilliseconds }) {
            choice = .source(preferred)
            return choice
        }
        guard case .source(let index) = choice, isFailing(index) else { return nil }
        if let next = health.indices.first(where: { $0 != index && health[$0].healthy > 0 && !isFailing($0) }) {
            choice = .source(next)
        } else {
            choice = .fallback
        }
        return choice
    }

    private mutating func change(to new: Choice) -> Choice? {
        guard new != choice else { return nil }
        choice = new
        return new
    }
}
