import Foundation
import LoaReceiverCore
import LoaSystem
import Testing

@Suite struct ReceiverConfigFileTests {
    let path = "/etc/loa/receiver.conf"

    @Test func readsEveryKeyWithCommentsQuotesAndBlanks() throws {
        let text = """
            # hamlet 3
            zone = hamlet-3\r
              group=239.255.77.3:5006   # the zone's group

            interface = "eth0"
            device = hw:1,0
            jitter-ms = 120
            payload-type = 100
            stats-interval = 0
            controller = http://10.8.0.1:8080
            """
        let settings = try ReceiverConfigFile.parse(text, path: path, over: .defaults)
        #expect(settings.zone == "hamlet-3")
        #expect(settings.group.text == "239.255.77.3:5006")
        #expect(settings.interface == "eth0")
        #expect(settings.device == "hw:1,0")
        #expect(settings.playout.jitterMilliseconds == 120)
        #expect(settings.playout.payloadType == 100)
        #expect(settings.statisticsIntervalSeconds == 0)
        #expect(settings.controller == "http://10.8.0.1:8080")
    }

    @Test func anEmptyFileKeepsTheDefaults() throws {
        let settings = try ReceiverConfigFile.parse("# nothing\n\n", path: path, over: .defaults)
        #expect(settings.group == ReceiverSettings.defaults.group)
        #expect(settings.device == "default")
    }

    @Test(arguments: [
        ("zone = a\ngroup 239.255.77.1:5004\n", 2, "expected 'key = value'"),
        ("gruop = 239.255.77.1:5004\n", 1, "unknown setting 'gruop'"),
        ("zone = a\n\ngroup = 10.0.0.1:5004\n", 3, "group '10.0.0.1:5004' is not a multicast"),
        ("jitter-ms = lots\n", 1, "jitter-ms 'lots' must be a whole number from 0 to 2000"),
        ("device = hw:0\ndevice = hw:1\n", 2, "device is already set on line 1"),
        ("device =\n", 1, "device has no value"),
        ("\u{7f}ELF\u{2}\u{1}\u{1}\0\0\0", 1, "expected 'key = value'"),
    ])
    func aBrokenLineIsNamedWithItsProblem(text: String, line: Int, problem: String) {
        #expect {
            _ = try ReceiverConfigFile.parse(text, path: path, over: .defaults)
        } throws: { error in
            guard let error = error as? ConfigFileError else { return false }
            return error.line == line && error.problem.contains(problem)
                && error.message.hasPrefix("config file /etc/loa/receiver.conf line \(line): ")
        }
    }

    @Test func aMissingFileIsNamed() {
        #expect {
            _ = try ReceiverConfigFile.load("/nonexistent/receiver.conf", over: .defaults)
        } throws: { error in
            (error as? ConfigFileError)?.message
                == "config file /nonexistent/receiver.conf: cannot read it: No such file or directory"
        }
    }

    @Test func flagsOverrideTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loa-\(UUID()).conf").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "zone = a\ndevice = hw:0\njitter-ms = 100\n".write(toFile: file, atomically: true, encoding: .utf8)
        guard case .run(let launch) = try ReceiverCommandLine.parse(["--device", "hw:1", "--config", file]) else {
            Issue.record("expected a run request")
            return
        }
        let settings = try launch.settings()
        #expect(settings.zone == "a")
        #expect(settings.device == "hw:1")
        #expect(settings.playout.jitterMilliseconds == 100)
    }

    @Test func aBadFlagIsRefusedBeforeTheFileIsRead() {
        #expect(throws: CommandLineError.self) { try ReceiverCommandLine.parse(["--jitter-ms", "9999"]) }
        #expect(throws: CommandLineError.self) { try ReceiverCommandLine.parse(["--config"]) }
        #expect(throws: CommandLineError.self) { try ReceiverCommandLine.parse(["--colour", "blue"]) }
    }
}

@Suite struct FileSystemTests {
    @Test func replaceLeavesTheNewContentAndNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/key"
        try FileSystem.replace(file, with: "old\n", permissions: 0o600)
        try FileSystem.replace(file, with: "new\n", permissions: 0o600)
        #expect(try FileSystem.readText(file) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["key"])
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func replaceInAMissingFolderThrowsAndReadRefusesAHugeFile() throws {
        #expect(throws: SystemError.self) { try FileSystem.replace("/nonexistent/folder/key", with: "x") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loa-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try String(repeating: "x", count: 100).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SystemError.self) { try FileSystem.readText(file, limit: 99) }
        #expect(try FileSystem.readText(file, limit: 100).count == 100)
    }
}
