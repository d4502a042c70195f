import CLoaSystem

/// The command line and environment, the same way in host and Embedded builds.
public enum ProcessArguments {
    /// Every argument after the program name.
    public static var all: [String] {
        var result: [String] = []
        let count = Int(loa_argument_count())
        if count > 1 {
            for index in 1..<count {
                if let argument = loa_argument(Int32(index)) { result.append(String(cString: argument)) }
            }
        }
        return result
    }

    /// The value of an environment variable, or nil.
    public static func environment(_ name: String) -> String? {
        name.withCString { pointer in loa_environment(pointer).map { String(cString: $0) } }
    }
}

/// Ends the process.
public func exitProcess(_ status: Int32) -> Never { loa_exit(status) }
