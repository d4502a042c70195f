import Foundation
import LoaReceiverCore
import Testing

/// `device-buffer-ms` (issue 16, the low-latency profile): the sound card's buffer is a box setting, 10 to 1000 ms,
/// in the config file and as a flag, and it is the buffer ALSA gives the device.
@Suite("Device buffer setting")
struct DeviceBufferTests {
    @Test func setInTheFileAndAsAFlagAndRefusedOutOfRange() throws {
        var settings = ReceiverSettings.defaults
        #expect(settings.deviceBufferMilliseconds == 60)
        try settings.set("device-buffer-ms", to: "20")
        #expect(settings.deviceBufferMilliseconds == 20)
        #expect(throws: SettingError.self) { try settings.set("device-buffer-ms", to: "5") }
        #expect(throws: SettingError.self) { try settings.set("device-buffer-ms", to: "1001") }
        #expect(settings.deviceBufferMilliseconds == 20)
        guard case .run = try ReceiverCommandLine.parse(["--device-buffer-ms", "20"]) else {
            Issue.record("not a run")
            return
        }
        #expect(ReceiverCommandLine.usage.contains("--device-buffer-ms N     the sound card's buffer"))
    }

    /// A `file` PCM over `null` (ALSA's own `tee` definition) opened with each buffer: ALSA sets about what was asked.
    @Test(arguments: [(20, 960), (60, 2_880)])
    func theDeviceGetsTheBufferAskedFor(milliseconds: Int, frames: Int) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loa-buffer-\(getpid()).raw").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let playback = ALSAPlayback(device: "tee:null,'\(file)',raw", latencyMilliseconds: milliseconds)
        #expect(playback.failure == nil)
        #expect(abs(playback.bufferFrames - frames) <= frames / 10, "buffer \(playback.bufferFrames) frames")
    }
}
