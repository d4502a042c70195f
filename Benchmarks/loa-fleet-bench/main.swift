// loa-fleet-bench: one real loa-controller ingesting authenticated heartbeats from N simulated receivers on
// this machine (127.0.0.1 only), then N_SILENT of them falling silent.
//
//   swift build -c release --product loa-controller --product loa-fleet-bench
//   .build/release/loa-fleet-bench [--receivers 10000] [--seconds 30] [--silent 100]
//
// Reports the controller's CPU use while it takes N heartbeats per second, heartbeats sent / accepted /
// rejected / dropped by the kernel, and the delay from each silent receiver's last heartbeat to its
// offline alert. See README "Fleet", "At province scale".
//
//   .build/release/loa-fleet-bench --receivers 1000 --deliver-minutes 5 [--fetch-kbps 64]
//
// Instead: a bulletin of that many minutes (pink noise, the zone's full bitrate) queued for half an hour later is
// delivered ahead to every receiver (issue 15): each takes the controller's offer, asks for the chunks it lacks at
// most --fetch-kbps on average as a box does, and checks every byte against the controller's clip file. Reports the
// time until every receiver holds it whole, the bytes sent, and the controller's CPU use meanwhile.
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

var receivers = 10_000
var seconds = 30
var silent = 100
var deliverMinutes = 0
var fetchKilobitsPerSecond = 64
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst().flatMap({ Int($0) }) else {
        fatalError("usage: loa-fleet-bench [--receivers N] [--seconds S] [--silent N] [--deliver-minutes M]")
    }
    switch flag {
    case "--receivers": receivers = value
    case "--seconds": seconds = value
    case "--silent": silent = value
    case "--deliver-minutes": deliverMinutes = value
    case "--fetch-kbps": fetchKilobitsPerSecond = value
    default: fatalError("unknown flag \(flag)")
    }
}

@MainActor func log(_ line: String) { FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8)) }

