import LoaController
import Logging
import Testing

/// An alert command that never ends is stopped after `alert-timeout` seconds, so that the next alert goes on.
@Suite("Alert command timeout")
struct AlertCommandTimeoutTests {
    @Test func aHangingAlertCommandIsStoppedAndTheNextAlertIsDelivered() async throws {
        let world = try SoundCardAlertTests.World()
        world.enrol()
        let alerts = world.fleet.flush(heartbeats: false)
        #expect(alerts.map(\.kind) == [.pending])
        var configuration = FleetConfiguration()
        configuration.alertCommand = "cat > /dev/null; exit 3"
        configuration.alertTimeoutSeconds = 1
        let lines = CapturedLog()
        let dispatcher = AlertDispatcher(
            configuration: configuration, logger: Logger(label: "test", factory: { _ in CapturingLogHandler(lines) }))
        let alert = try #require(alerts.first)
        await dispatcher.deliver(alert)
        #expect(
            lines.entries.map(\.message).contains("alert command exited with status 3: " + configuration.alertCommand!),
            "a command that ends is waited for and its status read")

        configuration.alertCommand = "exec sleep 600"
        let hanging = AlertDispatcher(
            configuration: configuration, logger: Logger(label: "test", factory: { _ in CapturingLogHandler(lines) }))
        await hanging.deliver(alert)
        #expect(
            lines.entries.map(\.message).contains("alert command did not finish within 1 s, stopped it: exec sleep 600")
        )
    }

    @Test func theTimeoutIsAFleetSetting() throws {
        let configuration = try ControllerConfiguration.parse("fleet:\n  alert-timeout: 30\n", path: "controller.yaml")
        #expect(configuration.fleet.alertTimeoutSeconds == 30)
        #expect(FleetConfiguration().alertTimeoutSeconds == 10)
        let error = #expect(throws: ConfigurationError.self) {
            try ControllerConfiguration.parse("fleet:\n  alert-timeout: 0\n", path: "controller.yaml")
        }
        #expect(error?.problem == "'alert-timeout' must be a whole number from 1 to 3600")
    }
}
