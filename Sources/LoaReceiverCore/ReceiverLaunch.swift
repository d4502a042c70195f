import LoaSystem

/// How `loa-receiver` was asked to run: an optional config file, and flags that override it.
///
/// `run()` is the whole life of the process after parsing: it never gives up on a config file, network
/// interface, group or sound card that is not usable yet. Each failed attempt is one log line naming the
/// cause, followed by a wait (1 s, 2 s, … up to a minute); the config file is read again at every attempt,
/// so fixing it (or the device it names) takes effect without a restart.
public struct ReceiverLaunch: Sendable {
    /// One validated flag, as a setting key and its text.
    public struct Flag: Sendable {
        public var key: String
        public var value: String
    }

    /// The config file to read first, if any.
    public var configFile: String?
    /// Flags in command-line order, applied over the config file.
    public var flags: [Flag] = []

    public init(configFile: String? = nil, flags: [Flag] = []) {
        self.configFile = configFile
        self.flags = flags
    }

    /// The defaults, then the config file, then the flags.
    public func settings() throws(ConfigFileError) -> ReceiverSettings {
        var settings = ReceiverSettings.defaults
        if let configFile { settings = try ReceiverConfigFile.load(configFile, over: settings) }
        for flag in flags {
            do { try settings.set(flag.key, to: flag.value) } catch { fatalError("flag checked when parsed") }
        }
        return settings
    }

    /// Tells systemd the process is up, then reads the settings and plays until a stop signal, retrying
    /// with back-off whatever fails on the way. Returns the statistics of the last playing run.
    public func run() -> ReceiverStatistics {
        ServiceManager.ready()
        var backoff = Backoff()
        var statistics = ReceiverStatistics()
        while !StopSignal.requested {
            do throws(ConfigFileError) {
                let settings = try settings()
                do throws(ReceiverSetupError) {
                    statistics = try Receiver(settings: settings).play()
                } catch {
                    backoff.wait(after: error.message)
                }
            } catch {
                backoff.wait(after: error.message)
            }
        }
        ServiceManager.stopping()
        return statistics
    }
}
