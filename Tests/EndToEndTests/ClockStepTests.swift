import Foundation
import LoaTestSupport
import Testing

extension RealProcesses {
    /// The controller's wall clock stepped by an hour in the middle of a bulletin (an operator, NTP after a bad
    /// RTC): its packets' send times and the time boxes learned from it stay on one time base, so the boxes play
    /// on (issue 12, point 12).
    @Suite("Controller clock step")
    struct ClockStepTests {
        @Test(arguments: ["+1h", "-1h"])
        func aBulletinPlaysOnThroughAStepOfTheControllersClock(step: String) throws {
            let harness = try Harness(groupOctet: step.hasPrefix("+") ? 65 : 66)
            // libfaketime reads the offset from this file, again every second; the monotonic clock is not faked,
            // as a real step leaves it alone.
            let offset = harness.path("faketime")
            try "+0\n".write(toFile: offset, atomically: true, encoding: .utf8)
            try harness.startController(environment: [
                "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                "FAKETIME_TIMESTAMP_FILE": offset, "FAKETIME_CACHE_DURATION": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            ])
            // libfaketime moves libdispatch's absolute timer deadlines with the faked wall clock (a real step leaves
            // the monotonic and boot clocks alone), so after a step back the controller's graceful stop, which
            // waits out its `Task.sleep` timers, would take the hour: the test kills it instead.
            defer { if let controller = harness.controller { harness.stop(controller, signal: SIGKILL) } }
            let output = harness.path("played.raw")
            let receiver = try harness.startReceiver(output: output)
            let clip = try harness.speech(
                "clip.wav",
                "Thông báo của ủy ban nhân dân xã: ngày mai từ bảy giờ sáng, toàn xã tổng vệ sinh đường làng ngõ xóm, "
                    + "khơi thông cống rãnh, phát quang bụi rậm; mỗi hộ cử một người tham gia, mang theo cuốc xẻng.")
            let queued = try harness.loa(["queue", clip, "--zone", "all"])
            #expect(queued.status == 0, "\(queued.err)")
            // Three seconds into the bulletin, the controller's wall clock steps.
            Thread.sleep(forTimeInterval: 3)
            try (step + "\n").write(toFile: offset, atomically: true, encoding: .utf8)
            try harness.waitUntilIdle()
            harness.stop(receiver)
            // The same settings really step a process's wall clock by an hour.
            let faked = try harness.run(
                "/usr/bin/env",
                [
                    "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                    "FAKETIME_TIMESTAMP_FILE=" + offset,
                    "FAKETIME_DONT_FAKE_MONOTONIC=1", "/bin/date", "+%s",
                ])
            let offBy =
                (Int(faked.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
                - Int(Date().timeIntervalSince1970)
            #expect(abs(offBy) > 3_500, "libfaketime moved the clock by \(offBy) s")
            let source = try AudioComparison.reference(clip)
            #expect(source.count > 8 * 48_000, "the bulletin must outlast the step: \(source.count) samples")
            let played = try AudioComparison.raw16(output)
            let match = AudioComparison.compare(source: source, played: played)
            #expect(match.correlation >= 0.9, "NCC \(match.correlation) with the clock stepped \(step)")
            // At most 2 s of the bulletin lost.
            #expect(played.count > source.count - 2 * 48_000, "\(played.count) samples played for \(source.count)")
        }
    }
}
