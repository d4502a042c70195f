import ArgumentParser
import Foundation
import Testing

@testable import LoaCLI
import LoaControlAPI

/// What the CLI works out on its own before it asks the controller anything: its arguments, the time zone,
/// the controller's address, key text, clip files, and how it prints times and CSV.
@Suite("CLI parsing")
struct CLIParsingTests {
    @Test func readsQueueArgumentsAndZoneLists() throws {
        let queue = try Queue.parse(["tin.wav", "--zones", "thon-dong,thon-tay", "--priority", "priority", "--now"])
        #expect(queue.file == "tin.wav")
        #expect(queue.item.zone == "thon-dong,thon-tay")
        #expect(try Queue.parse(["tin.wav", "--zone", "thon-dong"]).item.zone == "thon-dong")
        #expect(try Queue.parse(["tin.wav"]).item.zone == "all")
        #expect(throws: (any Error).self) { try Queue.parse(["tin.wav", "--no-such-flag"]) }
    }

    @Test func readsSayArgumentsWithTheQueueOptions() throws {
        let say = try SayCommand.parse(["Họp lúc 7h30", "--zones", "thon-dong", "--priority", "priority", "--now"])
        #expect(say.text == "Họp lúc 7h30" && say.item.zone == "thon-dong" && say.item.now && !say.dryRun)
        #expect(try say.item.checked() == (.priority, .resume))
        #expect(try SayCommand.parse(["--text-file", "-", "--dry-run"]).dryRun)
        #expect(throws: CLIError.self) { try SayCommand.parse(["x", "--on-interrupt", "later"]).item.checked() }
    }

    @Test func readsLogArguments() throws {
        let log = try LogCommand.parse(["--since", "2026-12-01 05:30", "--zone", "thon-dong", "--csv"])
        #expect(log.since == "2026-12-01 05:30")
        #expect(log.zone == "thon-dong")
        #expect(log.csv)
        #expect(try LogCommand.parse([]).since == nil)
    }

    @Test func findsTheCommuneTimeZoneOffline() throws {
        #expect(try CommuneTimeZone.offline(environment: [:]).identifier == "Asia/Ho_Chi_Minh")
        #expect(try CommuneTimeZone.offline(environment: ["LOA_TIMEZONE": "Europe/Paris"]).identifier == "Europe/Paris")
        do {
            _ = try CommuneTimeZone.offline(environment: ["LOA_TIMEZONE": "Mars/Olympus"])
            Issue.record("a name that is no time zone was accepted")
        } catch {
            #expect(
                error.description
                    == "LOA_TIMEZONE 'Mars/Olympus' is not a time zone; use a name such as Asia/Ho_Chi_Minh")
        }
    }

    @Test func refusesAControllerAddressThatIsNotAURL() {
        #expect(throws: ControlClientError.self) { try ControlClient(address: "not a url") }
        #expect((try? ControlClient(address: "http://127.0.0.1:8750")) != nil)
    }

    /// A session token or a password never crosses a network in plain HTTP: plain http only to this machine
    /// (`localhost`, 127.0.0.0/8, ::1), decided from the address before any connection is made.
    @Test func plainHTTPOnlyToALoopbackController() throws {
        for address in ["http://127.0.0.1:8750", "127.0.0.2:8750", "http://localhost:8750", "http://[::1]:8750"] {
            #expect((try? ControlClient(address: address)) != nil, "\(address)")
        }
        for address in ["https://10.0.0.1:8750", "https://xa.example:8443"] {
            #expect((try? ControlClient(address: address)) != nil, "\(address)")
        }
        for address in ["http://10.0.0.1:8750", "10.0.0.1", "http://xa.example:8750", "http://128.0.0.1:80"] {
            let error = #expect(throws: ControlClientError.self) { try ControlClient(address: address) }
            #expect(error?.description.hasPrefix("refusing plain http to ") == true, "\(address)")
            #expect(error?.description.contains("use https://") == true)
        }
        #expect(LoopbackHost.contains("127.255.0.1") && !LoopbackHost.contains("127.0.0"))
        #expect(!LoopbackHost.contains("127.0.0.1.example") && !LoopbackHost.contains("0.0.0.0"))
    }

    @Test func readsPublicKeyText() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let text = Data(key).base64EncodedString()
        #expect(try publicKey(text: text, named: "--key") == key)
        #expect(throws: CLIError.self) { try publicKey(text: "!!", named: "--key") }
        #expect(throws: CLIError.self) {
            try publicKey(text: Data(key.prefix(16)).base64EncodedString(), named: "--key")
        }
    }

    @Test func refusesClipsThatArePlainlyNotOnes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.wav").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let good = folder.appendingPathComponent("tin.wav").path
        FileManager.default.createFile(atPath: good, contents: Data([1, 2, 3]))
        func refusal(_ path: String) -> String? {
            do {
                _ = try readClip(path)
                return nil
            } catch { return error.description }
        }
        #expect(refusal(folder.appendingPathComponent("missing.wav").path)?.hasPrefix("no file") == true)
        #expect(refusal(folder.path)?.hasSuffix("is a folder, not a sound file") == true)
        #expect(refusal(empty)?.hasSuffix("is empty; record or export the clip again") == true)
        #expect(try readClip(good) == Data([1, 2, 3]))
    }

    @Test func printsTimesAndCSV() throws {
        #expect(minutesSeconds(65_000) == "1:05")
        #expect(minutesSeconds(600_000) == "10:00")
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        #expect(localText(1_795_000_000_000, timeZone: hanoi) == "2026-11-18 18:06:40")
        #expect(localText(nil, timeZone: hanoi) == "-")
        #expect(csvField("thon-dong") == "thon-dong")
        #expect(csvField("a,b") == "\"a,b\"")
        #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }
}

