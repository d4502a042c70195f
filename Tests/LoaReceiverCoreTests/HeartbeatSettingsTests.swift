import LoaReceiverCore
import Testing

/// The receiver's heartbeat settings, by flag and by config file: every 5 s by default, to the controller's
/// own address unless `heartbeat-to` moves them; bad values are one line naming the setting.
@Suite("Heartbeat settings")
struct HeartbeatSettingsTests {
    func settings(_ flags: [String]) throws -> ReceiverSettings {
        guard case .run(let launch) = try ReceiverCommandLine.parse(flags) else { throw HarnessFailure("help") }
        return try launch.settings()
    }

    @Test func everyFiveSecondsToTheControllerByDefault() throws {
        #expect(ReceiverSettings.defaults.heartbeatIntervalSeconds == 5)
        #expect(ReceiverSettings.defaults.heartbeatTarget == nil, "no controller: no heartbeats")
        let settings = try settings(["--controller", "10.8.0.1:8750"])
        #expect(settings.heartbeatIntervalSeconds == 5)
        #expect(settings.heartbeatTo == nil)
        #expect(settings.heartbeatTarget == "10.8.0.1:8750")
    }

    @Test func flagsSetTheIntervalAndMoveTheHeartbeats() throws {
        let settings = try settings([
            "--controller", "10.8.0.1:8750", "--heartbeat-to", "10.8.0.2:9750", "--heartbeat-interval", "2",
        ])
        #expect(settings.heartbeatIntervalSeconds == 2)
        #expect(settings.heartbeatTarget == "10.8.0.2:9750")
        #expect(settings.controller == "10.8.0.1:8750", "the controller's HTTP address stays as given")
    }

    @Test func theConfigFileSetsThemTooAndFlagsWin() throws {
        let text = "controller = 10.8.0.1:8750\nheartbeat-to = 10.8.0.2:9750\nheartbeat-interval = 30\n"
        let file = try ReceiverConfigFile.parse(text, path: "receiver.conf", over: .defaults)
        #expect(file.heartbeatIntervalSeconds == 30)
        #expect(file.heartbeatTarget == "10.8.0.2:9750")
        var flagged = file
        try flagged.set("heartbeat-interval", to: "1")
        #expect(flagged.heartbeatIntervalSeconds == 1)
    }

    @Test(arguments: [
        ("--heartbeat-interval", "0", "--heartbeat-interval '0' must be a whole number from 1 to 3600"),
        ("--heartbeat-interval", "3601", "--heartbeat-interval '3601' must be a whole number from 1 to 3600"),
        ("--heartbeat-interval", "5s", "--heartbeat-interval '5s' must be a whole number from 1 to 3600"),
        ("--heartbeat-to", "10.8.0.2", "--heartbeat-to '10.8.0.2' must be HOST:PORT"),
    ])
    func aBadValueIsOneLine(flag: String, value: String, message: String) throws {
        let error = #expect(throws: CommandLineError.self) { try ReceiverCommandLine.parse([flag, value]) }
        #expect(error?.message == message)
        let fileError = #expect(throws: ConfigFileError.self) {
            try ReceiverConfigFile.parse(
                String(flag.dropFirst(2)) + " = " + value + "\n", path: "r.conf", over: .defaults)
        }
        #expect(fileError?.message == "config file r.conf line 1: " + String(message.dropFirst(2)))
    }
}
