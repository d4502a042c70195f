import Dispatch
import Foundation
import LoaController
import LoaCrypto
import LoaSource
import LoaSystem
import Logging

/// Figure 7: emergency latency. A real `Programme` (its SQLite store and clip library in a temporary directory)
/// drives a real `Pacer` (sealing on) on `zones` zones playing a normal item; then, at a random moment, an
/// emergency item is queued for all zones exactly as `EmergencyDesk` does once it has accepted a command
/// (`Programme.queue(… priority: .emergency, onInterrupt: .restart)`). Measured: from the call to the first
/// emergency packet leaving the pacer (`sendto` returned), in the first zone and in the last one; then the
/// emergency is cancelled and the normal item resumes before the next trial.
enum EmergencyLatency {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func measure(clip: EncodedClip, trials: Int, zones: Int, report: Report) {
        final class Box: @unchecked Sendable { var result: Result<(Samples, Samples, Samples, Bool), Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await run(clip: clip, trials: trials, zones: zones)) } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        switch box.result! {
        case .failure(let error): report.note("figure 7: " + String(describing: error))
        case .success(let (first, last, call, realTime)):
            let firstSummary = first.summary()
            let lastSummary = last.summary()
            let callSummary = call.summary()
            report.add(
                "7",
                "emergency latency: Programme.queue(priority: .emergency) called (the desk's acceptance) → first "
                    + "emergency packet sent, the real Pacer, sealed, a normal item playing in " + String(zones)
                    + " zones, "
                    + String(first.count) + " trials",
                "first zone p50 " + formatDuration(firstSummary.p50) + ", p99 " + formatDuration(firstSummary.p99)
                    + "; every zone p50 " + formatDuration(lastSummary.p50) + ", p99 " + formatDuration(lastSummary.p99)
                    + ", max " + formatDuration(lastSummary.max) + " (queue call itself p50 "
                    + formatDuration(callSummary.p50)
                    + ")" + (realTime ? "" : ", SCHED_FIFO refused"),
                goal: "≤ 200 ms")
        }
    }

    static func run(clip: EncodedClip, trials: Int, zones count: Int) async throws -> (Samples, Samples, Samples, Bool)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loa-bench-emergency-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let zones = (0..<count).map { index in
            Zone(
                name: "z" + String(index), group: BenchNetwork.group(12 + index, port: 5412),
                interface: BenchNetwork.interface,
                ttl: 0)
        }
        let recorder = PacerRecorder(
            zones: count, threads: Pacing.threadCount(nil, zones: count), measureFrom: .max, measureUntil: .max,
            startCapacity: (2 * trials + 4) * count)
        let pacer = try Pacer(zones: zones, signingKey: SigningKeyPair.generate(), observer: recorder.observer)
        var logger = Logger(label: "loa-bench")
        logger.logLevel = .warning
        let programme = Programme(
            zones: zones, localTime: LocalTime(timeZone: TimeZone(identifier: "UTC")!),
            store: try Store(path: directory.appendingPathComponent("loa.sqlite").path),
            clips: try ClipLibrary(directory: directory.appendingPathComponent("clips"), zones: zones), air: pacer,
            logger: logger)
        pacer.start()
        defer { pacer.shutdown() }
        let events = Task.detached {
            for await event in pacer.events { try? await programme.handle(event) }
        }
        defer { events.cancel() }
        try await programme.start()
        var short = EncodedClip(frameMilliseconds: clip.frameMilliseconds)
        for frame in 0..<min(250, clip.frameCount) { clip.withPacket(frame) { short.append($0) } }
        let normal = try await programme.storeClip(clip, title: "bản tin")
        let alarm = try await programme.storeClip(short, title: "báo động")
        _ = try await programme.queue(clip: normal, title: "bản tin", zones: ["all"], priority: .normal)

        func waitForStarts(_ wanted: Int) throws {
            let limit = MonotonicClock.now() + 3_000_000_000
            while recorder.startCount < wanted {
                guard MonotonicClock.now() < limit else {
                    throw Failure(
                        description: "no packet of a new item within 3 s (" + String(recorder.startCount) + " of "
                            + String(wanted) + " starts)")
                }
                usleep(500)
            }
        }
        try waitForStarts(count)
        let first = Samples(capacity: trials)
        let last = Samples(capacity: trials)
        let call = Samples(capacity: trials)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<trials {
            // A random moment relative to the frame grid and the pacer's wake-ups.
            usleep(UInt32.random(in: 300_000...400_000, using: &random))
            let base = recorder.startCount
            let called = MonotonicClock.now()
            let item = try await programme.queue(
                clip: alarm, title: "báo động", zones: ["all"], priority: .emergency, onInterrupt: .restart)
            let returned = MonotonicClock.now()
            try waitForStarts(base + count)
            var earliest = UInt64.max
            var latest: UInt64 = 0
            for index in base..<(base + count) {
                let start = recorder.start(index)
                earliest = min(earliest, start.sentAt)
                latest = max(latest, start.sentAt)
            }
            first.record(earliest - called)
            last.record(latest - called)
            call.record(returned - called)
            _ = try await programme.cancel(item.id)
            try waitForStarts(base + 2 * count)  // the normal item resumed everywhere
        }
        return (first, last, call, pacer.isRealTime)
    }
}
