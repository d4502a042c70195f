import LoaCodec
import LoaCrypto
import LoaReceiverCore
import LoaTrust
import LoaWire
import Testing

/// Issue 15, point 4: the zone's timetable on the box, and the rule by which the box plays a slot on its own from
/// its copy when the controller is out of reach: never while it is in reach, never a cancelled item, never twice,
/// never from a stale timetable or with a clock gone too long without the controller's time.
extension Playout {
    /// Hands `bytes` over as a verified packet of `item`'s frame 0, due 200 ms after `now`.
    fileprivate func receive(_ bytes: [UInt8], item: UInt32, at now: UInt64) {
        bytes.withUnsafeBytes { raw in
            receive(try! RTPPacket(parsing: raw), in: raw, at: now, due: now + 200 * ms, clipFrame: (item, 0))
        }
    }
}

/// The rule behind a reference, so that `#expect` may call its mutating methods.
final class Rule {
    var offline: OfflineTimetable
    init(_ offline: OfflineTimetable) { self.offline = offline }
    @discardableResult func take(_ timetable: ZoneTimetable) -> Bool { offline.take(timetable) }
    func next(
        now: Int64, sinceAnswer: Int64?, sinceContact: Int64? = nil, timeError: Int64, length: (UInt64) -> Int?
    ) -> OfflineTimetable.Decision? {
        offline.next(
            now: now, sinceAnswer: sinceAnswer, sinceContact: sinceContact, timeError: timeError, length: length)
    }
}

@Suite("Offline airtime")
struct OfflineAirtimeTests {
    static let audience = PacketAudience(group: 0xEFFF_4D01, port: 5004, commune: 77)
    static let issued: Int64 = 1_764_550_000_000
    static let slot: Int64 = 1_764_557_000_000

    static func timetable(issuedAt: Int64 = issued, entries: [ZoneTimetable.Entry]) -> ZoneTimetable {
        ZoneTimetable(audience: audience, issuedAt: issuedAt, playoutDelayMilliseconds: 200, entries: entries)
    }

    /// Item 5 airs at `slot`, item 6 (cancelled) at the same time, item 7 right after 5 was planned to start.
    static let entries: [ZoneTimetable.Entry] = [
        .init(item: 5, airsAt: slot, priority: 0), .init(item: 6, airsAt: slot, priority: 2, cancelled: true),
        .init(item: 7, airsAt: slot + 1_000, priority: 0),
    ]

    /// Held clips: 10 s each.
    static func length(_ item: UInt64) -> Int? { [5, 6, 7].contains(item) ? 10_000 : nil }

