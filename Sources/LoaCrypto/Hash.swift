import CSodium

/// SHA-256 (libsodium), for naming a clip in a signed command.
public enum SHA256 {
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Sodium.start()
        var digest = [UInt8](repeating: 0, count: 32)
        _ = crypto_hash_sha256(&digest, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        return digest
    }

    public static func hash(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { hash($0) } }
}

/// Random bytes from the operating system (libsodium).
public enum RandomBytes {
    public static func make(_ count: Int) -> [UInt8] {
        Sodium.start()
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }
}
