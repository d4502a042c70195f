import ArgumentParser
import Foundation
import LoaControlAPI

/// `loa approve`: where the commune requires approval (`approval: on` on the controller), what broadcasters queued
/// waits for an approver: the list, and `loa approve ITEM` to release one (it then airs in its turn).
struct ApproveCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "approve", abstract: Message.releaseAbstract.text())
    }
    @Argument(help: Message.itemIdHelp.help) var item: Int64?
    @Flag(name: .long, help: Message.approveScheduleHelp.help) var schedule = false
    @OptionGroup var options: ControllerOptions

    func run() async throws {
        try await runReportingErrors {
            let client = try options.client()
            if schedule {
                let applied = try await client.releaseSchedule()
                return print(Message.scheduleReleased.text(applied.slots))
            }
            if let item {
                let released = try await client.release(item)
                return print(Message.released.text(released.id, released.title, released.zones.joined(separator: ", ")))
            }
            let held = try await client.heldItems()
            let heldSchedule = try await client.heldSchedule()
            if let heldSchedule { print(Message.heldScheduleLine.text(heldSchedule.slots, heldSchedule.heldBy ?? "?")) }
            if held.isEmpty && heldSchedule == nil { return print(Message.nothingHeld.text()) }
            for view in held {
                print(
                    Message.heldLine.text(
                        view.id, view.title, view.zones.joined(separator: ", "), view.heldBy ?? "?",
                        minutesSeconds(view.durationMs)))
            }
        }
    }
}
