import Crypto
import Foundation
import LoaControlAPI
import LoaSystem
import NIOSSL
import SwiftASN1
import X509

/// The `tls:` setting of the controller's configuration: a certificate and key it is given, or `auto`.
public enum TLSSetting: Sendable, Equatable {
    /// `tls: {certificate: FILE, key: FILE}` (PEM files; the certificate file may hold the whole chain).
    case files(certificate: String, key: String)
    /// `tls: auto`: a self-signed certificate made at first start and kept in `STATE/tls/`.
    case automatic
}

/// The certificate chain and key the control API serves over TLS, and the fingerprint people pin.
struct ServedCertificate {
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    /// SHA-256 of the leaf certificate, as `loa` shows it and `openssl x509 -fingerprint -sha256` prints it.
    let fingerprint: CertificateFingerprint

    /// The server side of TLS 1.2 and later with this chain and key.
    var configuration: TLSConfiguration {
        .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }

    /// Loads the configured files, or for `.automatic` the certificate in `STATE/tls/` (made there at first start,
    /// naming `hosts`; the key 0600 in a 0700 folder). Throws one line for the operator.
    static func load(_ setting: TLSSetting, stateDirectory: URL, hosts: [String]) throws(ControllerError)
        -> ServedCertificate
    {
        let certificatePath: String
        let keyPath: String
        switch setting {
        case .files(let certificate, let key): (certificatePath, keyPath) = (certificate, key)
        case .automatic:
            let directory = stateDirectory.appendingPathComponent("tls").path
            (certificatePath, keyPath) = (directory + "/certificate.pem", directory + "/key.pem")
            let files = FileManager.default
            switch (files.fileExists(atPath: certificatePath), files.fileExists(atPath: keyPath)) {
            case (false, false):
                try make(directory: directory, certificate: certificatePath, key: keyPath, hosts: hosts)
            case (true, true): break
            default:
                throw ControllerError(
                    "\(directory) holds only one of certificate.pem and key.pem; restore the other, or remove both "
                        + "to make a new certificate (every loa that pinned the old one will then refuse it)")
            }
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            guard let leaf = chain.first else { throw ControllerError("\(certificatePath) holds no certificate") }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            return ServedCertificate(chain: chain, key: key, fingerprint: try CertificateFingerprint(leaf))
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(
                "cannot read the TLS certificate \(certificatePath) and key \(keyPath) (PEM files expected): \(error)")
        }
    }

    /// Makes a self-signed P-256 certificate valid for ten years, naming `hosts` and this machine's name.
    private static func make(directory: String, certificate: String, key: String, hosts: [String])
        throws(ControllerError)
    {
        do {
            let privateKey = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName("loa-controller") }
            let now = Date()
            var names: [GeneralName] = [
                .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1][...])),
            ]
            for host in Set(hosts + [ProcessInfo.processInfo.hostName]) where !host.isEmpty && host != "localhost" {
                if let address = IPv4Address(host) {
                    let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: address.value >> $0) }
                    if address != .any { names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...]))) }
                } else {
                    names.append(.dnsName(host))
                }
            }
            let extensions = try Certificate.Extensions {
                // Its own issuer: BoringSSL (loa's pin) takes a self-signed certificate as a trust root only
                // if it may sign certificates; path length 0, so it can vouch for nothing but itself.
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            }
            let made = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(privateKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3650 * 86400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: .init(privateKey))
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileSystem.replace(key, with: privateKey.pemRepresentation + "\n", permissions: 0o600)
            try FileSystem.replace(certificate, with: try made.serializeAsPEM().pemString + "\n")
        } catch {
            throw ControllerError("cannot make the TLS certificate in \(directory): \(error)")
        }
    }
}

/// Where plain HTTP may be served: only this host can reach a loopback address.
enum ListenRule {
    /// Nil if `host` may serve the API with `tls`; else the line that says why not and what to do.
    static func refusal(host: String, tls: TLSSetting?) -> String? {
        guard tls == nil, !LoopbackHost.contains(host) else { return nil }
        return "refusing to serve the control API on \(host) over plain HTTP: anyone on that network could read and "
            + "change the programme; configure 'tls:' (certificate and key files, or 'tls: auto') in the "
            + "configuration file, or listen on 127.0.0.1"
    }
}
