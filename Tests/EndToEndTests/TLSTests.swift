import Foundation
import LoaTestSupport
import Testing

/// The control API over HTTPS: the controller's own certificate, `loa login` pinning it on first contact (as ssh
/// does) and every later command refusing another, a CA-signed certificate checked with `--ca`, and plain HTTP
/// only on loopback.
extension RealProcesses {
    @Suite("TLS")
    struct TLSTests {
        static func config(tls: String) -> String {
            """
            tls: \(tls)
            zones:
              - name: all
                group: 239.255.78.140:6180
                interface: 127.0.0.1
                ttl: 0
            """
        }

        /// The fingerprint the controller printed at start.
        func printedFingerprint(log: String) throws -> String {
            let text = try String(contentsOfFile: log, encoding: .utf8)
            let range = try #require(text.range(of: "TLS certificate SHA-256 fingerprint "))
            return String(text[range.upperBound...].prefix { $0.isHexDigit || $0 == ":" })
        }

        /// `loa login` as the test's admin (the password on standard input, as a script gives it).
        func logIn(_ harness: Harness, _ options: [String]) throws -> (status: Int32, out: String, err: String) {
            try harness.loa(
                ["login", "--user", Harness.adminName] + options, authenticated: false,
                input: Harness.adminPassword + "\n")
        }

