import ArgumentParser
import LoaCLI

/// loa: the broadcaster's command line. Everything is in LoaCLI.
@main
struct LoaMain {
    static func main() async {
        let command: any AsyncParsableCommand.Type = Loa.self
        await command.main()
    }
}
