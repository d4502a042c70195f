import Foundation
import Hummingbird
import LoaControlAPI
import LoaCrypto
import LoaTrust

/// Khẩn cấp (`/ui/khan-cap`): the emergency presets of the configuration (`emergency-presets:`), each started, and
/// every emergency stopped, by a command signed **in the browser** (`/ui/app.js`, WebCrypto Ed25519) with the
/// operator's key file, which the page reads and never sends: the form carries only the signed command. The
/// command is the one `loa emergency` makes (`EmergencyCommand`: this commune, the preset's zones, the SHA-256 of
/// the preset's clip, a fresh nonce, valid two minutes from the controller's time at the page's load), and the
/// `EmergencyDesk` checks it as it checks `POST /emergency`: a wrong key, a replay or an altered clip is refused
/// and audited. With `emergency-signatures: 2` the page asks for two key files (the two-person rule).
extension Dashboard {
    struct EmergencyForm: SessionForm {
        var csrf: String?
        var action: String
        var preset: String?
        var command: String
    }

    /// A preset as its card shows it; `sha256` (hex) is what the browser signs, empty when the clip cannot be read.
    struct PresetCard {
        var name: String
        var title: String
        var zones: String
        var zonesText: String
        var sha256: String
        var readable: Bool
    }

    func addEmergencyRoutes(to router: Router<ControlContext>) {
        router.get("/ui/khan-cap") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            var values: [String: Any] = [:]
            let input = RequestInput(request: request)
            if let started = input.text("started") {
                let items = started.split(separator: ",").prefix(20).compactMap { Int64($0) }
                values["started"] = items.map { "#\($0)" }.joined(separator: " ")
            }
            if let stopped = input.text("stopped"), let count = Int(stopped) { values["stopped"] = count }
            return emergencyPage(request, session, values)
        }
        router.post("/ui/khan-cap") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: EmergencyForm = try await checkedForm(request, session)
            let words = DashboardText.words(language(request))
            guard form.command.utf8.count <= Limits.commandHeaderBytes,
                let command = KeyText.bytes(base64: form.command)
            else {
                return emergencyPage(request, session, ["error": words["noCommand"] ?? ""], status: .badRequest)
            }
            var clip: String?
            var title = "stop"
            if form.action == "start" {
                guard let preset = presets.first(where: { $0.name == form.preset }) else {
                    return emergencyPage(request, session, ["error": words["unknownPreset"] ?? ""], status: .badRequest)
                }
                (clip, title) = (preset.clip, preset.title)
            }
            let decision = await desk.submit(command, clipPath: clip, clipTitle: title, from: context.callerAddress)
            guard decision.accepted else {
                let why = words[Self.refusalWords[decision.code] ?? "refusedOther"] ?? ""
                let line = (words["refused"] ?? "") + " " + why + " (" + decision.reason + ")"
                return emergencyPage(request, session, ["error": line], status: .forbidden)
            }
            return form.action == "start"
                ? Self.redirect("/ui/khan-cap?started=" + decision.items.map(String.init).joined(separator: ","))
                : Self.redirect("/ui/khan-cap?stopped=\(decision.items.count)")
        }
    }

    /// The words that say why the desk refused, by its code (`EmergencyRefusal.code`).
    static let refusalWords = [
        "unknown-key": "refusedUnknownKey", "bad-signature": "refusedBadSignature",
        "not-permitted": "refusedNotPermitted", "too-few-operators": "refusedTooFew", "expired": "refusedTime",
        "not-yet-valid": "refusedTime", "valid-too-long": "refusedTime", "replayed": "refusedReplayed",
        "clip-mismatch": "refusedClip", "other-commune": "refusedOtherCommune",
    ]

    private func emergencyPage(
        _ request: Request, _ session: Session, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) -> Response {
        let cards = presets.map { preset in
            let digest = (try? Data(contentsOf: URL(fileURLWithPath: preset.clip), options: .alwaysMapped))
                .flatMap { $0.isEmpty ? nil : $0.withUnsafeBytes { SHA256.hash($0) } }
            return PresetCard(
                name: preset.name, title: preset.title, zones: preset.zones.joined(separator: ","),
                zonesText: preset.zones.joined(separator: ", "), sha256: digest.map { KeyText.hex($0) } ?? "",
                readable: digest != nil)
        }
        let context: [String: Any] = [
            "onEmergency": true, "presets": cards, "noPresets": cards.isEmpty,
            "commune": EmergencyAuthority.communeText(commune), "now": programme.clock.now(),
            "signatures": desk.requiredSignatures, "keyInputs": Array(1...desk.requiredSignatures),
            "zeros": String(repeating: "0", count: 64),
        ]
        return page("emergency", request, session: session, context.merging(values) { $1 }, status: status)
    }
}
