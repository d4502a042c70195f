import Foundation

/// A commune's own speech engine (`tts-command:`): a shell command that reads the text on stdin and writes a WAV
/// on stdout, or to the path that replaces `{wav}` in the command when it has one.
///
/// The command runs with `/bin/sh -c`; it has `timeout` to finish, else it is killed and the speech refused.
public struct SpeechCommand: Sendable, Equatable {
    public var command: String
    public var timeout: Duration

    public init(_ command: String, timeout: Duration = .seconds(120)) {
        self.command = command
        self.timeout = timeout
    }

    /// Runs the command on `text` and returns the WAV it wrote, at `wav` (created or replaced).
    public func speak(_ text: String, into wav: URL) throws(SpeechError) {
        let directory = wav.deletingLastPathComponent()
        let input = directory.appendingPathComponent(wav.lastPathComponent + ".txt")
        let errors = directory.appendingPathComponent(wav.lastPathComponent + ".err")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: errors)
        }
        let writesToPath = command.contains("{wav}")
        let shellCommand = command.replacingOccurrences(of: "{wav}", with: "'" + wav.path + "'")
        let status: Int32
        do {
            try Data(text.utf8).write(to: input)
            guard FileManager.default.createFile(atPath: errors.path, contents: nil),
                writesToPath || FileManager.default.createFile(atPath: wav.path, contents: nil)
            else { throw SpeechError.command(detail: "cannot write in \(directory.path)") }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shellCommand]
            process.standardInput = try FileHandle(forReadingFrom: input)
            process.standardOutput = writesToPath ? FileHandle.nullDevice : try FileHandle(forWritingTo: wav)
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            let deadline = ContinuousClock.now + timeout
            while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning {
                Self.stop(process)
                process.waitUntilExit()
                throw SpeechError.command(detail: "it did not finish within \(timeout)")
            }
            status = process.terminationStatus
        } catch let error as SpeechError {
            throw error
        } catch {
            throw .command(detail: "cannot run it: \(error.localizedDescription)")
        }
        guard status == 0 else {
            let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            let lastLine = said.split(separator: "\n").last.map { ": " + $0 } ?? ""
            throw .command(detail: "it exited with status \(status)" + lastLine)
        }
    }

    /// Stops a command and whatever it started: its whole process group when it leads one, else the shell.
    private static func stop(_ process: Process) {
        let pid = process.processIdentifier
        if getpgid(pid) == pid { kill(-pid, SIGKILL) } else { process.terminate() }
    }
}
