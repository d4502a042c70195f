import LoaControlAPI
import LoaController
import Testing

/// The `tls:` setting and the fingerprint text people compare: what is read, and what is refused with its line.
@Suite("TLS setting")
struct TLSSettingTests {
    @Test func plainHTTPUnlessTLSIsConfigured() throws {
        #expect(try ControllerConfiguration.parse("timezone: Asia/Bangkok\n", path: "c.yaml").tls == nil)
        #expect(try ControllerConfiguration.parse("tls: auto\n", path: "c.yaml").tls == .automatic)
        let files = try ControllerConfiguration.parse(
            "tls:\n  certificate: /etc/loa/tls.pem\n  key: /etc/loa/tls.key\n", path: "c.yaml")
        #expect(files.tls == .files(certificate: "/etc/loa/tls.pem", key: "/etc/loa/tls.key"))
    }

    @Test(arguments: ["tls: yes\n", "tls:\n  certificate: a.pem\n", "tls:\n  certificate: a\n  key: b\n  ca: c\n"])
    func aBadTLSSettingNamesItsLine(_ text: String) {
        #expect {
            try ControllerConfiguration.parse("timezone: Asia/Bangkok\n" + text, path: "c.yaml")
        } throws: { error in
            let message = (error as? ConfigurationError)?.message ?? ""
            return message.hasPrefix("c.yaml:") && message.contains("'tls' must be 'auto' or a mapping")
        }
    }

    @Test func fingerprintsReadAsOpenSSLPrintsThem() throws {
        let printed = (0..<32).map { _ in "A0" }.joined(separator: ":")
        let fingerprint = try #require(CertificateFingerprint(text: printed))
        #expect(fingerprint.description == printed)
        #expect(CertificateFingerprint(text: "SHA256:" + printed.lowercased()) == fingerprint)
        #expect(CertificateFingerprint(text: String(repeating: "a0", count: 32)) == fingerprint)
        #expect(CertificateFingerprint(text: String(repeating: "a0", count: 31)) == nil)
        #expect(CertificateFingerprint(text: String(repeating: "zz", count: 32)) == nil)
        #expect(CertificateFingerprint(der: [1, 2, 3]) != CertificateFingerprint(der: [1, 2, 4]))
    }
}
