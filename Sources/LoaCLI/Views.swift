/// The control API's JSON shapes, as the CLI reads them (see `ControlAPI` in LoaController).
public struct ItemInfo: Codable, Sendable {
    public var id: Int64
    public var zone: String
    public var title: String
    public var state: String
    public var durationMs: Int
    public var positionMs: Int?
}

public struct ZoneStatus: Codable, Sendable {
    public var name: String
    public var playing: ItemInfo?
    public var queued: [ItemInfo]
    public var packetsSent: Int
}

public struct Status: Codable, Sendable {
    public var zones: [ZoneStatus]
}

/// "1:05" for 65 000 ms.
func minutesSeconds(_ milliseconds: Int) -> String {
    let seconds = milliseconds / 1000
    let remainder = seconds % 60
    return "\(seconds / 60):\(remainder < 10 ? "0" : "")\(remainder)"
}
