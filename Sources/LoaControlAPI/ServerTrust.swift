import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// How `ControlClient` decides that an https controller is the right one: a CA it was given, or the certificate
/// pinned for that controller (trust on first use, as ssh does).
public enum ServerTrust: Sendable {
    /// The chain must lead to a certificate in this PEM file, and name the controller's host.
    case authority(file: String)
    /// The certificate pinned in `pins` for the controller; on first contact `firstUse` decides.
    case pinned(PinStore, firstUse: FirstUse)

    /// What to do with a certificate no pin names yet.
    public struct FirstUse: Sendable {
        /// A fingerprint given beforehand (`--trust-fingerprint`, `LOA_TLS_FINGERPRINT`): the certificate is
        /// pinned if it matches, refused if not, and no one is asked. It also re-pins a changed certificate.
        public var expected: CertificateFingerprint?
        /// Shows the fingerprint to a person and answers whether they trust it; nil where no one can be asked.
        public var ask: (@Sendable (_ controller: String, _ fingerprint: CertificateFingerprint) -> Bool)?

        public init(
            expected: CertificateFingerprint?,
            ask: (@Sendable (_ controller: String, _ fingerprint: CertificateFingerprint) -> Bool)?
        ) {
            self.expected = expected
            self.ask = ask
        }
    }

    /// The TLS configuration for requests to `host:port`: pins the presented certificate first if it must.
    /// Throws one line when the certificate is not trusted.
    func configuration(host: String, port: Int) async throws(ControlClientError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch self {
        case .authority(let file):
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ControlClientError("cannot read the CA file '\(file)' (--ca); give a PEM certificate file")
            }
            configuration.trustRoots = .file(file)
        case .pinned(let pins, let firstUse):
            let controller = "\(host):\(port)"
            var pinned = pins.certificate(for: controller)
            if let expected = firstUse.expected, pinned.flatMap({ try? CertificateFingerprint($0) }) != expected {
                let presented = try await CertificateProbe.presented(host: host, port: port)
                let fingerprint = try CertificateProbe.fingerprint(presented)
                guard fingerprint == expected else {
                    throw ControlClientError(
                        "the controller at \(controller) presents a certificate with SHA-256 fingerprint \(fingerprint), "
                            + "not the one given (\(expected)); not trusted: check the fingerprint the controller printed"
                    )
                }
                try pins.pin(presented, for: controller)
                pinned = presented
            }
            if pinned == nil {
                let presented = try await CertificateProbe.presented(host: host, port: port)
                let fingerprint = try CertificateProbe.fingerprint(presented)
                guard let ask = firstUse.ask else {
                    throw ControlClientError(
                        "the controller at \(controller) is not yet trusted (certificate SHA-256 \(fingerprint)); "
                            + "compare with the fingerprint it printed at start, then pass --trust-fingerprint "
                            + "or LOA_TLS_FINGERPRINT, or run the command on a terminal to be asked")
                }
                guard ask(controller, fingerprint) else {
                    throw ControlClientError("the controller at \(controller) was not trusted; nothing was sent")
                }
                try pins.pin(presented, for: controller)
                pinned = presented
            }
            guard let pinned else { throw ControlClientError("no certificate is pinned for \(controller)") }
            // Only the pinned certificate itself is a trust root; its names need not match the address used.
            configuration.trustRoots = .certificates([pinned])
            configuration.certificateVerification = .noHostnameVerification
        }
        // A refused certificate is said at once, in one line, rather than after the HTTP client's retries.
        guard try await CertificateProbe.accepts(configuration, host: host, port: port) else {
            throw ControlClientError(
                await explain(host: host, port: port)
                    ?? "the controller at \(host):\(port) presents a certificate that is not trusted; nothing was sent")
        }
        return configuration
    }

    /// The line for a request to `host:port` that failed with `error`: if a pinned controller now presents
    /// another certificate, says so and how to re-pin; nil when the certificate is not the cause.
    func explain(host: String, port: Int) async -> String? {
        let controller = "\(host):\(port)"
        if case .authority(let file) = self {
            guard let presented = try? await CertificateProbe.presented(host: host, port: port),
                let fingerprint = try? CertificateFingerprint(presented)
            else { return nil }
            return "the controller at \(controller) presents a certificate (SHA-256 \(fingerprint)) that no CA in "
                + "\(file) signed for \(host), so nothing was sent: give --ca the CA that signed it, or check who "
                + "answers at that address"
        }
        guard case .pinned(let pins, _) = self else { return nil }
        guard let pinned = pins.certificate(for: controller), let was = try? CertificateFingerprint(pinned),
            let presented = try? await CertificateProbe.presented(host: host, port: port),
            let now = try? CertificateFingerprint(presented), now != was
        else { return nil }
        return "the controller at \(controller) presents a different certificate (SHA-256 \(now)) from the one pinned "
            + "in \(pins.path(for: controller)) (\(was)), so nothing was sent: someone may be in between; if the "
            + "controller's certificate was replaced on purpose, check the new fingerprint with its operator and run "
            + "again with --trust-fingerprint \(now)"
    }
}

