import CSodium

/// Argon2id password hashes (libsodium's `crypto_pwhash_str`): what the controller stores for an account,
/// never the password itself.
///
/// A hash is a self-describing text (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with its own random salt, so two
/// accounts with one password store different texts. The cost is libsodium's interactive limits (64 MiB, two
/// passes): about 0.1 s a try on the commune server, which with the login throttle makes guessing slow.
public enum PasswordHash {
    /// The hash of `password`; nil only if the machine cannot spare the memory it needs.
    public static func make(_ password: String) -> String? {
        Sodium.start()
        var text = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let result = withCharacters(password) { characters, count in
            crypto_pwhash_str(
                &text, characters, UInt64(count), UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE),
                Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
        }
        guard result == 0 else { return nil }
        return String(cString: text)
    }

    /// True if `password` is the one `hash` was made from (compared in constant time by libsodium).
    public static func verify(_ password: String, against hash: String) -> Bool {
        Sodium.start()
        return hash.withCString { stored in
            withCharacters(password) { characters, count in
                crypto_pwhash_str_verify(stored, characters, UInt64(count)) == 0
            }
        }
    }

    /// Calls `body` with the UTF-8 bytes of `text` as C characters and their count (without the NUL after them).
    private static func withCharacters<T>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> T) -> T {
        let bytes = Array(text.utf8) + [0]
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!, $0.count - 1) }
        }
    }
}
