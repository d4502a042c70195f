import Foundation
import LoaCrypto
import LoaTrust
import Testing

/// Key files on real files: what is written reads back, secret keys are mode 0600 whatever the umask (also when
/// they replace a file others could read), nothing is left beside them, and every wrong file is one clear line.
@Suite("Key files")
struct KeyFileTests {
    /// A fresh folder, removed when `body` returns.
    func withFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-keyfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder.path)
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test func secretKeyFilesAreNeverReadableByOthers() throws {
        try withFolder { folder in
            let saved = umask(0o022)
            defer { umask(saved) }
            let target = folder + "/stream.key"
            // A file others could read is in the way: it is replaced by a new file, never reused.
            #expect(
                FileManager.default.createFile(
                    atPath: target, contents: Data("old\n".utf8), attributes: [.posixPermissions: 0o644]))
            let pair = SigningKeyPair.generate()
            try KeyFile.writeSecret(pair, to: target)
            #expect(mode(target) == 0o600, "key file mode \(String(mode(target), radix: 8))")
            #expect(try KeyFile.readSecret(target).publicKey == pair.publicKey)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["stream.key"])

            try KeyFile.writePublic(pair.publicKey, to: folder + "/stream.pub")
            #expect(mode(folder + "/stream.pub") == 0o644)
            #expect(try KeyFile.readPublic(folder + "/stream.pub") == pair.publicKey)
            #expect(
                try String(contentsOfFile: folder + "/stream.pub", encoding: .utf8)
                    == KeyText.base64(pair.publicKey) + "\n")
        }
    }

    @Test func wrongFilesAreRefusedWithOneLine() throws {
        try withFolder { folder in
            let pair = SigningKeyPair.generate()
            try KeyFile.writeSecret(pair, to: folder + "/me.key")
            try KeyFile.writePublic(pair.publicKey, to: folder + "/me.pub")
            try "not base64 at all!\n".write(toFile: folder + "/junk", atomically: false, encoding: .utf8)

            #expect(throws: KeyFileError.secretWherePublicWanted(path: folder + "/me.key")) {
                _ = try KeyFile.readPublic(folder + "/me.key")
            }
            #expect(throws: KeyFileError.publicWhereSecretWanted(path: folder + "/me.pub")) {
                _ = try KeyFile.readSecret(folder + "/me.pub")
            }
            #expect(throws: KeyFileError.notAKeyFile(path: folder + "/junk")) { _ = try KeyFile.read(folder + "/junk") }
            do throws(KeyFileError) {
                _ = try KeyFile.read(folder + "/missing.pub")
                Issue.record("a missing file was read")
            } catch {
                #expect(error.description == "cannot read '\(folder)/missing.pub': No such file or directory")
            }
            do throws(KeyFileError) {
                try KeyFile.writeSecret(pair, to: folder + "/no/such/folder/me.key")
                Issue.record("a key was written into a missing folder")
            } catch {
                guard case .unwritable = error else { throw error }
                #expect(error.description.hasPrefix("cannot write '\(folder)/no/such/folder/me.key': "))
            }
        }
    }
}
