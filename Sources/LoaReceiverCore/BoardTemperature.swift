import LoaSystem

/// The board's temperature as Linux reports it in `/sys/class/thermal/thermal_zone0/temp`: a whole number
/// of thousandths of a degree Celsius followed by a newline ("48250\n" is 48.25 °C). Heartbeats carry it
/// in m°C; a board without a sensor reports none.
public enum BoardTemperature {
    /// The first thermal zone: where a heartbeat's temperature comes from.
    public static let defaultPath = "/sys/class/thermal/thermal_zone0/temp"

    /// Reads `path`; nil if it is missing, unreadable, longer than 32 bytes or not a temperature.
    public static func read(_ path: String = defaultPath) -> Int32? {
        guard let text = try? FileSystem.readText(path, limit: 32) else { return nil }
        return milliCelsius(parsing: text)
    }

    /// Thousandths of a degree from the file's text: an optional `-`, at least one digit, then nothing but
    /// blanks and line ends. Nil for anything else, or for a value outside `Int32`.
    public static func milliCelsius(parsing text: String) -> Int32? {
        var value: Int64 = 0
        var negative = false
        var digits = 0
        var ended = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where digits == 0 && !negative && !ended:
                negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9") where !ended:
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if value > Int64(Int32.max) + 1 { return nil }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                if digits > 0 || negative { ended = true }
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        let signed = negative ? -value : value
        guard signed >= Int64(Int32.min) && signed <= Int64(Int32.max) else { return nil }
        return Int32(signed)
    }
}