/// `loa queue --at 17:00 --repeat 3 --every 1h`: the air times, worked out in the commune's time zone before
/// anything is sent, and the line for each mistake.
@Suite("Air times")
struct AirTimesTests {
    let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    /// 2026-12-02 10:00:00 in Hanoi (03:00 UTC).
    let now: Int64 = 1_796_180_400_000

    @Test func aTimeTodayRepeatedEveryHour() throws {
        let times = try AirTimes(at: "17:00", repeats: 3, every: "1h", now: now, timeZone: hanoi)
        let five = now + 7 * 3_600_000
        #expect(times.instants == [five, five + 3_600_000, five + 7_200_000])
        #expect(
            try AirTimes(at: "10:00:30", repeats: 1, every: nil, now: now, timeZone: hanoi).instants == [now + 30_000])
        #expect(
            try AirTimes(at: nil, repeats: 2, every: "90s", now: now, timeZone: hanoi).instants == [now, now + 90_000])
    }

    @Test func aDateAndTimeInEitherForm() throws {
        let tomorrow = now + 24 * 3_600_000 + 7 * 3_600_000
        #expect(
            try AirTimes(at: "03/12/2026 17:00", repeats: 1, every: nil, now: now, timeZone: hanoi).instants == [
                tomorrow
            ])
        #expect(
            try AirTimes(at: "2026-12-03 17:00", repeats: 1, every: nil, now: now, timeZone: hanoi).instants == [
                tomorrow
            ])
    }

    @Test func everyDayUntilADate() throws {
        let day: Int64 = 86_400_000
        let seven = now - 3 * 3_600_000
        // From tomorrow 07:00 to the end of 05/12: three mornings.
        let mornings = try AirTimes(
            at: "03/12/2026 07:00", repeats: nil, every: "1d", until: "05/12/2026", now: now, timeZone: hanoi)
        #expect(mornings.instants == [seven + day, seven + 2 * day, seven + 3 * day])
        // A date and time ends on that minute; --repeat and --until together stop at whichever comes first.
        #expect(
            try AirTimes(at: "17:00", repeats: nil, every: "1h", until: "02/12/2026 19:00", now: now, timeZone: hanoi)
                .instants.count == 3)
        #expect(
            try AirTimes(at: "17:00", repeats: 2, every: "1h", until: "02/12/2026 19:00", now: now, timeZone: hanoi)
                .instants.count == 2)
        #expect(
            try AirTimes(at: "17:00", repeats: 9, every: "1h", until: "2026-12-02 19:30", now: now, timeZone: hanoi)
                .instants.count == 3)
    }

    @Test func durations() {
        #expect(AirTimes.seconds("1d") == 86_400)
        #expect(AirTimes.seconds("1h30m") == 5_400)
        #expect(AirTimes.seconds("45m") == 2_700)
        #expect(AirTimes.seconds("2H") == 7_200)
        #expect(AirTimes.seconds("90") == nil)
        #expect(AirTimes.seconds("h") == nil)
        #expect(AirTimes.seconds("1x") == nil)
    }

    @Test func mistakesAreOneLineEach() {
        let cases: [(String?, Int, String?, String)] = [
            ("9:00", 1, nil, "--at '9:00' has passed"),
            ("25:00", 1, nil, "--at '25:00' is not a time"),
            ("17h", 1, nil, "--at '17h' is not a time"),
            ("17:00", 2, nil, "--repeat needs --every"),
            ("17:00", 0, "1h", "--repeat 0 must be 1 to 48"),
            ("17:00", 3, "5s", "--every '5s' is not a duration of at least 10 s"),
        ]
        for (at, repeats, every, line) in cases {
            #expect {
                _ = try AirTimes(at: at, repeats: repeats, every: every, now: now, timeZone: hanoi)
            } throws: { error in
                (error as? CLIError)?.description.hasPrefix(line) == true
            }
        }
        let untils: [(String?, String, String)] = [
            (nil, "05/12/2026", "--until needs --every"),
            ("1d", "31/02/2026", "--until '31/02/2026' is not a date"),
            ("1d", "01/12/2026", "--until '01/12/2026' is before the first airing"),
            ("1h", "31/12/2026", "that would air 703 times, more than 48"),
        ]
        for (every, until, line) in untils {
            #expect {
                _ = try AirTimes(at: "17:00", repeats: nil, every: every, until: until, now: now, timeZone: hanoi)
            } throws: { error in
                (error as? CLIError)?.description.hasPrefix(line) == true
            }
        }
    }

    @Test func queueAndSayTakeTheOptions() throws {
        let queue = try Queue.parse(["tin.wav", "--at", "17:00", "--repeat", "3", "--every", "1h"])
        #expect(queue.item.at == "17:00" && queue.item.repeat == 3 && queue.item.every == "1h" && queue.item.isPlanned)
        #expect(!(try Queue.parse(["tin.wav"]).item.isPlanned))
        #expect(try Queue.parse(["tin.wav", "--every", "1d", "--until", "10/12/2026"]).item.until == "10/12/2026")
        #expect(try SayCommand.parse(["Họp", "--at", "07:30"]).item.isPlanned)
    }
}

