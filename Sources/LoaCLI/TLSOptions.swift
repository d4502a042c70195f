import ArgumentParser
import Foundation
import LoaControlAPI

/// How `loa` trusts an https controller: a CA file, else the certificate pinned on first contact (shown to the
/// person at the terminal, as ssh does, or matched against a fingerprint given beforehand).
struct TLSOptions: ParsableArguments {
    @Option(name: .long, help: Message.caHelp.help)
    var ca: String?

    @Option(name: .long, help: Message.fingerprintHelp.help)
    var trustFingerprint: String?

    /// The trust `ControlClient` uses for https; throws one line for a fingerprint that is not one.
    func trust() throws(CLIError) -> ServerTrust {
        let environment = ProcessInfo.processInfo.environment
        if let ca = ca ?? environment["LOA_CA"].flatMap({ $0.isEmpty ? nil : $0 }) { return .authority(file: ca) }
        var expected: CertificateFingerprint?
        if let text = trustFingerprint ?? environment["LOA_TLS_FINGERPRINT"] {
            guard let fingerprint = CertificateFingerprint(text: text) else {
                throw CLIError(.badFingerprint, text)
            }
            expected = fingerprint
        }
        let ask: (@Sendable (String, CertificateFingerprint) -> Bool)? = isatty(0) == 1 ? Self.ask : nil
        return .pinned(.user, firstUse: .init(expected: expected, ask: ask))
    }

    /// Shows the fingerprint on stderr and reads "yes" from the terminal.
    @Sendable static func ask(controller: String, fingerprint: CertificateFingerprint) -> Bool {
        let question = Message.trustQuestion.text(controller, fingerprint)
        FileHandle.standardError.write(Data(question.utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
    }
}
