import ArgumentParser
import Foundation
import LoaControlAPI

/// How `loa` trusts an https controller: a CA file, else the certificate pinned on first contact (shown to the
/// person at the terminal, as ssh does, or matched against a fingerprint given beforehand).
struct TLSOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Trust an https controller whose certificate a CA in this PEM file signed (default: $LOA_CA).")
    var ca: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The SHA-256 fingerprint the controller printed at start (default: $LOA_TLS_FINGERPRINT): pins its "
                + "certificate without asking, or re-pins a replaced one."))
    var trustFingerprint: String?

    /// The trust `ControlClient` uses for https; throws one line for a fingerprint that is not one.
    func trust() throws(CLIError) -> ServerTrust {
        let environment = ProcessInfo.processInfo.environment
        if let ca = ca ?? environment["LOA_CA"].flatMap({ $0.isEmpty ? nil : $0 }) { return .authority(file: ca) }
        var expected: CertificateFingerprint?
        if let text = trustFingerprint ?? environment["LOA_TLS_FINGERPRINT"] {
            guard let fingerprint = CertificateFingerprint(text: text) else {
                throw CLIError(
                    "'\(text)' is not a SHA-256 fingerprint: give the 64 hex digits the controller printed (AB:CD:…)")
            }
            expected = fingerprint
        }
        let ask: (@Sendable (String, CertificateFingerprint) -> Bool)? = isatty(0) == 1 ? Self.ask : nil
        return .pinned(.user, firstUse: .init(expected: expected, ask: ask))
    }

    /// Shows the fingerprint on stderr and reads "yes" from the terminal.
    @Sendable static func ask(controller: String, fingerprint: CertificateFingerprint) -> Bool {
        let question = """
            The controller at \(controller) is not known yet. Its TLS certificate's SHA-256 fingerprint is
              \(fingerprint)
            Compare it with the one loa-controller printed when it started. Trust it (yes/no)? 
            """
        FileHandle.standardError.write(Data(question.utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
    }
}
