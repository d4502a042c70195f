import CLoaSystem

/// An operating-system call that failed: which call, and errno.
public struct SystemError: Error, Sendable {
    /// What Loa was doing, e.g. "join 239.255.77.1 on eth0".
    public var operation: String
    /// The errno value.
    public var code: Int32

    public init(_ operation: String, code: Int32 = loa_errno()) {
        self.operation = operation
        self.code = code
    }

    /// "join 239.255.77.1 on eth0: No such device".
    public var message: String { operation + ": " + String(cString: loa_strerror(code)) }
}
