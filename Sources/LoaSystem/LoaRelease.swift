/// Loa's release: one number for the controller, the receiver (its heartbeats report it) and the `loa` command
/// line, shown by `--version` on each.
public enum LoaRelease {
    public static let version = "0.5.0"
}
