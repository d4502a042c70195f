/// One-line log records on standard error, the same in the host and the firmware build.
///
/// systemd's journal takes stderr as is; a line starts with a level word so that it can be filtered.
public enum Log {
    public static func info(_ message: String) { write("info: " + message) }
    public static func warning(_ message: String) { write("warning: " + message) }
    public static func error(_ message: String) { write("error: " + message) }

    private static func write(_ line: String) {
        StandardError.write(line + "\n")
    }
}
