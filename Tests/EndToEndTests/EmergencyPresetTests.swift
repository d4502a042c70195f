import Foundation
import LoaTestSupport
import Testing

extension RealProcesses.EmergencyCommandTests {
    /// Issue 17 point 5: the chairman starts a stored preset by its name (`loa emergency start bao-lu`); the clip,
    /// zones and key come from the office's presets file, and the command is signed on the office's computer as for
    /// `--clip`. A preset that does not exist is one line naming those that do, and nothing airs.
    @Test func aPresetStartsAnEmergencyByItsName() throws {
        let harness = try Harness(groupOctet: 156)
        try harness.startController()
        let officer = try makeOperator(harness, "chu-tich", role: "emergency")
        let warning = try harness.speech("lu.wav", "Cảnh báo: lũ đang về. Bà con di chuyển lên vùng cao ngay.")
        try FileManager.default.createDirectory(atPath: harness.path("config/loa"), withIntermediateDirectories: true)
        try """
        bao-lu:
          clip: \(warning)
          zones: all
          key: \(officer.file)
        """.write(toFile: harness.path("config/loa/presets.yaml"), atomically: true, encoding: .utf8)

        let listed = try harness.loa(["emergency", "presets"], controller: false)
        #expect(
            listed.status == 0 && listed.out.contains("bao-lu: \(warning) → all (chu-tich.key)"),
            "\(listed.out) \(listed.err)")
        let unknown = try harness.loa(["emergency", "start", "chay-rung"])
        #expect(unknown.status == 1, "\(unknown.out)")
        #expect(unknown.err.contains("no emergency preset 'chay-rung'; presets are: bao-lu"), "\(unknown.err)")
        #expect(try playing(harness) == 0)

        let started = try harness.loa(["emergency", "start", "bao-lu"])
        #expect(started.status == 0, "\(started.err)")
        #expect(started.out.contains("emergency started in all"), "\(started.out)")
        let item = try playing(harness)
        #expect(item != 0, "the preset's emergency airs")
        let view = try #require(try harness.api("/items/\(item)") as? [String: Any])
        #expect(view["priority"] as? String == "emergency" && view["title"] as? String == "lu.wav", "\(view)")

        let stopped = try harness.loa(["emergency", "stop", "--zones", "all", "--key", officer.file])
        #expect(stopped.status == 0, "\(stopped.err)")
    }
}
