import Foundation
import Hummingbird
import LoaCrypto
import LoaWire

/// Routes for keys, signed emergency commands and the audit log. The audit log can only be read.
///
/// - `GET /keys/root.pub` — the commune root public key (base64), the receivers' trust anchor
/// - `GET /keys` — the key list in force (JSON); `GET /keys/list` — the same, signed, as bytes
/// - `POST /keys/operators?name=N&emergency=1` — body: a public key (base64); signs a new list with the root key
/// - `POST /keys/list` — body: a list signed elsewhere with the root key; installed if newer
/// - `POST /emergency?title=T` — header `X-Loa-Command` (base64 command), body: the clip (for start with a clip)
/// - `GET /audit` — every command, accepted or refused
struct SecurityAPI {
    let keys: KeyStore
    let desk: EmergencyDesk

    struct KeyListView: ResponseCodable {
        struct Operator: Codable {
            var name: String
            var emergency: Bool
            var key: String
        }
        var version: UInt32
        var streamKey: String
        var operators: [Operator]

        init(_ list: KeyList) {
            version = list.version
            streamKey = KeyText.base64(list.streamKey)
            operators = list.operators.map {
                Operator(name: $0.name, emergency: $0.mayTriggerEmergencies, key: KeyText.base64($0.publicKey))
            }
        }
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/keys/root.pub") { _, _ in KeyText.base64(keys.rootPublicKey) + "\n" }
        router.get("/keys") { _, _ in KeyListView(keys.current) }
        router.get("/keys/list") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: keys.current.encoded)))
        }
        router.post("/keys/operators") { request, context -> KeyListView in
            let query = request.uri.queryParameters
            guard let name = query["name"].map(String.init), !name.isEmpty else {
                throw APIError(.badRequest, "an operator needs a name")
            }
            let text = String(buffer: try await request.body.collect(upTo: 4096))
            guard let key = KeyText.bytes(base64: text), key.count == 32 else {
                throw APIError(.badRequest, "the body is not a Loa public key (base64 of 32 bytes)")
            }
            do {
                return KeyListView(
                    try keys.addOperator(name: name, publicKey: key, mayTriggerEmergencies: query["emergency"] == "1"))
            } catch let error as SecurityError { throw APIError(.conflict, error.message) }
        }
        router.post("/keys/list") { request, context -> KeyListView in
            let body = try await request.body.collect(upTo: 1 << 20)
            do { return KeyListView(try keys.install(Array(buffer: body))) } catch let error as SecurityError {
                throw APIError(.badRequest, error.message)
            }
        }
        router.post("/emergency") { request, context -> EmergencyDesk.Decision in
            guard let header = request.headers[.init("X-Loa-Command")!], let command = KeyText.bytes(base64: header)
            else {
                throw APIError(.badRequest, "no signed command (header X-Loa-Command); use 'loa emergency'")
            }
            let body = try await request.body.collect(upTo: ControlAPI.maximumUploadBytes)
            let title = request.uri.queryParameters["title"].map(String.init) ?? "emergency"
            let decision = await desk.submit(
                command, clip: body.readableBytes > 0 ? Array(buffer: body) : nil, clipTitle: title)
            guard decision.accepted else { throw APIError(.forbidden, "emergency command refused: " + decision.reason) }
            return decision
        }
        router.get("/audit") { _, _ in try await desk.audit() }
    }
}

extension EmergencyDesk.Decision: ResponseCodable {}
extension AuditEntry: ResponseCodable {}
