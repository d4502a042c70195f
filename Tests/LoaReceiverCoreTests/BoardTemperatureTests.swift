import Foundation
import LoaReceiverCore
import Testing

/// The board's temperature as heartbeats carry it: `/sys/class/thermal/thermal_zone0/temp` holds
/// thousandths of a degree ("48250\n" is 48.25 °C); anything else, or no file, is no temperature.
@Suite("Board temperature")
struct BoardTemperatureTests {
    @Test(
        arguments: [
            ("48250\n", 48250), ("48250", 48250), ("-5500\n", -5500), ("  61000 \r\n", 61000), ("0\n", 0),
            ("2147483647\n", Int32.max),
        ] as [(String, Int32)])
    func readsThousandthsOfADegree(text: String, milliCelsius: Int32) {
        #expect(BoardTemperature.milliCelsius(parsing: text) == milliCelsius)
    }

    @Test(arguments: [
        "", "\n", "-\n", "abc\n", "48.25\n", "48250 1\n", "4-8\n", "--5\n", "2147483648\n", "99999999999999999999\n",
    ])
    func refusesWhatIsNotATemperature(text: String) {
        #expect(BoardTemperature.milliCelsius(parsing: text) == nil)
    }

    @Test func readsTheFileItIsGiven() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loa-temp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "48250\n".write(toFile: path, atomically: true, encoding: .utf8)
        let read = try #require(BoardTemperature.read(path))
        #expect(Double(read) / 1000 == 48.25)
        #expect(BoardTemperature.read(path + ".missing") == nil)
        #expect(BoardTemperature.defaultPath == "/sys/class/thermal/thermal_zone0/temp")
    }
}
