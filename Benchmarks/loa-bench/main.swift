// loa-bench: Loa's real-time core, measured. Run it through `scripts/bench` (which makes the speech clip);
// see README "Performance" for what each figure means.
import CLoaBench
import Foundation
import LoaSource
import LoaSystem

struct Options {
    var clip = ".build/bench/speech-10min.wav"
    var quick = false
    var runs = 5
    var pacingSeconds = 600.0
    var latencySeconds = 60.0
    var scaleSeconds = 20.0
    var scaleCounts = [10, 50, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000]
    var only: Set<String> = ["1", "2", "3", "4", "5", "6", "7", "8", "13"]
    /// Figure 8: the simulated item's length.
    var driftMinutes = 30.0
    var emergencyTrials = 20
    var emergencyZones = 10
    var scaleSignedOnly = false
    /// Pacer threads for figure 6; nil: the controller's default (one per core).
    var pacerThreads: Int?
    /// Figure 13: numbers of unicast boxes to try, and the zones they are spread over.
    var unicastCounts = [250, 500, 1000, 1500, 2000, 3000, 4000]
    var unicastZones = 10
}

let usage = """
    usage: loa-bench [--clip WAV] [--quick] [--runs N] [--pacing-seconds S] [--latency-seconds S]
                     [--scale-seconds S] [--scale-counts 250,500,...] [--scale-signed-only] [--pacer-threads N]
                     [--only 1,2,3,4,6,7,8,13] [--drift-minutes M]
                     [--emergency-trials N] [--emergency-zones N] [--unicast-counts 500,1000,...] [--unicast-zones N]
      --quick   30 s of pacing, 3 throughput runs, 10 s latency runs, 5 s scale steps, a 5-minute drift item
    Figures 3, 6, 7 and 13 drive the real Pacer (sealing on) through its send observer.
    Prints the Markdown table of README "Performance". Sends only to 239.255.x.x with TTL 0 on 127.0.0.1, and
    (figure 13, as root) to 10.213.0.0/16 through a veth pair into a namespace it makes, drops and removes.
    """

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var index = 0
    func value() -> String {
        index += 1
        guard index < arguments.count else {
            print(usage)
            exit(64)
        }
        return arguments[index]
    }
    while index < arguments.count {
        switch arguments[index] {
        case "--clip": options.clip = value()
        case "--quick":
            options.quick = true
            options.runs = 3
            options.pacingSeconds = 30
            options.latencySeconds = 10
            options.scaleSeconds = 5
            options.driftMinutes = 5
        case "--runs": options.runs = Int(value()) ?? options.runs
        case "--pacing-seconds": options.pacingSeconds = Double(value()) ?? options.pacingSeconds
        case "--latency-seconds": options.latencySeconds = Double(value()) ?? options.latencySeconds
        case "--scale-seconds": options.scaleSeconds = Double(value()) ?? options.scaleSeconds
        case "--scale-counts": options.scaleCounts = value().split(separator: ",").compactMap { Int($0) }
        case "--scale-signed-only": options.scaleSignedOnly = true
        case "--pacer-threads": options.pacerThreads = Int(value())
        case "--emergency-trials": options.emergencyTrials = Int(value()) ?? options.emergencyTrials
        case "--emergency-zones": options.emergencyZones = Int(value()) ?? options.emergencyZones
        case "--unicast-counts": options.unicastCounts = value().split(separator: ",").compactMap { Int($0) }
        case "--unicast-zones": options.unicastZones = max(Int(value()) ?? options.unicastZones, 1)
        case "--drift-minutes": options.driftMinutes = Double(value()) ?? options.driftMinutes
        case "--only": options.only = Set(value().split(separator: ",").map(String.init))
        case "--help", "-h":
            print(usage)
            exit(0)
        default:
            print("unknown option " + arguments[index] + "\n" + usage)
            exit(64)
        }
        index += 1
    }
    return options
}

func machine() -> String {
    var model = "unknown CPU"
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
        let colon = line.firstIndex(of: ":")
    {
        model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return String(ProcessInfo.processInfo.activeProcessorCount) + " CPUs (nproc), " + model
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "send-clip", arguments.count >= 3, let group = SocketAddress(arguments[2]) {
    exit(Throughput.sendClip(path: arguments[1], group: group, signed: arguments.count > 3 && arguments[3] == "signed"))
}
let options = parse(arguments)
guard FileManager.default.fileExists(atPath: options.clip) else {
    print("no clip at " + options.clip + "; run scripts/bench, which makes it")
    exit(66)
}
_ = loa_bench_raise_file_limit()
BenchALSA.install()
let date = ISO8601DateFormatter.string(
    from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
print("loa-bench " + date + " on " + machine() + (options.quick ? " (--quick)" : ""))
let report = Report()
let pcm: [Int16]
do { pcm = try decodePCM(path: options.clip) } catch {
    print("cannot read the clip: " + error.message)
    exit(65)
}
print("clip: " + options.clip + ", " + fixed(Double(pcm.count) / 48_000, 1) + " s")

if options.only.contains("1") {
    print("figure 1: CPU for the whole clip, " + String(options.runs) + " interleaved runs")
    Throughput.run(clip: options.clip, pcm: pcm, runs: options.runs, report: report)
}
var clip: EncodedClip?
if !options.only.isDisjoint(with: ["2", "3", "6", "7", "13"]) {
    print("figure 2: per-frame cost")
    clip = FrameCost.run(clipPath: options.clip, pcm: pcm, report: report)
}
if let clip, options.only.contains("3") {
    print("figure 3: pacing, " + fixed(options.pacingSeconds, 0) + " s of real time")
    Pacing.single(clip: clip, seconds: options.pacingSeconds, report: report)
}
if !options.only.isDisjoint(with: ["4", "5"]) {
    print("figures 4 and 5: latency and receiver CPU, " + fixed(options.latencySeconds, 0) + " s per profile")
    Latency.measure(pcm: pcm, seconds: options.latencySeconds, report: report)
}
if options.only.contains("5") {
    print("figure 5: the loa-receiver process, " + fixed(options.latencySeconds, 0) + " s of playing")
    ReceiverProcess.measure(clipPath: options.clip, seconds: options.latencySeconds, report: report)
}
if let clip, options.only.contains("6") {
    print("figure 6: zones one pacer sends, " + fixed(options.scaleSeconds, 0) + " s per step")
    Pacing.scale(
        clip: clip, counts: options.scaleCounts, threads: options.pacerThreads, seconds: options.scaleSeconds,
        signedOnly: options.scaleSignedOnly,
        report: report)
}
if let clip, options.only.contains("7") {
    print(
        "figure 7: emergency latency, " + String(options.emergencyTrials) + " trials on "
            + String(options.emergencyZones) + " zones")
    EmergencyLatency.measure(clip: clip, trials: options.emergencyTrials, zones: options.emergencyZones, report: report)
}
if let clip, options.only.contains("13") {
    print("figure 13: unicast boxes one controller serves, " + fixed(options.scaleSeconds, 0) + " s per step")
    UnicastScale.measure(
        clip: clip, counts: options.unicastCounts, zones: options.unicastZones, seconds: options.scaleSeconds,
        report: report)
}
if options.only.contains("8") {
    print("figure 8: drift held over a " + fixed(options.driftMinutes, 0) + "-minute item, simulated")
    DriftHold.measure(minutes: options.driftMinutes, report: report)
}

print(
    "\nLoa performance, " + date + ", " + machine() + (options.quick ? ", --quick" : "")
        + ", signing off unless a row says otherwise\n")
print(report.table())
