import Foundation

/// The modes of the controller's state: the directory 0700 (no other user lists or opens what it holds) and its
/// databases 0600, also for a state directory made before these rules (then 0755 and 0644).
///
/// Contract: `apply` sets the directory's mode and that of every `*.sqlite*` file directly in it (the databases
/// and their WAL and shared-memory files); a failure is one line for the operator.
enum StateDirectoryModes {
    static func apply(_ stateDirectory: URL) throws {
        let files = FileManager.default
        do {
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: stateDirectory.path)
            for name in try files.contentsOfDirectory(atPath: stateDirectory.path) where name.contains(".sqlite") {
                try files.setAttributes(
                    [.posixPermissions: 0o600], ofItemAtPath: stateDirectory.appendingPathComponent(name).path)
            }
        } catch {
            throw ControllerError(
                "cannot restrict the modes in \(stateDirectory.path) (0700, databases 0600): \(error.localizedDescription)"
            )
        }
    }
}
