import Foundation
import LoaControlAPI

/// What `loa queue` and `loa say` tell a person at a terminal once an item is queued, instead of its bare id:
/// `#21 "Thông báo họp" → thon-dong: phát khoảng 17:02, sau 2 mục` (per zone; "đang phát" when it already plays).
/// Scripts (stdout not a terminal) still get the bare id.
enum QueuedSentence {
    /// The sentence for `item` given the queues of `status` (read just after queueing), `now` in Unix ms and the
    /// commune's `timeZone`. A zone whose queue does not hold the item (it aired already) is named alone.
    static func text(
        _ item: ItemView, status: StatusView, now: Int64, timeZone: TimeZone, language: Language = .current
    ) -> String {
        let zones = item.zones.map { name -> String in
            guard let zone = status.zones.first(where: { $0.name == name }) else {
                return name
            }
            if zone.playing?.id == item.id { return Message.queuedPlaying.filled([name], in: language) }
            guard let index = zone.queued.firstIndex(where: { $0.id == item.id }) else { return name }
            let ahead = index + (zone.playing == nil ? 0 : 1)
            let start = zone.expectedStart(ofQueued: index, now: now)
            let clock = String(localText(start, timeZone: timeZone).dropFirst(11).prefix(5))
            return Message.queuedAt.filled([name, clock, Message.items(ahead, in: language)], in: language)
        }
        return Message.queuedHead.filled([item.id, item.title, zones.joined(separator: "; ")], in: language)
    }

    /// Prints the sentence on a terminal (asking the controller for the queues), else the bare id; then warns if a
    /// zone has no box online (`NobodyListening`).
    static func report(_ item: ItemView, client: ControlClient) async throws {
        if isatty(1) == 1 {
            let timeZone = try await CommuneTimeZone.of(client)
            let status = try await client.status()
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            print(text(item, status: status, now: now, timeZone: timeZone))
        } else {
            print(item.id)
        }
        await NobodyListening.warn(zones: item.zones, client: client)
    }
}
