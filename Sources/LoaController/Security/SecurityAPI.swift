import Foundation
import Hummingbird
import LoaControlAPI
import LoaCrypto
import LoaWire

/// Routes for keys, signed emergency commands and the audit log. The audit log can only be read.
///
/// - `GET /keys/root.pub` — the commune root public key (base64), the receivers' trust anchor
/// - `GET /keys` — the key list in force (JSON); `GET /keys/list` — the same, signed, as bytes
/// - `POST /keys/list` — body: a list signed elsewhere with the root key; installed if newer
/// - `POST /emergency?title=T` — header `X-Loa-Command` (base64 command), body: the clip (for start with a clip)
/// - `GET /audit` — every entry; `GET /audit/verify` — checks the hash chain ("N entries, chain intact")
struct SecurityAPI {
    let keys: KeyStore
    let desk: EmergencyDesk
    let uploads: UploadReceiver

    func addRoutes(to router: Router<ControlContext>) {
        router.on(Route.rootKey) { _, _ in KeyText.base64(keys.rootPublicKey) + "\n" }
        router.on(Route.keyList) { _, _ in KeyListView(keys.current) }
        router.on(Route.signedKeyList) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: keys.current.encoded)))
        }
        router.on(Route.installKeyList) { request, context -> KeyListView in
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Limits.keyListBytes) } catch {
                throw APIError(.contentTooLarge, "a key list is at most \(Limits.keyListBytes >> 10) KiB")
            }
            do { return KeyListView(try keys.install(Array(buffer: body))) } catch let error as SecurityError {
                throw APIError(.badRequest, error.message)
            }
        }
        router.on(Route.emergency) { request, context -> EmergencyDecision in
            let commandName = Header.command.lowercased()
            guard let header = request.headers.first(where: { $0.name.canonicalName == commandName })?.value,
                header.utf8.count <= Limits.commandHeaderBytes, let command = KeyText.bytes(base64: header)
            else {
                throw APIError(.badRequest, "no signed command (header \(Header.command)); use 'loa emergency'")
            }
            let title = try RequestInput(request: request).title(Query.title, default: "emergency")
            // The signed header is checked before a byte of the body (the clip) is read.
            if let refused = await desk.screen(command, from: context.callerAddress) {
                throw APIError(.forbidden, "emergency command refused: " + refused.reason)
            }
            let decision = try await uploads.withUpload(request) { path in
                await desk.submit(command, clipPath: path, clipTitle: title, from: context.callerAddress)
            }
            guard decision.accepted else { throw APIError(.forbidden, "emergency command refused: " + decision.reason) }
            return EmergencyDecision(decision)
        }
        router.on(Route.audit) { _, _ in try await desk.audit().map(AuditEntryView.init) }
        router.on(Route.auditVerify) { _, _ -> AuditVerificationView in
            let verification = try desk.auditLog.verify()
            return AuditVerificationView(
                entries: verification.entries, intact: verification.firstBrokenRow == nil,
                firstBrokenRow: verification.firstBrokenRow, summary: verification.description)
        }
    }
}

extension KeyListView {
    init(_ list: KeyList) {
        self.init(
            version: list.version, streamKey: KeyText.base64(list.streamKey),
            operators: list.operators.map {
                Operator(name: $0.name, emergency: $0.mayTriggerEmergencies, key: KeyText.base64($0.publicKey))
            })
    }
}
