import Foundation
import LoaControlAPI
import LoaWire
import Prometheus
import Synchronization

/// The controller's Prometheus metrics, served at `GET /metrics`:
///
/// - `loa_receivers{state}`: receivers by state (pending, online, offline, muted)
/// - `loa_heartbeats_accepted_total`, `loa_heartbeats_rejected_total{reason}` (malformed, unauthenticated,
///   unknown, replayed, rate_limited)
/// - `loa_commands_total{result}` (acknowledged, failed), `loa_alerts_total{kind}` (every `Alert.Kind` by its
///   name, such as `offline` or `sound-card`, from its first alert on)
/// - `loa_zone_packets_sent_total{zone}`: RTP packets each zone's stream has sent
/// - `loa_items_played_total`: items played to their end
/// - `loa_receiver_sync_seconds{receiver}`: how far each box that reports it may play from the commune's timeline
///   (its clock's uncertainty plus its playout's error, issue 13), by the box's name
package final class FleetMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let acceptedCounter: Counter
    private let rejectedCounters: [String: Counter]
    private let stateGauges: [ReceiverState: Gauge]
    private let itemsCounter: Counter
    /// Each zone's counter with the count it was last brought up to, and the items played likewise.
    private let programmeCounts = Mutex<(zones: [String: (counter: Counter, last: Int)], itemsLast: Int)>(([:], 0))
    /// Where per-zone packet counts and played items come from (the programme's side).
    private let zonePackets: @Sendable () -> [String: Int]
    private let itemsPlayed: @Sendable () -> Int

    init(
        zonePackets: @escaping @Sendable () -> [String: Int] = { [:] },
        itemsPlayed: @escaping @Sendable () -> Int = { 0 }
    ) {
        self.zonePackets = zonePackets
        self.itemsPlayed = itemsPlayed
        acceptedCounter = registry.makeCounter(name: "loa_heartbeats_accepted_total", help: "Heartbeats accepted")
        var rejected: [String: Counter] = [:]
        for reason in FleetRejection.allCases.map(\.reason) where rejected[reason] == nil {
            rejected[reason] = registry.makeCounter(
                name: "loa_heartbeats_rejected_total", labels: [("reason", reason)],
                help: "Datagrams at the heartbeat port that were dropped")
        }
        rejectedCounters = rejected
        var gauges: [ReceiverState: Gauge] = [:]
        for state in ReceiverState.allCases {
            gauges[state] = registry.makeGauge(
                name: "loa_receivers", labels: [("state", state.rawValue)], help: "Receivers by state")
        }
        stateGauges = gauges
        itemsCounter = registry.makeCounter(name: "loa_items_played_total", help: "Items played to their end")
    }

    func accepted() { acceptedCounter.increment() }
    func rejected(_ rejection: FleetRejection) { rejectedCounters[rejection.reason]?.increment() }

    func command(_ result: String) {
        registry.makeCounter(name: "loa_commands_total", labels: [("result", result)], help: "Commands to receivers")
            .increment()
    }

    func alert(_ kind: Alert.Kind) {
        registry.makeCounter(name: "loa_alerts_total", labels: [("kind", kind.rawValue)], help: "Alerts raised")
            .increment()
    }

    /// The text exposition, with the gauges brought up to date first; `unicast` is `UnicastDelivery.counts`,
    /// `clipChunks` is `ClipOffers.counts`.
    func exposition(
        states: [ReceiverState: Int], sync: [String: Double] = [:], heartbeats: [String: Heartbeat] = [:],
        unicast: (boxes: Int, sent: Int, capped: Int, repaired: Int, unrepaired: Int, repeated: Int)? = nil,
        playoutDelays: [(zone: String, milliseconds: Int)] = [], clipChunks: (sent: Int, capped: Int)? = nil
    ) -> String {
        if let clipChunks {
            let gauges = [
                (
                    "loa_clip_chunks_sent", "Chunks of clips delivered ahead of airtime sent since start",
                    clipChunks.sent
                ),
                (
                    "loa_clip_chunks_capped",
                    "Requests for clip chunks cut short by the per-box or total caps since start",
                    clipChunks.capped
                ),
            ]
            for (name, help, value) in gauges { registry.makeGauge(name: name, help: help).set(Double(value)) }
        }
        for (zone, milliseconds) in playoutDelays {
            registry.makeGauge(
                name: "loa_zone_playout_delay_seconds", labels: [("zone", zone)],
                help: "A zone's playout delay in force: send to every box's DAC"
            ).set(Double(milliseconds) / 1000)
        }
        if let unicast {
            registry.makeGauge(name: "loa_unicast_boxes", help: "Boxes hearing their zone by unicast").set(
                Double(unicast.boxes))
            registry.makeGauge(name: "loa_unicast_copies_sent", help: "Unicast copies of packets sent since start")
                .set(Double(unicast.sent))
            registry.makeGauge(
                name: "loa_unicast_copies_capped", help: "Unicast copies skipped by the rate caps since start"
            ).set(Double(unicast.capped))
            registry.makeGauge(
                name: "loa_unicast_repairs_sent", help: "Packets sent again to unicast boxes on their NACKs since start"
            ).set(Double(unicast.repaired))
            registry.makeGauge(
                name: "loa_unicast_repairs_refused",
                help: "Packets asked for again and not sent (no longer held, not the box's stream, over a cap)"
            ).set(Double(unicast.unrepaired))
            registry.makeGauge(
                name: "loa_unicast_copies_repeated", help: "Copies sent again for boxes that ask for redundancy"
            ).set(Double(unicast.repeated))
        }
        for (state, gauge) in stateGauges { gauge.set(Double(states[state] ?? 0)) }
        for (receiver, heartbeat) in heartbeats {
            var values: [(String, UInt32, String)] = [
                ("loa_receiver_packets_late", heartbeat.late, "Packets a box got too late to play, since it started"),
                ("loa_receiver_frames_concealed", heartbeat.concealed, "Frames a box concealed, since it started"),
                (
                    "loa_receiver_jitter_frames", UInt32(heartbeat.jitterDepthFrames),
                    "Frames in a box's jitter buffer at its last heartbeat"
                ),
            ]
            if let repair = heartbeat.repair {
                values += [
                    ("loa_receiver_packets_missed", repair.missed, "Packets a box lacked before loss repair (NACK)"),
                    ("loa_receiver_packets_repaired", repair.repaired, "Packets a box got again after asking"),
                    ("loa_receiver_packets_abandoned", repair.abandoned, "Packets a box lacked after loss repair"),
                ]
            }
            for (name, value, help) in values {
                registry.makeGauge(name: name, labels: [("receiver", receiver)], help: help).set(Double(value))
            }
            if let jitter = heartbeat.jitter {
                registry.makeGauge(
                    name: "loa_receiver_jitter_target_seconds", labels: [("receiver", receiver)],
                    help: "The jitter-buffer depth a box's arrival delays call for (95th percentile and a frame)"
                ).set(Double(jitter.targetMilliseconds) / 1000)
                if let spare = jitter.spareMilliseconds {
                    registry.makeGauge(
                        name: "loa_receiver_playout_spare_seconds", labels: [("receiver", receiver)],
                        help: "How early a box's packets come before needed (95th percentile, less a frame)"
                    ).set(Double(spare) / 1000)
                }
            }
        }
        for (receiver, seconds) in sync {
            registry.makeGauge(
                name: "loa_receiver_sync_seconds", labels: [("receiver", receiver)],
                help: "How far a box may play from the commune's timeline"
            ).set(seconds)
        }
        let packets = zonePackets()
        let played = itemsPlayed()
        programmeCounts.withLock { counts in
            for (zone, count) in packets {
                let entry =
                    counts.zones[zone]
                    ?? (
                        registry.makeCounter(
                            name: "loa_zone_packets_sent_total", labels: [("zone", zone)],
                            help: "RTP packets sent per zone stream"), 0
                    )
                if count > entry.last { entry.counter.increment(by: Int64(count - entry.last)) }
                counts.zones[zone] = (entry.counter, max(count, entry.last))
            }
            if played > counts.itemsLast { itemsCounter.increment(by: Int64(played - counts.itemsLast)) }
            counts.itemsLast = max(counts.itemsLast, played)
        }
        return registry.emitToString()
    }
}
