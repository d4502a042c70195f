import Foundation

/// One controller per state directory: an exclusive `flock` on `controller.lock` in it, held for the life of
/// the process.
///
/// Contract:
/// - `acquire` takes the lock or throws `ControllerError` with one line naming the directory (and the holder's
///   process id when it wrote one), having changed nothing; two controllers on one state directory would both air
///   every slot.
/// - The kernel drops the lock when the process ends however it ends (`kill -9`, a crash), so a restart always
///   starts; the file's content (the holder's pid) is only a hint for the operator.
/// - The descriptor is close-on-exec: a command the controller runs does not keep the lock after it dies.
public final class StateDirectoryLock: Sendable {
    private let descriptor: Int32

    /// The lock file's name inside the state directory.
    public static let fileName = "controller.lock"

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Takes the lock on `directory`, which must exist, and writes this process's id into the lock file.
    public static func acquire(_ directory: URL) throws -> StateDirectoryLock {
        let path = directory.appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ControllerError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            guard error == EWOULDBLOCK else {
                throw ControllerError("cannot lock \(path): \(String(cString: strerror(error)))")
            }
            let who = holder.map { $0.isEmpty ? "" : " (process \($0))" } ?? ""
            throw ControllerError(
                "the state directory \(directory.path) is in use by another loa-controller\(who); "
                    + "stop it, or give this one its own --state-dir")
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pid.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } }
        return StateDirectoryLock(descriptor: descriptor)
    }
}
