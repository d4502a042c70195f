import LoaCrypto
import LoaSource
import LoaSystem

/// `loa-bench`'s and the tests' handle on one `ZoneStream` (package access only): they drive streams exactly
/// as the pacer thread does (`sendDue` at each deadline, sleeping on the monotonic clock in between), so
/// that what it measures is the code that airs, including any step later added to `sendDue` (signing).
package final class BenchmarkZoneStream {
    private let stream: ZoneStream

    /// Opens the zone's socket, as `Pacer` does for each zone; `signed`: every packet is sealed (and tagged) with
    /// fresh keys;
    /// `first`: the first sequence number and timestamp instead of random ones; `unicast`: every packet also goes to
    /// the zone's (number 0) unicast boxes there.
    package init(
        zone: Zone, signed: Bool = false, first: (sequenceNumber: UInt16, timestamp: UInt32)? = nil,
        unicast: UnicastDelivery? = nil
    ) throws(SystemError) {
        var random = SystemRandomNumberGenerator()
        stream = try ZoneStream(
            zone: zone, random: &random, signingKey: signed ? SigningKeyPair.generate() : nil,
            tagKey: signed ? StreamTagKey.random() : nil, unicast: unicast.map { ($0, 0) }, first: first)
    }

    /// Puts `clip` on the air from `now`, cutting off what plays.
    package func play(_ clip: EncodedClip, id: Int64, now: UInt64) {
        _ = stream.replace(with: ReadyItem(id: id, clip: clip), now: now)
    }

    /// Puts the live `feed` on the air from `now` (at its live edge), cutting off what plays.
    package func play(live feed: LiveFeed, id: Int64, now: UInt64) {
        _ = stream.replace(with: ReadyItem(id: id, live: feed), now: now)
    }

    /// Frames of live items not encoded by their deadline.
    package var framesMissed: Int { stream.framesMissed }

    /// When the next packet is due; nil when nothing is on the air.
    package var nextDeadline: UInt64? { stream.nextDeadline }

    /// Sends the packet due at or before `now`, if any. Returns true if the item ended with it.
    package func sendDue(now: UInt64, buffer: UnsafeMutableRawBufferPointer) -> Bool {
        stream.sendDue(now: now, buffer: buffer) != nil
    }

    /// Datagrams handed to the kernel, and those it refused.
    package var packetsSent: Int { stream.packetsSent }
    package var sendFailures: Int { stream.sendFailures }
}
