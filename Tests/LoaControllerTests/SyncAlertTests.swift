import LoaControlAPI
import LoaController
import LoaWire
import Testing

/// Issue 13, point 6: a box whose heartbeat says it may play further from the commune's timeline than
/// `fleet: sync-alert-ms:` (default 5) raises `sync` once, and `sync-cleared` once it is back within half of it; a
/// box that does not report its sync is not judged.
@Suite("Sync alert")
struct SyncAlertTests {
    @Test func raisedOnceAboveTheLimitClearedOnceBelowHalfOfIt() throws {
        var (machine, previous) = ReceiverStateMachineTests.online()
        func beat(uncertainty: UInt32?, error: Int32 = 0) -> [ReceiverEvent] {
            var next = ReceiverStateMachineTests.heartbeat(sequence: previous.sequence + 1)
            next.sync = uncertainty.map {
                SyncReport(uncertaintyMicroseconds: $0, driftPartsPerBillion: 100_000, errorMicroseconds: error)
            }
            defer { previous = next }
            return machine.heard(next, previous: previous, silentSeconds: 1, rules: ReceiverStateMachineTests.rules)
        }
        #expect(beat(uncertainty: nil).isEmpty)
        #expect(beat(uncertainty: 400, error: -300).isEmpty)
        #expect(
            beat(uncertainty: 2_000, error: -3_500) == [
                .alert(
                    .sync,
                    detail: "the box may play 5.5 ms off the commune's timeline (limit 5 ms): check its network path "
                        + "and its log")
            ])
        #expect(beat(uncertainty: 6_000).isEmpty)
        #expect(beat(uncertainty: 3_000).isEmpty)  // within the limit, not yet within half of it
        #expect(
            beat(uncertainty: 2_000, error: 100) == [
                .alert(.syncCleared, detail: "the box follows the commune's timeline again (2.1 ms)")
            ])
        #expect(beat(uncertainty: 2_000).isEmpty)
    }

    @Test func theLimitIsAFleetSetting() throws {
        let parsed = try ControllerConfiguration.parse("fleet:\n  sync-alert-ms: 2\n", path: "c.yaml")
        #expect(parsed.fleet.syncAlertMilliseconds == 2)
        #expect(ReceiverStateMachineTests.rules.syncAlertMilliseconds == 5)
        #expect(throws: ConfigurationError.self) {
            _ = try ControllerConfiguration.parse("fleet:\n  sync-alert-ms: 0\n", path: "c.yaml")
        }
    }
}