/// The office's emergency presets (`presets.yaml`): a name for a clip, zones and keys, read on the office's computer.
@Suite("Emergency presets")
struct EmergencyPresetTests {
    @Test func presetsReadWithRelativePathsFromTheirFolder() throws {
        let presets = try EmergencyPresets.parse(
            """
            bao-lu:
              clip: canh-bao-lu.mp3
              zones: all
              key: /home/chu-tich/chu-tich.key
            chay-rung:
              clip: /srv/loa/chay.wav
              zones: [thon-dong, thon-tay]
              key: [a.key, b.key]
            """, path: "/etc/loa/presets.yaml")
        #expect(
            presets == [
                EmergencyPreset(
                    name: "bao-lu", clip: "/etc/loa/canh-bao-lu.mp3", zones: "all",
                    keys: ["/home/chu-tich/chu-tich.key"]),
                EmergencyPreset(
                    name: "chay-rung", clip: "/srv/loa/chay.wav", zones: "thon-dong,thon-tay",
                    keys: ["/etc/loa/a.key", "/etc/loa/b.key"]),
            ])
        #expect(try EmergencyPresets.parse("bao-lu:\n  clip: a.wav\n", path: "/p.yaml").first?.zones == "all")
        #expect(try EmergencyPresets.load(path: "/nonexistent/presets.yaml").isEmpty)
    }

    @Test func mistakesNameTheFileAndLine() {
        let cases = [
            ("bao-lu:\n  zones: all\n", "/p.yaml:1: preset 'bao-lu' needs 'clip: …'"),
            ("bao-lu:\n  clip: a.wav\n  volume: 100\n", "/p.yaml:3: preset 'bao-lu': unknown key 'volume'"),
            ("- a\n- b\n", "/p.yaml:1: each preset is a name"),
            ("bao-lu: [a\n", "/p.yaml:1: the presets file is not valid YAML"),
        ]
        for (text, line) in cases {
            #expect {
                _ = try EmergencyPresets.parse(text, path: "/p.yaml")
            } throws: { error in
                (error as? CLIError)?.description.hasPrefix(line) == true
            }
        }
    }

    @Test func startTakesAPresetAndOptionsThatWin() throws {
        let start = try EmergencyCommandLine.Start.parse(["bao-lu", "--zones", "thon-dong"])
        #expect(start.preset == "bao-lu" && start.zones == "thon-dong" && start.key.isEmpty)
        #expect(EmergencyPresets.path(environment: ["LOA_PRESETS": "/x.yaml"]) == "/x.yaml")
        #expect(EmergencyPresets.path(environment: ["XDG_CONFIG_HOME": "/c"]) == "/c/loa/presets.yaml")
    }
}
