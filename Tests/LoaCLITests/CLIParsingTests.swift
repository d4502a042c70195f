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
