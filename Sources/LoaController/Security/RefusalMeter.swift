/// Counts refusals per source and minute: the first `perMinute` of a source's minute are stored (and no more than
/// `overallPerMinute` of all sources' minute together), the rest counted; a source's count is handed back as a
/// summary when its minute ends. Keeps at most `maxSources` sources (others share one bucket, "other"), so a flood
/// from many addresses grows neither the table nor the audit log without bound.
struct RefusalMeter {
    struct Suppressed: Equatable {
        var source: String
        var minute: Int64
        var count: Int
    }

    let perMinute: Int
    let maxSources = 4096
    static let overallPerMinute = 600
    private var windows: [String: (minute: Int64, stored: Int, suppressed: Int)] = [:]
    /// Refusals stored in the current minute, from every source.
    private var overall: (minute: Int64, stored: Int) = (0, 0)

    init(perMinute: Int) { self.perMinute = max(1, perMinute) }

    /// Whether a refusal from `source` in `minute` is stored, and the summaries of minutes that have ended.
    mutating func admit(source: String, minute: Int64) -> (Bool, [Suppressed]) {
        var ended: [Suppressed] = []
        for (key, window) in windows where window.minute < minute {
            if window.suppressed > 0 {
                ended.append(Suppressed(source: key, minute: window.minute, count: window.suppressed))
            }
            windows[key] = nil
        }
        let key = windows[source] != nil || windows.count < maxSources ? source : "other"
        var window = windows[key] ?? (minute, 0, 0)
        if overall.minute != minute { overall = (minute, 0) }
        let admitted = window.stored < perMinute && overall.stored < Self.overallPerMinute
        if admitted {
            window.stored += 1
            overall.stored += 1
        } else {
            window.suppressed += 1
        }
        windows[key] = window
        return (admitted, ended.sorted { $0.source < $1.source })
    }

    /// Every count not yet summarised; the meter starts over.
    mutating func takeAll() -> [Suppressed] {
        defer { windows = [:] }
        return windows.filter { $0.value.suppressed > 0 }.map {
            Suppressed(source: $0.key, minute: $0.value.minute, count: $0.value.suppressed)
        }.sorted { $0.source < $1.source }
    }
}
