import LoaController
import Testing

/// The controller's `fleet:` section: the defaults README "Fleet" states, heartbeats on their own port (8750 by
/// default, `heartbeat-port`, or a whole `heartbeats` address), and one line naming the file, line and problem
/// for a bad value.
@Suite("Fleet configuration")
struct FleetConfigurationTests {
    func fleet(_ text: String) throws(ConfigurationError) -> FleetConfiguration {
        try ControllerConfiguration.parse(text, path: "controller.yaml").fleet
    }

    @Test func withoutAFleetSectionTheDefaultsHold() throws {
        for text in ["", "timezone: Asia/Ho_Chi_Minh\n", "fleet: {}\n"] {
            let fleet = try fleet(text)
            #expect(fleet.heartbeatAddress == nil, "heartbeats go to the --listen host and the heartbeat port")
            #expect(fleet.heartbeatPort == 8750, "their own default, whatever the API's port")
            #expect(fleet.lossPercent == 5)
            #expect(fleet.underrunsPerHeartbeat == 1)
            #expect(fleet.sustainedHeartbeats == 3)
            #expect(fleet.commandAttempts == 5)
            #expect(fleet.commandRetryMilliseconds == 1000)
            #expect(fleet.alertCommand == nil && fleet.alertWebhook == nil)
        }
    }

    @Test func everyKeyIsRead() throws {
        let fleet = try fleet(
            """
            fleet:
              heartbeats: 0.0.0.0:8751
              alert-command: /usr/local/bin/bao-dong
              alert-webhook: http://127.0.0.1:9000/loa
              loss-percent: 2.5
              underruns: 4
              sustained: 6
              command-attempts: 7
              command-retry-ms: 250
            """)
        #expect(fleet.heartbeatAddress == "0.0.0.0:8751")
        #expect(fleet.alertCommand == "/usr/local/bin/bao-dong")
        #expect(fleet.alertWebhook?.absoluteString == "http://127.0.0.1:9000/loa")
        #expect(fleet.lossPercent == 2.5)
        #expect(fleet.underrunsPerHeartbeat == 4)
        #expect(fleet.sustainedHeartbeats == 6)
        #expect(fleet.commandAttempts == 7)
        #expect(fleet.commandRetryMilliseconds == 250)
    }

    @Test func theHeartbeatPortIsItsOwnSetting() throws {
        #expect(try fleet("fleet:\n  heartbeat-port: 9750\n").heartbeatPort == 9750)
        #expect(try fleet("fleet:\n  heartbeat-port: 0\n").heartbeatPort == 0, "0: any free port")
        let both = #expect(throws: ConfigurationError.self) {
            try fleet("fleet:\n  heartbeats: 0.0.0.0:8751\n  heartbeat-port: 9750\n")
        }
        #expect(both?.problem == "give either 'heartbeats' (HOST:PORT) or 'heartbeat-port', not both")
    }

    @Test(arguments: [
        ("heartbeat-port: 70000", "'heartbeat-port' must be a whole number from 0 to 65535"),
        ("heartbeats: nowhere", "'heartbeats' must be an IPv4 ADDR:PORT such as 127.0.0.1:8750"),
        ("heartbeats: 127.0.0.1", "'heartbeats' must be an IPv4 ADDR:PORT such as 127.0.0.1:8750"),
        ("heartbeats: 127.0.0.1:99999", "'heartbeats' must be an IPv4 ADDR:PORT such as 127.0.0.1:8750"),
        ("loss-percent: 101", "'loss-percent' must be a number from 0 to 100"),
        ("sustained: 0", "'sustained' must be a whole number from 1 to 1000"),
        ("heartbeat: 127.0.0.1:8750", "unknown fleet key 'heartbeat'"),
    ])
    func aBadValueIsOneLineWithTheFileAndLine(line: String, problem: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try fleet("# the commune server\nfleet:\n  \(line)\n")
        }
        #expect(error?.line == 3)
        #expect(error?.problem.hasPrefix(problem) == true, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("controller.yaml:3: ") == true)
    }
}