        @Test func loginPinsTheCertificateOnFirstUseAndLaterCommandsRefuseAnother() throws {
            let harness = try Harness(groupOctet: 140)
            try Self.config(tls: "auto").write(toFile: harness.path("tls.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("tls.yaml"), logIn: false)
            #expect(harness.controllerURL.hasPrefix("https://127.0.0.1:"))
            let port = String(try #require(harness.controllerURL.split(separator: ":").last))
            let fingerprint = try printedFingerprint(log: harness.path("controller.log"))
            #expect(fingerprint.count == 95)

            // The served certificate is the one in STATE/tls, and its fingerprint the one printed.
            let certificate = harness.path("state/tls/certificate.pem")
            let curl = try harness.run(
                "/usr/bin/curl", ["-sf", "--cacert", certificate, harness.controllerURL + "/health"])
            #expect(curl.status == 0)
            #expect(try harness.run("/usr/bin/curl", ["-sf", harness.controllerURL + "/health"]).status != 0)
            let served = try harness.run(
                "/bin/sh",
                [
                    "-c",
                    "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null"
                        + " | openssl x509 -noout -fingerprint -sha256",
                ])
            #expect(served.out.contains("=" + fingerprint))
            let key = try FileManager.default.attributesOfItem(atPath: harness.path("state/tls/key.pem"))
            #expect((key[.posixPermissions] as? Int) == 0o600)

            // Plain http to the TLS port is no way in.
            let plain = try harness.loa(
                ["status", "--controller", "http://127.0.0.1:\(port)"], controller: false, authenticated: false)
            #expect(plain.status != 0)

            // First contact without a terminal or a fingerprint: refused, with the fingerprint to compare.
            let unknown = try logIn(harness, [])
            #expect(unknown.status != 0)
            #expect(unknown.err.contains("not yet trusted"))
            #expect(unknown.err.contains(fingerprint))
            #expect(unknown.err.split(separator: "\n").count == 1)
            // A wrong fingerprint given beforehand: refused, nothing pinned, no session.
            let wrong = String(repeating: "AB:", count: 31) + "AB"
            let refused = try logIn(harness, ["--trust-fingerprint", wrong])
            #expect(refused.status != 0)
            #expect(refused.err.contains("not the one given"))
            #expect(refused.err.split(separator: "\n").count == 1)
            let pinFile = harness.path("config/loa/pins/127.0.0.1_\(port).pem")
            let tokenFile = harness.path("config/loa/tokens")
            #expect(!FileManager.default.fileExists(atPath: pinFile))
            #expect(!FileManager.default.fileExists(atPath: tokenFile))

            // The right one: pinned beside the session (both 0600), and later commands use both.
            let first = try logIn(harness, ["--trust-fingerprint", fingerprint])
            #expect(first.status == 0, "\(first.err)")
            for file in [pinFile, tokenFile] {
                let attributes = try FileManager.default.attributesOfItem(atPath: file)
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(file)")
            }
            let status = try harness.loa(["status", "--json"], authenticated: false)
            #expect(status.status == 0, "\(status.err)")
            #expect(status.out.contains("\"all\""))

            // Another controller, with another certificate, on the same address: the pinned CLI refuses it.
            let controller = try #require(harness.controller)
            harness.stop(controller)
            let impostor = try harness.launch(
                "loa-controller",
                [
                    "--state-dir", harness.path("impostor"), "--config", harness.path("tls.yaml"), "--listen",
                    "127.0.0.1:\(port)", "--heartbeat-port", "0", "--keys", harness.ceremony,
                ], stderr: harness.path("impostor.log"))
            defer { harness.stop(impostor) }
            _ = try harness.waitFor("the second controller", timeout: 60) { () -> Bool? in
                guard impostor.isRunning else { return false }
                let text = (try? String(contentsOfFile: harness.path("impostor.log"), encoding: .utf8)) ?? ""
                return text.contains("listening on 127.0.0.1:") ? true : nil
            }
            let other = try printedFingerprint(log: harness.path("impostor.log"))
            #expect(other != fingerprint)
            let changed = try harness.loa(["status"], authenticated: false)
            #expect(changed.status != 0)
            #expect(changed.err.contains("presents a different certificate"))
            #expect(changed.err.contains(fingerprint) && changed.err.contains("--trust-fingerprint \(other)"))
            #expect(changed.err.split(separator: "\n").count == 1)
            let pinned = try String(contentsOfFile: pinFile, encoding: .utf8)
            #expect(
                try harness.run("/usr/bin/openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", pinFile])
                    .out.contains("=" + fingerprint), "\(pinned)")
        }

        @Test func onATerminalTheFingerprintIsShownAndAskedAsSSHDoes() throws {
            let harness = try Harness(groupOctet: 145)
            try Self.config(tls: "auto").write(toFile: harness.path("tls.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("tls.yaml"), logIn: false)
            let fingerprint = try printedFingerprint(log: harness.path("controller.log"))
            let port = String(try #require(harness.controllerURL.split(separator: ":").last))
            let pinFile = harness.path("config/loa/pins/127.0.0.1_\(port).pem")
            let loa = Harness.binaries.appendingPathComponent("loa").path
            /// `loa ARGUMENTS` on a terminal (a pty from script(1)) with `answer` typed.
            func onATerminal(_ arguments: String, answer: String) throws -> (status: Int32, out: String) {
                let result = try harness.run(
                    "/usr/bin/script",
                    ["-qec", "\(loa) \(arguments) --controller \(harness.controllerURL)", "/dev/null"],
                    authenticated: false, input: answer + "\n")
                return (result.status, result.out)
            }

            // "no": nothing pinned, nothing sent, the password never asked.
            let declined = try onATerminal("login --user \(Harness.adminName)", answer: "no")
            #expect(declined.status != 0)
            #expect(declined.out.contains("is not known yet"))
            #expect(declined.out.contains(fingerprint))
            #expect(declined.out.contains("was not trusted; nothing was sent"))
            #expect(!declined.out.contains("Password"))
            #expect(!FileManager.default.fileExists(atPath: pinFile))
            // "yes": pinned (the command itself then needs a session, which this one has not).
            let accepted = try onATerminal("status", answer: "yes")
            #expect(accepted.out.contains(fingerprint))
            #expect(FileManager.default.fileExists(atPath: pinFile))
            let pinned = try harness.run(
                "/usr/bin/openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", pinFile])
            #expect(pinned.out.contains("=" + fingerprint))
        }

        @Test func aCertificateSignedByACAIsCheckedWithCA() throws {
            let harness = try Harness(groupOctet: 142)
            // The commune's own CA and a server certificate it signed, naming 127.0.0.1; and an unrelated CA.
            let openssl = "/usr/bin/openssl"
            for name in ["ca", "other-ca"] {
                let made = try harness.run(
                    openssl,
                    [
                        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                        "-subj", "/CN=Loa test \(name)", "-keyout", harness.path("\(name).key"), "-out",
                        harness.path("\(name).pem"),
                    ])
                #expect(made.status == 0, "\(made.err)")
            }
            let request = try harness.run(
                openssl,
                [
                    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                    "/CN=controller", "-keyout", harness.path("server.key"), "-out", harness.path("server.csr"),
                ])
            #expect(request.status == 0, "\(request.err)")
            try "subjectAltName=IP:127.0.0.1\n".write(
                toFile: harness.path("san.ext"), atomically: true, encoding: .utf8)
            let signed = try harness.run(
                openssl,
                [
                    "x509", "-req", "-in", harness.path("server.csr"), "-CA", harness.path("ca.pem"), "-CAkey",
                    harness.path("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", harness.path("san.ext"),
                    "-out", harness.path("server.pem"),
                ])
            #expect(signed.status == 0, "\(signed.err)")
            let tls = "{certificate: \(harness.path("server.pem")), key: \(harness.path("server.key"))}"
            try Self.config(tls: tls).write(toFile: harness.path("tls.yaml"), atomically: true, encoding: .utf8)
            try harness.startController(config: harness.path("tls.yaml"), logIn: false)
            #expect(!FileManager.default.fileExists(atPath: harness.path("state/tls")), "no certificate of its own")

            let login = try logIn(harness, ["--ca", harness.path("ca.pem")])
            #expect(login.status == 0, "\(login.err)")
            let status = try harness.loa(["status", "--ca", harness.path("ca.pem")], authenticated: false)
            #expect(status.status == 0, "\(status.err)")
            let loa = Harness.binaries.appendingPathComponent("loa").path
            let fromEnvironment = try harness.run(
                "/usr/bin/env",
                ["LOA_CA=\(harness.path("ca.pem"))", loa, "status", "--controller", harness.controllerURL],
                authenticated: false)
            #expect(fromEnvironment.status == 0, "LOA_CA: \(fromEnvironment.err)")
            // Another CA's file does not vouch for it; nothing is pinned on the way.
            let stranger = try harness.loa(["status", "--ca", harness.path("other-ca.pem")], authenticated: false)
            #expect(stranger.status != 0)
            #expect(stranger.err.contains("that no CA in \(harness.path("other-ca.pem")) signed"))
            #expect(stranger.err.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: harness.path("config/loa/pins")))
        }

        @Test func plainHTTPOffLoopbackRefusesToStart() throws {
            let harness = try Harness(groupOctet: 141)
            let result = try harness.run(
                Harness.binaries.appendingPathComponent("loa-controller").path,
                ["--state-dir", harness.path("state"), "--listen", "0.0.0.0:0"])
            #expect(result.status != 0)
            #expect(result.err.contains("refusing to serve the control API on 0.0.0.0 over plain HTTP"))
            #expect(result.err.contains("tls:"))
            #expect(result.err.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: harness.path("state")))
        }
    }
}
