import LoaReceiverCore
import LoaSystem

// loa-receiver: the agent in each speaker box. Parses flags, then plays until SIGTERM.
StopSignal.install()
do {
    switch try ReceiverCommandLine.parse(ProcessArguments.all) {
    case .help:
        print(ReceiverCommandLine.usage)
    case .version:
        print("loa-receiver " + LoaRelease.version)
    case .run(let launch):
        _ = launch.run()
    }
} catch {
    StandardError.write("loa-receiver: " + error.message + "\n")
    exitProcess(2)
}
