import Crypto
import NIOSSL

/// The SHA-256 fingerprint of a certificate's DER bytes, written as `openssl x509 -noout -fingerprint -sha256`
/// prints it (upper-case hex pairs joined by colons), so that a person can compare what the controller printed at
/// start with what the CLI shows.
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(der: [UInt8]) { bytes = Array(SHA256.hash(data: der)) }

    public init(_ certificate: NIOSSLCertificate) throws { try self.init(der: certificate.toDERBytes()) }

    /// Reads "AB:CD:…", "abcd…" or either with a "SHA256:" prefix (64 hex digits); nil for anything else.
    public init?(text: String) {
        var digits = text.trimmingPrefix("SHA256:").filter { $0 != ":" }
        if digits.hasPrefix("sha256:") { digits.removeFirst(7) }
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
