import Foundation

/// Reads an account's password: from the terminal without echo when standard input is one, else the first line
/// of standard input (scripts and tests pipe it in). Used by `loa login` and `loa-controller admin`.
public enum PasswordPrompt {
    /// The password typed after `prompt` (printed on stderr), without its line end; nil at end of input.
    public static func read(_ prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
