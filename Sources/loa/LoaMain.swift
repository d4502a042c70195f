import LoaCLI

/// loa: the broadcaster's command line. Everything is in LoaCLI.
@main
struct LoaMain {
    static func main() async {
        await Loa.mainInUsersLanguage()
    }
}
