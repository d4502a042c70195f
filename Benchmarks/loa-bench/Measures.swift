import CLoaBench
import Glibc
import LoaSystem

/// Nanosecond samples, kept in storage allocated before a measurement starts so that recording never
/// allocates.
final class Samples {
    private let storage: UnsafeMutableBufferPointer<UInt64>
    private(set) var count = 0

    init(capacity: Int) {
        storage = .allocate(capacity: max(capacity, 1))
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    func record(_ value: UInt64) {
        guard count < storage.count else { return }
        storage[count] = value
        count += 1
    }

    /// The recorded values, in recording order (a copy).
    func values() -> [UInt64] { Array(storage[0..<count]) }

    /// p50, p99 and max (sorts the samples).
    func summary() -> Summary {
        guard count > 0 else { return Summary(p50: 0, p99: 0, max: 0, count: 0) }
        var used = UnsafeMutableBufferPointer(rebasing: storage[0..<count])
        used.sort()
        return Summary(
            p50: used[(count - 1) / 2], p99: used[(count - 1) * 99 / 100], max: used[count - 1], count: count)
    }
}

/// A distribution of nanosecond values in 1 µs buckets up to one second, for millions of samples.
final class Histogram {
    private let buckets: UnsafeMutableBufferPointer<UInt32>
    private(set) var count = 0
    private(set) var maximum: UInt64 = 0

    init() {
        buckets = .allocate(capacity: 1_000_000)
        buckets.initialize(repeating: 0)
    }

    deinit { buckets.deallocate() }

    @inline(__always)
    func record(_ nanoseconds: UInt64) {
        buckets[Int(min(nanoseconds / 1000, UInt64(buckets.count - 1)))] &+= 1
        count += 1
        if nanoseconds > maximum { maximum = nanoseconds }
    }

    /// The smallest bucket bound (µs, as ns) at or below which `fraction` of the samples lie.
    func quantile(_ fraction: Double) -> UInt64 {
        let wanted = Int((Double(count) * fraction).rounded(.up))
        var seen = 0
        for index in 0..<buckets.count {
            seen += Int(buckets[index])
            if seen >= wanted { return UInt64(index + 1) * 1000 }
        }
        return maximum
    }

    /// Adds `other`'s samples to these.
    func add(_ other: Histogram) {
        for index in 0..<buckets.count { buckets[index] &+= other.buckets[index] }
        count += other.count
        maximum = max(maximum, other.maximum)
    }

    func summary() -> Summary {
        Summary(p50: min(quantile(0.5), maximum), p99: min(quantile(0.99), maximum), max: maximum, count: count)
    }
}

struct Summary {
    var p50: UInt64
    var p99: UInt64
    var max: UInt64
    var count: Int
}

/// Heap allocations made by this thread so far (counted by the benchmark's allocator interposer).
@inline(__always)
func allocations() -> UInt64 { loa_bench_thread_allocations() }

/// CPU seconds used by this thread so far.
func threadCPUSeconds() -> Double { loa_bench_thread_cpu_seconds() }

/// Allocations over a measured loop: total, per frame, and how many frames allocated at all.
struct AllocationCount {
    var total: UInt64 = 0
    var framesThatAllocated = 0
    var frames = 0

    @inline(__always)
    mutating func add(_ count: UInt64) {
        total += count
        frames += 1
        if count > 0 { framesThatAllocated += 1 }
    }

    var perFrame: Double { frames == 0 ? 0 : Double(total) / Double(frames) }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func formatDuration(_ nanoseconds: UInt64) -> String {
    if nanoseconds < 10_000 { return fixed(Double(nanoseconds) / 1000, 2) + " µs" }
    if nanoseconds < 1_000_000 { return fixed(Double(nanoseconds) / 1000, 0) + " µs" }
    return fixed(Double(nanoseconds) / 1_000_000, 2) + " ms"
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if decimals == 0 {
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, decimals - fraction.count))
}

/// The benchmark's output: rows of a Markdown table, printed as they come and again at the end.
final class Report {
    struct Row {
        var figure: String
        var measure: String
        var result: String
        var goal: String
    }

    private(set) var rows: [Row] = []
    private(set) var notes: [String] = []

    func add(_ figure: String, _ measure: String, _ result: String, goal: String = "") {
        rows.append(Row(figure: figure, measure: measure, result: result, goal: goal))
        print("  [" + figure + "] " + measure + ": " + result + (goal.isEmpty ? "" : "   (goal " + goal + ")"))
        fflush(nil)
    }

    func note(_ text: String) {
        notes.append(text)
        print("  " + text)
        fflush(nil)
    }

    func table() -> String {
        var lines = ["| # | measure | result | goal |", "|---|---|---|---|"]
        for row in rows {
            lines.append("| " + row.figure + " | " + row.measure + " | " + row.result + " | " + row.goal + " |")
        }
        return lines.joined(separator: "\n")
    }
}

/// The multicast groups the benchmark sends to: 239.255.x.x, TTL 0, through 127.0.0.1 only.
enum BenchNetwork {
    static let interface = "127.0.0.1"

    /// Group number `index` of the benchmark's range 239.255.100.0 onwards.
    static func group(_ index: Int, port: UInt16 = 5400) -> SocketAddress {
        SocketAddress(address: IPv4Address(0xEFFF_6400 + UInt32(index)), port: port)
    }
}
