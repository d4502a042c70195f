import Foundation
import Hummingbird
import LoaControlAPI

/// Thiết bị (`/ui/thiet-bi`): every box as `GET /receivers` shows it (state, zone, last heard in commune time,
/// loss, sync, volume), with approve (the `POST /receivers/ID/approve` path), mute, unmute and test tone (the
/// `POST /commands` path). Needs the role those routes need (`technician` or `admin`) to act.
extension Dashboard {
    struct DeviceForm: SessionForm {
        var csrf: String?
        var id: String
        var action: String
    }

    struct DeviceRow {
        var id: String
        var name: String
        var zone: String
        var state: String
        var css: String
        var lastHeard: String
        var loss: String
        var sync: String
        var volume: String
        var pending: Bool
        var approved: Bool
        var muted: Bool
    }

    func addDeviceRoutes(to router: Router<ControlContext>) {
        router.get("/ui/thiet-bi") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            return devicesPage(request, session, [:])
        }
        router.post("/ui/thiet-bi") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: DeviceForm = try await checkedForm(request, session)
            do {
                let route: Route = form.action == "approve" ? .approveReceiver : .command
                if let required = route.requiredRole, !session.account.role.satisfies(required) {
                    throw APIError(
                        .forbidden, (DashboardText.words(language(request))["needsRole"] ?? "") + required.rawValue)
                }
                let record = try fleetAPI.find(form.id)
                switch form.action {
                case "approve": _ = try await fleetAPI.approve(record, name: nil, zone: nil)
                case "mute": _ = try await fleetAPI.send(.mute, kind: .mute, to: [record])
                case "unmute": _ = try await fleetAPI.send(.unmute, kind: .unmute, to: [record])
                case "test-tone": _ = try await fleetAPI.send(.testTone, kind: .testTone, to: [record])
                default: throw APIError(.badRequest, "unknown action '\(form.action.prefix(40))'")
                }
                auditLog.record(
                    actor: .account(session.account.name), action: route == .command ? .boxCommand : .boxApproved,
                    target: "/ui/thiet-bi \(form.action) \(record.id.text)", from: context.callerAddress,
                    result: .accepted)
                return Self.redirect("/ui/thiet-bi")
            } catch let error as APIError {
                return devicesPage(request, session, ["error": error.message], status: error.status)
            }
        }
    }

    private func devicesPage(
        _ request: Request, _ session: Session, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) -> Response {
        let words = DashboardText.words(language(request))
        let localTime = programme.localTime
        let rows = fleet.registry.all().map { record in
            let view = ReceiverView(record, groups: fleet.registry.groups)
            return DeviceRow(
                id: view.id, name: view.name, zone: view.zone ?? "-",
                state: words[view.state.rawValue] ?? view.state.rawValue,
                css: view.state == .offline ? "down" : view.state == .online ? "ok" : "other",
                lastHeard: record.lastSeen.map { String(localTime.text($0).dropFirst(11)) } ?? "-",
                loss: String(format: "%.1f %%", view.lossPercent),
                sync: view.syncMs.map { String(format: "±%.1f ms", $0) } ?? "-",
                volume: view.volume.map { "\($0) %" } ?? "-", pending: view.state == .pending,
                approved: record.approved,
                muted: view.muted)
        }
        let context: [String: Any] = ["onDevices": true, "devices": rows, "noDevices": rows.isEmpty]
        return page("devices", request, session: session, context.merging(values) { $1 }, status: status)
    }
}
