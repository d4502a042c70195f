/// One route of the control API: its method, its path (`{name}` marks a path parameter, as in OpenAPI) and the
/// names of its query parameters. `Route.all` is the whole API; `docs/api/openapi.yaml` describes the same routes.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case delete = "DELETE"
    }

    public let method: Method
    public let path: String
    public let query: [String]

    init(_ method: Method, _ path: String, query: [String] = []) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// The path with `:name` for each `{name}`, as Hummingbird's router writes parameters.
    public var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }

    /// The path with its parameters filled in order, each percent-encoded as one path segment.
    public func path(_ values: String...) -> String {
        var remaining = values[...]
        return path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            guard part.hasPrefix("{"), let value = remaining.popFirst() else { return String(part) }
            return PathSegment.encode(value)
        }.joined(separator: "/")
    }

    public var description: String { "\(method.rawValue) \(path)" }
}

extension Route {
    public static let health = Route(.get, "/health")
    public static let zones = Route(.get, "/zones")
    public static let sessionDescription = Route(.get, "/zones/{zone}/sdp")
    public static let storeClip = Route(.post, "/clips", query: [Query.title])
    public static let checkClip = Route(.post, "/clips/check")
    public static let queueItem = Route(
        .post, "/items",
        query: [
            Query.zones, Query.zone, Query.title, Query.priority, Query.now, Query.onInterrupt, Query.clip, Query.at,
        ])
    /// Text read aloud: queued as an item, stored as a clip, or only spoken to see how it reads (text/plain body).
    public static let say = Route(
        .post, "/say",
        query: [Query.zones, Query.zone, Query.title, Query.priority, Query.now, Query.onInterrupt, Query.at])
    public static let storeSpeech = Route(.post, "/clips/speech", query: [Query.title])
    /// A live input on the air (`loa live`): started now, ended by `stopLive` or by the end of the input.
    public static let startLive = Route(
        .post, "/live", query: [Query.input, Query.zones, Query.zone, Query.title, Query.priority])
    public static let stopLive = Route(.post, "/live/{id}/stop")
    /// Whoever started a live input says it is still there (every few seconds); without word for 10 s the
    /// controller ends the broadcast.
    public static let keepLive = Route(.post, "/live/{id}/keepalive")
    /// A radio station relayed on the air (`loa relay`): started now, ended at `until`, by `stopLive`, or cut as
    /// any item of its priority.
    public static let startRelay = Route(
        .post, "/relay",
        query: [Query.sources, Query.until, Query.fallbackClip, Query.zones, Query.zone, Query.title, Query.priority])
    public static let previewSpeech = Route(.post, "/speech")
    /// The clip library: stored clips under names the office chose (`loa clips`).
    public static let library = Route(.get, "/library")
    public static let nameClip = Route(.post, "/library/{name}", query: [Query.clip])
    public static let removeNamedClip = Route(.delete, "/library/{name}")
    public static let item = Route(.get, "/items/{id}")
    /// Items waiting for an approver (`approval: on`), and the release of one.
    public static let heldItems = Route(.get, "/items/held")
    public static let releaseItem = Route(.post, "/items/{id}/release")
    public static let cancelItem = Route(.delete, "/items/{id}")
    public static let status = Route(.get, "/status")
    public static let applySchedule = Route(.post, "/schedule")
    public static let timetable = Route(.get, "/schedule/timetable", query: [Query.from, Query.days])
    /// A schedule a broadcaster applied while approval is required, and its release by an approver.
    public static let heldSchedule = Route(.get, "/schedule/held")
    public static let releaseSchedule = Route(.post, "/schedule/release")
    public static let log = Route(.get, "/log", query: [Query.since, Query.zone])
    public static let report = Route(.get, "/report", query: [Query.month])
    /// Proof of play per box (issue 15): how each box played each item, from `since` (Unix ms).
    public static let boxLog = Route(.get, "/log/boxes", query: [Query.since, Query.zone])
    /// The month's broadcast record per box.
    public static let boxReport = Route(.get, "/report/boxes", query: [Query.month])

