import LoaControlAPI
extension Fleet {
    /// How each box played each item it reported from `since` until before `until` (Unix ms), optionally in one
    /// zone (issue 15, proof of play per box): by item, then box name.
    package func plays(since: Int64, until: Int64 = .max, zone: String? = nil) throws -> [BoxPlayView] {
        try store.plays(since: since, until: until, zone: zone)
    }

    /// The month's record per box from its plays: items, airtime (frames × their length, whole seconds) and frames
    /// by origin; by zone, then name.
    package static func report(_ plays: [BoxPlayView]) -> [BoxReportRow] {
        var rows: [String: (row: BoxReportRow, milliseconds: Int)] = [:]
        for play in plays {
            var entry =
                rows[play.receiver]
                ?? (
                    BoxReportRow(
                        receiver: play.receiver, name: play.name, zone: play.zone, items: 0, seconds: 0, fromFile: 0,
                        fromStream: 0, rebuilt: 0, concealed: 0), 0
                )
            entry.row.items += 1
            entry.row.zone = play.zone ?? entry.row.zone
            entry.row.fromFile += play.fromFile
            entry.row.fromStream += play.fromStream
            entry.row.rebuilt += play.rebuilt
            entry.row.concealed += play.concealed
            entry.milliseconds += play.frames * play.frameMs
            entry.row.seconds = entry.milliseconds / 1000
            rows[play.receiver] = entry
        }
        return rows.values.map(\.row).sorted { ($0.zone ?? "", $0.name) < ($1.zone ?? "", $1.name) }
    }
}
