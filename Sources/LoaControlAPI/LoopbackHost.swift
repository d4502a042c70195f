/// The hosts only this machine can reach: `localhost`, 127.0.0.0/8 and `::1`. Plain HTTP is allowed to them and
/// nowhere else, by the controller (what it serves) and by `ControlClient` (where it sends a session or password).
public enum LoopbackHost {
    /// True for `localhost`, an IPv4 address 127.x.y.z and `::1` (bracketed or not); false for any other name,
    /// which may resolve anywhere.
    public static func contains(_ host: String) -> Bool {
        if ["localhost", "::1", "[::1]"].contains(host.lowercased()) { return true }
        return IPv4Parts.isAddress(host) && host.hasPrefix("127.")
    }
}

/// Dotted-quad IPv4 text.
enum IPv4Parts {
    /// True for four decimal numbers 0-255 joined by dots.
    static func isAddress(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