    public static let receivers = Route(.get, "/receivers")
    public static let receiver = Route(.get, "/receivers/{id}")
    public static let approveReceiver = Route(.post, "/receivers/{id}/approve", query: [Query.name, Query.zone])
    public static let approvePending = Route(.post, "/receivers/approve-pending", query: [Query.zone])
    public static let moveReceiver = Route(.post, "/receivers/{id}/move", query: [Query.zone])
    public static let renameReceiver = Route(.post, "/receivers/{id}/rename", query: [Query.name])
    public static let rejectReceiver = Route(.post, "/receivers/{id}/reject")
    public static let removeReceiver = Route(.delete, "/receivers/{id}")
    public static let command = Route(
        .post, "/commands", query: [Query.action, Query.value, Query.receiver, Query.zone])
    public static let alerts = Route(.get, "/alerts", query: [Query.after])
    public static let fleet = Route(.get, "/fleet")
    public static let fleetZones = Route(.get, "/fleet/zones")
    public static let metrics = Route(.get, "/metrics")

    public static let rootKey = Route(.get, "/keys/root.pub")
    public static let keyList = Route(.get, "/keys")
    public static let signedKeyList = Route(.get, "/keys/list")
    public static let installKeyList = Route(.post, "/keys/list")
    public static let emergency = Route(.post, "/emergency", query: [Query.title])
    public static let audit = Route(.get, "/audit")
    public static let auditVerify = Route(.get, "/audit/verify")

    /// Every route of the API.
    public static let all: [Route] =
        [
            health, zones, sessionDescription, storeClip, checkClip, queueItem, say, storeSpeech, previewSpeech,
            startLive, stopLive, keepLive, startRelay, library, nameClip, removeNamedClip, item, heldItems, releaseItem,
            cancelItem, status, applySchedule, timetable, heldSchedule, releaseSchedule,
            log, report, boxLog, boxReport, receivers, receiver, approveReceiver, approvePending, moveReceiver,
            renameReceiver,
            rejectReceiver, removeReceiver, command, alerts, fleet, fleetZones, metrics, rootKey, keyList,
            signedKeyList, installKeyList, emergency, audit, auditVerify,
        ] + accountRoutes
}

/// Query parameter names of the control API.
public enum Query {
    public static let title = "title"
    public static let zones = "zones"
    public static let zone = "zone"
    public static let priority = "priority"
    public static let now = "now"
    public static let onInterrupt = "onInterrupt"
    public static let clip = "clip"
    public static let from = "from"
    public static let days = "days"
    public static let since = "since"
    public static let month = "month"
    public static let name = "name"
    public static let action = "action"
    public static let value = "value"
    public static let receiver = "receiver"
    public static let after = "after"
    public static let emergency = "emergency"
    public static let role = "role"
    public static let input = "input"
    public static let at = "at"
    /// `POST /relay`: the station's URLs, primary first, separated by spaces; its end (Unix ms); a stored clip.
    public static let sources = "sources"
    public static let until = "until"
    public static let fallbackClip = "fallbackClip"
}

/// Headers of the control API.
public enum Header {
    /// `POST /emergency`: the signed command, base64.
    public static let command = "X-Loa-Command"
}

/// Bounds on request inputs: the controller refuses anything outside them with 400 (or 413 for sizes).
public enum Limits {
    /// The largest clip accepted in one upload, in bytes.
    public static let uploadBytes: Int64 = 1 << 30
    /// The largest JSON body (`POST /schedule`).
    public static let jsonBodyBytes = 1 << 20
    /// The largest signed key list (`POST /keys/list`).
    public static let keyListBytes = 1 << 20
    /// The largest signed emergency command header, in base64 characters.
    public static let commandHeaderBytes = 16_384
    /// Years a date, month or report may name.
    public static let years = 1970...9999
    /// Days one timetable request may cover.
    public static let timetableDays = 1...366
    /// Titles of clips and items.
    public static let titleCharacters = 1...256
    /// Receiver and operator names.
    public static let nameCharacters = 1...64
    /// Slots in one schedule (10,000 took the controller 13 s to apply, past a client's patience: schemathesis
    /// found it), and clips in one slot.
    public static let slots = 1_000
    public static let clipsPerSlot = 1_000
    /// Most zones one item may name.
    public static let zonesPerItem = 256
    /// The longest text read aloud (`POST /say`, `/clips/speech`, `/speech`; a schedule's `say:`), in bytes.
    public static let speechBytes = 32_768
}

/// Percent-encoding of one path segment.
enum PathSegment {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