// The controller, from the same build folder.
let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let work = FileManager.default.temporaryDirectory.appendingPathComponent("loa-fleet-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
try """
zones:
  - name: all
    group: 239.255.78.59:6118
    interface: 127.0.0.1
    ttl: 0
limits:
  pending-boxes: 100000
  enrolments-per-second: 1000
""".write(to: work.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
let controllerLog = work.appendingPathComponent("controller.log")
FileManager.default.createFile(atPath: controllerLog.path, contents: nil)
let ceremony = Process()  // the key ceremony; the root key stays in work/ceremony
ceremony.executableURL = binaries.appendingPathComponent("loa")
ceremony.arguments = ["keys", "init-root", "--out", work.appendingPathComponent("ceremony").path]
ceremony.standardOutput = FileHandle.nullDevice
try ceremony.run()
ceremony.waitUntilExit()
// The operator plane: an admin account made on the server, as an operator would, to log in with.
let password = "fleet-bench-password"
let admin = Process()
admin.executableURL = binaries.appendingPathComponent("loa-controller")
admin.arguments = [
    "admin", "add", "bench", "--role", "admin", "--state-dir", work.appendingPathComponent("state").path,
]
let adminInput = Pipe()
admin.standardInput = adminInput
admin.standardOutput = FileHandle.nullDevice
try admin.run()
adminInput.fileHandleForWriting.write(Data((password + "\n").utf8))
try adminInput.fileHandleForWriting.close()
admin.waitUntilExit()
let controller = Process()
controller.executableURL = binaries.appendingPathComponent("loa-controller")
controller.arguments = [
    "--state-dir", work.appendingPathComponent("state").path, "--config", work.appendingPathComponent("c.yaml").path,
    "--listen", "127.0.0.1:0", "--heartbeat-port", "0", "--keys", work.appendingPathComponent("ceremony").path,
]
controller.standardError = try FileHandle(forWritingTo: controllerLog)
try controller.run()
defer {
    controller.terminate()
    controller.waitUntilExit()
}
/// The port the controller's log names after `marker` ("heartbeats on udp://127.0.0.1:", "control API on
/// http://127.0.0.1:"), once it does.
func loggedPort(after marker: String) -> Int {
    for _ in 0..<300 {
        let text = (try? String(contentsOf: controllerLog, encoding: .utf8)) ?? ""
        if let range = text.range(of: marker), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
            return port
        }
        Thread.sleep(forTimeInterval: 0.1)
    }
    fatalError("the controller did not start: \((try? String(contentsOf: controllerLog, encoding: .utf8)) ?? "")")
}
let controllerPort = loggedPort(after: "heartbeats on udp://127.0.0.1:")
let base = "http://127.0.0.1:\(loggedPort(after: "control API on http://[IPv4]127.0.0.1/127.0.0.1:"))"
log("controller pid \(controller.processIdentifier) on \(base)")

nonisolated(unsafe) var token = ""

@MainActor func http(_ method: String, _ path: String, body: Data? = nil) -> Data {
    var request = URLRequest(url: URL(string: base + path)!)
    request.httpMethod = method
    request.httpBody = body
    if !token.isEmpty { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
    request.timeoutInterval = 120
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result = Data()
    URLSession.shared.dataTask(with: request) { data, _, _ in
        result = data ?? Data()
        done.signal()
    }.resume()
    done.wait()
    return result
}

let login = try JSONSerialization.jsonObject(
    with: http("POST", "/login", body: Data("{\"name\":\"bench\",\"password\":\"\(password)\"}".utf8)))
token = (login as? [String: Any])?["token"] as? String ?? ""
guard !token.isEmpty else { fatalError("cannot log in to the controller") }

@MainActor func metric(_ name: String) -> Double {
    let text = String(decoding: http("GET", "/metrics"), as: UTF8.self)
    return text.split(separator: "\n").filter { $0.hasPrefix(name) }.compactMap {
        Double($0.split(separator: " ").last ?? "")
    }.reduce(0, +)
}

/// utime + stime of the controller, in seconds.
@MainActor func controllerCPU() -> Double {
    let stat = (try? String(contentsOfFile: "/proc/\(controller.processIdentifier)/stat", encoding: .utf8)) ?? ""
    let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
    return (Double(fields[11])! + Double(fields[12])!) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Datagrams the kernel dropped at the controller's UDP socket (/proc/net/udp "drops").
@MainActor func kernelDrops() -> Int {
    let hexPort = String(format: "%04X", controllerPort)
    let table = (try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8)) ?? ""
    for line in table.split(separator: "\n") where line.contains(":\(hexPort) ") && line.contains("0100007F:\(hexPort)")
    {
        return Int(line.split(separator: " ").last ?? "0") ?? 0
    }
    return 0
}

// N identities, spread over a few sockets.
log("making \(receivers) identities")
let keys = (0..<receivers).map { _ in SigningKeyPair.generate() }
let ids = keys.map { ReceiverID(publicKey: $0.publicKey) }
let sockets = try (0..<8).map { _ in
    let socket = try UDPSocket()
    try socket.bind(SocketAddress(address: IPv4Address("127.0.0.1")!, port: 0))
    return socket
}
let target = SocketAddress(address: IPv4Address("127.0.0.1")!, port: UInt16(controllerPort))
let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
var sequences = [UInt32](repeating: 0, count: receivers)

@MainActor func send(_ index: Int, key: MessageKey?) {
    sequences[index] += 1
    let heartbeat = Heartbeat(
        receiver: ids[index], epoch: 1, sequence: sequences[index], intervalMilliseconds: 1000,
        uptimeSeconds: sequences[index],
        playing: true, volume: 100, streamID: 0x1234, jitterDepthFrames: 3, received: sequences[index] * 50,
        version: "bench", zones: ["all"])
    let message: FleetMessage =
        key == nil ? .enrolment(heartbeat, publicKey: keys[index].publicKey) : .heartbeat(heartbeat)
    let length = FleetAuthentication.write(message, into: buffer, signer: keys[index], key: key)
    sockets[index % sockets.count].send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: target)
}

// Enrolment at the rate the controller checks signatures (1000/s), then approval of all.
log("enrolling")
var enrolled = 0.0
while enrolled < Double(receivers) {
    let start = Date()
    for index in 0..<receivers {
        if index % 900 == 899 { Thread.sleep(forTimeInterval: 1.0) }  // under the controller's 1000 signatures/s
        send(index, key: nil)
    }
    Thread.sleep(forTimeInterval: 1.5)
    enrolled = metric("loa_receivers{state=\"pending\"}")
    log("pending: \(Int(enrolled)) after \(Int(Date().timeIntervalSince(start))) s")
}
// The keys first, so that heartbeats follow the approval at once (approval starts each box's grace period).
let fleet = try JSONSerialization.jsonObject(with: http("GET", "/fleet")) as! [String: String]
let controllerKey = KeyText.bytes(base64: fleet["controllerKey"]!)!
let shared = keys.map { $0.sharedKey(receiver: $0.publicKey, controller: controllerKey)! }
// Into the zone: a delivery goes to the boxes of the zone that airs the bulletin.
log("approving: \(String(decoding: http("POST", "/receivers/approve-pending?zone=all"), as: UTF8.self))")

if deliverMinutes > 0 {
    try deliver(minutes: deliverMinutes)
    exit(0)
}

// Steady state: every receiver once a second, evenly spread.
@MainActor func run(seconds: Int, skipping skipped: Range<Int>, lastSent: inout [Double]) {
    let period = 1.0 / Double(receivers)
    let start = Date().timeIntervalSince1970
    var next = 0
    let total = seconds * receivers
    while next < total {
        let now = Date().timeIntervalSince1970
        let due = min(total, Int((now - start) / period) + 1)
        while next < due {
            let index = next % receivers
            if !skipped.contains(index) {
                send(index, key: shared[index])
                lastSent[index] = Date().timeIntervalSince1970
            }
            next += 1
        }
        usleep(500)
    }
}
var lastSent = [Double](repeating: 0, count: receivers)
log("warming up 5 s")
run(seconds: 5, skipping: 0..<0, lastSent: &lastSent)
let acceptedBefore = metric("loa_heartbeats_accepted_total")
let rejectedBefore = metric("loa_heartbeats_rejected_total")
let dropsBefore = kernelDrops()
let cpuBefore = controllerCPU()
let wallBefore = Date()
log("measuring \(seconds) s at \(receivers) heartbeats/s")
run(seconds: seconds, skipping: 0..<0, lastSent: &lastSent)
let wall = Date().timeIntervalSince(wallBefore)
let cpu = controllerCPU() - cpuBefore
Thread.sleep(forTimeInterval: 0.5)
let sent = seconds * receivers
let accepted = metric("loa_heartbeats_accepted_total") - acceptedBefore
let rejected = metric("loa_heartbeats_rejected_total") - rejectedBefore
let drops = kernelDrops() - dropsBefore

log("silencing \(silent) receivers")
run(seconds: 8, skipping: 0..<silent, lastSent: &lastSent)
let alerts = try JSONSerialization.jsonObject(with: http("GET", "/alerts")) as! [[String: Any]]
let formatter = ISO8601DateFormatter()
formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
var delays: [Double] = []
let silentIDs = Dictionary(uniqueKeysWithValues: (0..<silent).map { (ids[$0].text, $0) })
for alert in alerts where alert["kind"] as? String == "offline" {
    guard let index = silentIDs[alert["receiver"] as? String ?? ""],
        let at = formatter.date(from: alert["at"] as? String ?? "")
    else { continue }
    delays.append(at.timeIntervalSince1970 - lastSent[index])
}
delays.sort()
let falseAlarms = alerts.filter {
    $0["kind"] as? String == "offline" && silentIDs[$0["receiver"] as? String ?? ""] == nil
}.count

print("receivers:                       \(receivers), 1 heartbeat/s each, \(seconds) s measured")
print(
    "controller CPU:                  \(String(format: "%.1f", cpu / wall * 100)) % of one core (\(String(format: "%.2f", cpu)) s in \(String(format: "%.1f", wall)) s)"
)
print("heartbeats sent / accepted:      \(sent) / \(Int(accepted)) (rejected \(Int(rejected)), kernel drops \(drops))")
print("offline alerts for silent boxes: \(delays.count) of \(silent); false alarms: \(falseAlarms)")
if !delays.isEmpty {
    print(
        "last heartbeat → offline alert:  median \(String(format: "%.2f", delays[delays.count / 2])) s, max \(String(format: "%.2f", delays.last!)) s (goal ≤ 3 intervals + 1 s = 4 s)"
    )
}