    @Test func aSlotPlaysOnItsOwnOnlyWhenTheControllerIsOutOfReach() {
        let offline = Rule(OfflineTimetable())
        #expect(offline.take(Self.timetable(entries: Self.entries)))
        let start = Self.slot + 200
        // In reach (answered 2 s ago): the controller airs the zone itself.
        #expect(offline.next(now: start, sinceAnswer: 2_000, timeError: 1, length: Self.length) == nil)
        // No time answer for 20 s, but a packet of the stream or a message 2 s ago: still in reach.
        #expect(
            offline.next(now: start, sinceAnswer: 20_000, sinceContact: 2_000, timeError: 1, length: Self.length) == nil
        )
        // Never answered: no trusted time to play by.
        #expect(offline.next(now: start, sinceAnswer: nil, timeError: 1, length: Self.length) == nil)
        // Out of reach, but too early.
        #expect(offline.next(now: start - 600, sinceAnswer: 12_000, timeError: 1, length: Self.length) == nil)
        // Half a second ahead of its start (its instant plus the zone's playout delay): decided, on time.
        #expect(
            offline.next(now: start - 500, sinceAnswer: 12_000, timeError: 1, length: Self.length)
                == .play(item: 5, startsAt: start))
        // Never twice; the cancelled item 6 never; item 7 waits for item 5's end, though planned earlier.
        #expect(offline.next(now: start + 1_000, sinceAnswer: 13_000, timeError: 1, length: Self.length) == nil)
        #expect(offline.next(now: start + 9_400, sinceAnswer: 21_000, timeError: 1, length: Self.length) == nil)
        #expect(
            offline.next(now: start + 9_600, sinceAnswer: 21_000, timeError: 1, length: Self.length)
                == .play(item: 7, startsAt: start + 10_000))
        #expect(offline.next(now: start + 30_000, sinceAnswer: 42_000, timeError: 1, length: Self.length) == nil)
    }

    @Test func aCancellationOrAnOlderTimetableDecidesWhatMayPlay() {
        let offline = Rule(OfflineTimetable())
        #expect(offline.take(Self.timetable(entries: Self.entries)))
        // A newer timetable cancels item 5: it never plays; item 7 starts at its own time.
        var cancelled = Self.entries
        cancelled[0].cancelled = true
        #expect(offline.take(Self.timetable(issuedAt: Self.issued + 1, entries: cancelled)))
        // The older one, replayed, changes nothing.
        #expect(!offline.take(Self.timetable(entries: Self.entries)))
        #expect(!offline.take(Self.timetable(issuedAt: Self.issued + 1, entries: Self.entries)))
        #expect(offline.next(now: Self.slot + 300, sinceAnswer: 60_000, timeError: 1, length: Self.length) == nil)
        #expect(
            offline.next(now: Self.slot + 1_300, sinceAnswer: 61_000, timeError: 1, length: Self.length)
                == .play(item: 7, startsAt: Self.slot + 1_200))
    }

    @Test func aStaleTimetableAnUntrustedClockOrAClipNotHeldIsRefusedOnce() {
        let start = Self.slot + 200
        // Issued more than 24 h before the slot: the box cannot confirm it is current.
        let stale = Rule(OfflineTimetable())
        stale.take(Self.timetable(issuedAt: Self.slot - 25 * 3_600_000, entries: Self.entries))
        #expect(
            stale.next(now: start, sinceAnswer: 60_000, timeError: 1, length: Self.length)
                == .refuse(item: 5, reason: .stale))
        // With a 48 h freshness it plays.
        let lenient = Rule(OfflineTimetable(freshnessMilliseconds: 48 * 3_600_000))
        lenient.take(Self.timetable(issuedAt: Self.slot - 25 * 3_600_000, entries: Self.entries))
        #expect(
            lenient.next(now: start, sinceAnswer: 60_000, timeError: 1, length: Self.length)
                == .play(item: 5, startsAt: start))
        // 30 h without the controller's time: 50 ppm of it is 5.4 s, beyond the 5 s the box allows itself.
        let adrift = Rule(OfflineTimetable(freshnessMilliseconds: 48 * 3_600_000))
        adrift.take(Self.timetable(entries: Self.entries))
        #expect(
            adrift.next(now: start, sinceAnswer: 30 * 3_600_000, timeError: 1, length: Self.length)
                == .refuse(item: 5, reason: .untrustedTime))
        // Item 5 not held: refused once its start has come, and item 7 plays at its own time.
        let missing = Rule(OfflineTimetable())
        missing.take(Self.timetable(entries: Self.entries))
        let only7: (UInt64) -> Int? = { $0 == 7 ? 10_000 : nil }
        #expect(missing.next(now: start - 100, sinceAnswer: 60_000, timeError: 1, length: only7) == nil)
        #expect(
            missing.next(now: start, sinceAnswer: 60_000, timeError: 1, length: only7)
                == .refuse(item: 5, reason: .notHeld))
        #expect(missing.next(now: start, sinceAnswer: 60_000, timeError: 1, length: only7) == nil)
        #expect(
            missing.next(now: Self.slot + 1_000, sinceAnswer: 60_000, timeError: 1, length: only7)
                == .play(item: 7, startsAt: Self.slot + 1_200))
    }

    @Test func theTimetableIsTakenOnlyIfTheStreamKeySignedItForThisZone() throws {
        let streamKey = SigningKeyPair.generate()
        let timetable = Self.timetable(entries: Self.entries)
        let signed = StreamKeySignature.make(timetable, signedBy: streamKey)
        #expect(
            try StreamKeySignature.open(
                signed, as: ZoneTimetable.self, streamKey: streamKey.publicKey, audience: Self.audience) == timetable)
        var tampered = signed
        tampered[30] ^= 1
        #expect(throws: StreamKeySignature.Refusal.badSignature) {
            try StreamKeySignature.open(
                tampered, as: ZoneTimetable.self, streamKey: streamKey.publicKey, audience: Self.audience)
        }
        #expect(throws: StreamKeySignature.Refusal.badSignature) {
            try StreamKeySignature.open(
                signed, as: ZoneTimetable.self, streamKey: SigningKeyPair.generate().publicKey, audience: Self.audience)
        }
        var other = Self.audience
        other.port = 5006
        #expect(throws: StreamKeySignature.Refusal.otherAudience) {
            try StreamKeySignature.open(signed, as: ZoneTimetable.self, streamKey: streamKey.publicKey, audience: other)
        }
        #expect(throws: StreamKeySignature.Refusal.malformed) {
            try StreamKeySignature.open(
                signed + [0], as: ZoneTimetable.self, streamKey: streamKey.publicKey, audience: Self.audience)
        }
    }

    /// The playout plays the held clip on its own from its instant: the clip's own decoding, every frame counted as
    /// played offline from the copy; a packet of the item itself changes nothing, one of anything else takes over.
    @Test func aHeldClipPlaysOnItsOwnAtItsInstant() throws {
        let stream = try StreamMaker(frames: 50)
        let held = HeldClips(limitBytes: 1 << 20)
        held.keep(5, bytes: HeldClipPlayoutTests.image(stream))
        let playout = try Playout(
            settings: PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200), sink: TimedSink())
        playout.held = held
        playout.trustedMilliseconds = Self.slot
        #expect(!playout.playOffline(9, due: 1_200 * ms, now: 1_000 * ms))
        #expect(playout.playOffline(5, due: 1_200 * ms, now: 1_000 * ms))
        #expect(playout.playsOffline && playout.isActive)
        var now = 1_000 * ms
        while now <= 3_000 * ms {
            if now == 1_500 * ms {
                // The item's own packet (the controller back on the air with it): the copy plays on.
                stream.packets[25].withUnsafeBytes { bytes in
                    playout.receive(
                        try! RTPPacket(parsing: bytes), in: bytes, at: now, due: 1_700 * ms, clipFrame: (5, 25))
                }
            }
            playout.sink.now = now
            playout.advance(to: now)
            now += 500_000
        }
        #expect(playout.sink.frames.flatMap(\.samples) == (try HeldClipPlayoutTests.reference(stream)))
        #expect(playout.sink.frames.first?.at == 1_200 * ms)
        #expect(playout.plays == [ItemPlay(item: 5, fromFile: 50, startedAt: Self.slot, offline: true)])
        #expect(!playout.isActive && !playout.playsOffline)
        // The item's stream aired late (the controller back from a power cut) is not played a second time.
        playout.receive(stream.packets[0].withUnsafeBytes { Array($0) }, item: 5, at: 3_100 * ms)
        #expect(!playout.isActive && playout.sink.frames.count == 50)

        // Another item's packet while one plays offline ends it at once: the controller is back with something else.
        let again = try Playout(
            settings: PlayoutSettings(jitterMilliseconds: 60, idleAfterMilliseconds: 200), sink: TimedSink())
        again.held = held
        #expect(again.playOffline(5, due: 1_200 * ms, now: 1_000 * ms))
        again.sink.now = 1_300 * ms
        again.advance(to: 1_300 * ms)
        stream.packets[0].withUnsafeBytes { bytes in
            again.receive(try! RTPPacket(parsing: bytes), in: bytes, at: 1_300 * ms, due: 1_500 * ms, clipFrame: (0, 0))
        }
        #expect(!again.playsOffline && again.isActive)
        #expect(again.plays.count == 1 && again.plays[0].offline && again.plays[0].fromFile == 6)
    }
}
