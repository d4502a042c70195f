import LoaCrypto
import LoaReceiverCore
import LoaTestSupport
import LoaTrust
import LoaWire
import Testing

/// The freshness window is a receiver setting (`freshness-seconds`, 1–60, default 5), in the config file and as
/// a flag, and it is the window the packet verifier applies: through the same `TrustLink(settings:)` the
/// receiver builds its trust with.
@Suite("Freshness window setting")
struct FreshnessSettingTests {
    let path = "/etc/loa/receiver.conf"

    @Test func isFiveSecondsByDefaultAndSetByTheFileOrAFlag() throws {
        #expect(ReceiverSettings.defaults.freshnessSeconds == 5)
        let file = try ReceiverConfigFile.parse("zone = a\nfreshness-seconds = 2\n", path: path, over: .defaults)
        #expect(file.freshnessSeconds == 2)
        guard case .run(let launch) = try ReceiverCommandLine.parse(["--freshness-seconds", "60"]) else {
            Issue.record("expected a run request")
            return
        }
        #expect(try launch.settings().freshnessSeconds == 60)
        #expect(ReceiverCommandLine.usage.contains("[--freshness-seconds S]"))
        #expect(ReceiverCommandLine.usage.contains("--freshness-seconds S    play a packet only if"))
    }

    @Test(arguments: ["0", "61", "soon", "-3"])
    func aValueOutOfRangeIsRefusedInOneLine(value: String) {
        let problem = "freshness-seconds '\(value)' must be a whole number from 1 to 60"
        #expect {
            _ = try ReceiverConfigFile.parse("zone = a\nfreshness-seconds = \(value)\n", path: path, over: .defaults)
        } throws: { error in
            (error as? ConfigFileError)?.message == "config file \(path) line 2: " + problem
        }
        #expect {
            _ = try ReceiverCommandLine.parse(["--freshness-seconds", value])
        } throws: { error in
            (error as? CommandLineError)?.message == "--" + problem
        }
    }

    /// The verdict on a packet sealed 3 s before the trusted clock's now, by a receiver with `arguments`.
    func verdictOnAPacketThreeSecondsOld(_ arguments: [String]) throws -> PacketVerifier.Verdict {
        guard case .run(let launch) = try ReceiverCommandLine.parse(arguments) else { throw NoRunRequest() }
        let fixture = try TrustFixture()
        let link = try fixture.link(try launch.settings())
        let stream = SigningKeyPair.generate()
        let list = fixture.list(version: 1, stream: stream)
        #expect(fixture.exchange(link, at: 1_000_000_000, time: 1_795_000_000_000, list: list, stream: stream))
        let now: UInt64 = 2_000_000_000
        let trusted = try #require(link.now(monotonic: now))
        let playout = try Playout(settings: PlayoutSettings(), sink: CountingSink())
        let verdict = deliver(
            try SealedStream(key: stream, audience: link.audience, frames: 1).packet(0, sentAt: trusted - 3_000),
            to: playout, through: link,
            at: now)
        playout.advance(to: now + 2_000_000_000)
        #expect((playout.sink.samples > 0) == (verdict == .accepted))
        return verdict
    }

    @Test func aPacketThreeSecondsOldIsRefusedWithTwoSecondsAndPlayedWithTheDefault() throws {
        #expect(try verdictOnAPacketThreeSecondsOld(["--freshness-seconds", "2"]) == .stale)
        #expect(try verdictOnAPacketThreeSecondsOld([]) == .accepted)
    }
}

private struct NoRunRequest: Error {}
