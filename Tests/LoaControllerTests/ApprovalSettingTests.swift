import LoaControlAPI
import LoaController
import Testing

/// `approval: on` holds broadcasters' items for an approver; the approver role broadcasts too.
@Suite("Approval setting")
struct ApprovalSettingTests {
    @Test func approvalIsOffUnlessTurnedOn() throws {
        #expect(try ControllerConfiguration.parse("", path: "c.yaml").requireApproval == false)
        #expect(try ControllerConfiguration.parse("approval: on\n", path: "c.yaml").requireApproval)
        #expect(try ControllerConfiguration.parse("approval: off\n", path: "c.yaml").requireApproval == false)
        #expect {
            _ = try ControllerConfiguration.parse("approval: maybe\n", path: "c.yaml")
        } throws: { error in
            ((error as? ConfigurationError)?.message ?? "") == "c.yaml:1: 'approval' must be on or off"
        }
    }

    @Test func anApproverBroadcastsAndReleasesAndNoOneElseReleases() {
        let release = Route.releaseItem.requiredRole ?? .viewer
        #expect(Role.approver.satisfies(release) && Role.admin.satisfies(release))
        #expect(!Role.broadcaster.satisfies(release) && !Role.technician.satisfies(release))
        #expect(Role.approver.satisfies(Route.say.requiredRole ?? .viewer))
        #expect(!Role.approver.satisfies(Route.command.requiredRole ?? .viewer))
    }
}
