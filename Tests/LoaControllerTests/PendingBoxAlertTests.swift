import Testing

/// A box never heard before: one `pending` alert, so that someone approves it; none for its next enrolments,
/// none after a restart, none for its approval.
@Suite("Pending box alerts")
struct PendingBoxAlertTests {
    @Test func aNewBoxIsAlertedOnceAsPending() throws {
        let world = try SoundCardAlertTests.World()
        world.enrol()
        let first = world.fleet.flush(heartbeats: false)
        #expect(first.map(\.kind) == [.pending])
        #expect(first.first?.receiver == world.box.id.text)
        #expect(first.first?.detail.contains("loa receivers approve " + world.box.id.text) == true)

        world.enrol()
        #expect(world.fleet.flush(heartbeats: false).isEmpty, "a box already pending is not alerted again")
        try world.restart()
        world.enrol()
        #expect(world.fleet.flush(heartbeats: false).isEmpty, "nor after a controller restart")
        try world.approve()
        world.beat(soundCardFailing: false)
        #expect(!world.fleet.flush(heartbeats: false).contains { $0.kind == .pending })
    }
}