/// The certificates the user has trusted, one PEM file per controller (`HOST_PORT.pem`, mode 0600) in a folder
/// of the user's configuration (mode 0700).
public struct PinStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// `$XDG_CONFIG_HOME/loa/pins`, else `~/.config/loa/pins`.
    public static var user: PinStore {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.config"
        return PinStore(directory: base + "/loa/pins")
    }

    public func path(for controller: String) -> String {
        directory + "/" + controller.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" } + ".pem"
    }

    /// The pinned certificate, nil if none is (or the file is not a certificate).
    public func certificate(for controller: String) -> NIOSSLCertificate? {
        try? NIOSSLCertificate.fromPEMFile(path(for: controller)).first
    }

    func pin(_ certificate: NIOSSLCertificate, for controller: String) throws(ControlClientError) {
        let path = path(for: controller)
        do {
            let der = try certificate.toDERBytes()
            let lines = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            let pem = "-----BEGIN CERTIFICATE-----\n\(lines)\n-----END CERTIFICATE-----\n"
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = path + ".new"
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: Data(pem.utf8), attributes: [.posixPermissions: 0o600]),
                rename(temporary, path) == 0
            else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw ControlClientError(
                "cannot pin the controller's certificate in \(path): \(error.localizedDescription)")
        }
    }
}

/// Reads the certificate a TLS server presents, trusting nothing: the handshake stops once it is seen.
enum CertificateProbe {
    static func presented(host: String, port: Int) async throws(ControlClientError) -> NIOSSLCertificate {
        let seen = NIOLockedValueBox<NIOSSLCertificate?>(nil)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        try await handshake(host: host, port: port, configuration: configuration) { context in
            [
                try NIOSSLClientHandler(
                    context: context, serverHostname: nil,
                    customVerificationCallback: { certificates, verdict in
                        seen.withLockedValue { $0 = certificates.first }
                        verdict.succeed(.failed)
                    })
            ]
        }
        guard let certificate = seen.withLockedValue({ $0 }) else {
            throw ControlClientError("the controller at \(host):\(port) presented no TLS certificate (is it https?)")
        }
        return certificate
    }

    /// Whether a handshake with `configuration` (trusting as a request will) succeeds: false if the presented
    /// certificate is refused; throws one line if no TLS server answers.
    static func accepts(_ configuration: TLSConfiguration, host: String, port: Int) async throws(ControlClientError)
        -> Bool
    {
        let outcome = NIOLockedValueBox<Bool?>(nil)
        let isAddress = host.contains(":") || IPv4Parts.isAddress(host)
        try await handshake(host: host, port: port, configuration: configuration) { context in
            [
                try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host),
                HandshakeOutcome(outcome: outcome),
            ]
        }
        return outcome.withLockedValue { $0 } ?? false
    }

    /// Connects to `host:port` with the handlers `handlers` makes (given the TLS context of `configuration`)
    /// and waits until the connection closes, at most 10 s. Throws one line if no server answers.
    private static func handshake(
        host: String, port: Int, configuration: TLSConfiguration,
        _ handlers: @escaping @Sendable (NIOSSLContext) throws -> [any ChannelHandler]
    ) async throws(ControlClientError) {
        do {
            let context = try NIOSSLContext(configuration: configuration)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(handlers(context))
                    }
                }
                .connect(host: host, port: port).get()
            channel.eventLoop.scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
        } catch {
            throw ControlClientError("cannot reach the controller at \(host):\(port) over TLS: \(error)")
        }
    }

    static func fingerprint(_ certificate: NIOSSLCertificate) throws(ControlClientError) -> CertificateFingerprint {
        do { return try CertificateFingerprint(certificate) } catch {
            throw ControlClientError("the controller's certificate cannot be read: \(error)")
        }
    }
}

/// Notes how a probe's handshake ended (completed, or an error such as a refused certificate) and closes it.
private final class HandshakeOutcome: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let outcome: NIOLockedValueBox<Bool?>

    init(outcome: NIOLockedValueBox<Bool?>) { self.outcome = outcome }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            outcome.withLockedValue { $0 = $0 ?? true }
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        outcome.withLockedValue { $0 = $0 ?? false }
        context.close(promise: nil)
    }
}
