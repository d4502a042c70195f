import CLoaSystem

/// Writes text to file descriptor 2.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in loa_write_stderr(bytes.baseAddress, bytes.count) }
    }
}
