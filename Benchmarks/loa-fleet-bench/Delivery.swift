import Foundation
import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire

/// One simulated box's download of the bulletin, as `ClipFetcher` does it: the bytes held in order from 0, the next
/// request's time at the box's average rate, and when it held the clip whole.
struct Download {
    var item: UInt64 = 0
    var size = 0
    var have = 0
    var nextRequest = 0.0
    var whole: Double?
    var outOfOrder = 0
}

/// Delivers a bulletin of `minutes` minutes ahead to every simulated receiver (see the header of main.swift) and
/// prints what it took.
@MainActor func deliver(minutes: Int) throws {
    let clip = work.appendingPathComponent("bulletin.wav")
    try runTool(
        "/usr/bin/sox",
        ["-n", "-r", "48000", "-c", "1", clip.path, "synth", String(minutes * 60), "pinknoise", "vol", "0.3"])
    // Queued for half an hour later: nothing airs while it is delivered.
    let formatter = DateFormatter()
    formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
    formatter.dateFormat = "HH:mm"
    let chunk = FleetMessage.clipChunkBytes
    let rate = Double(fetchKilobitsPerSecond) * 125
    var downloads = [Download](repeating: Download(), count: receivers)
    let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($0.element.value, $0.offset) })
    var reference: [UInt8] = []
    var bytesReceived = 0
    var datagramBytes = 0
    var mismatches = 0
    var nextBeat = (0..<receivers).map { Double($0) * 2 / Double(receivers) }
    var clips = 0
    for socket in sockets { socket.setReceiveBuffer(bytes: 8 << 20) }
    let cpuBefore = controllerCPU()
    let chunksBefore = metric("loa_clip_chunks_sent")
    let cappedBefore = metric("loa_clip_chunks_capped")
    try runTool(
        binaries.appendingPathComponent("loa").path,
        ["queue", clip.path, "--at", formatter.string(from: Date().addingTimeInterval(1800)), "--controller", base],
        environment: ["LOA_TOKEN": token])
    let start = Date()
    log(
        "queued a \(minutes)-minute bulletin; delivering it to \(receivers) receivers at \(fetchKilobitsPerSecond) kbit/s each"
    )
    var remaining = receivers
    var lastReport = 0.0
    while remaining > 0 {
        let now = Date().timeIntervalSince(start)
        guard now < Double(minutes * 60 * 6 + 600) else { break }
        // Heartbeats every 2 s, each saying how much of the bulletin the box holds.
        for box in 0..<receivers where nextBeat[box] <= now {
            nextBeat[box] += 2
            sequences[box] += 1
            var heartbeat = Heartbeat(
                receiver: ids[box], epoch: 1, sequence: sequences[box], intervalMilliseconds: 2000,
                uptimeSeconds: sequences[box], volume: 100, version: "bench", zones: ["all"])
            let download = downloads[box]
            if download.item != 0 {
                heartbeat.clips = [
                    HeldClip(
                        item: download.item,
                        percent: UInt8(download.whole != nil ? 100 : min(download.have * 100 / download.size, 99)))
                ]
            }
            let length = FleetAuthentication.write(.heartbeat(heartbeat), into: buffer, key: shared[box])
            sockets[box % sockets.count].send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: target)
        }
        // Requests: the run of chunks the box lacks from where it stands, at most 16, at its average rate.
        for box in 0..<receivers where downloads[box].item != 0 && downloads[box].whole == nil {
            guard downloads[box].nextRequest <= now else { continue }
            let count = min(
                Int(FleetMessage.maximumChunksAsked), (downloads[box].size - downloads[box].have + chunk - 1) / chunk)
            let request = FleetMessage.clipRequest(
                receiver: ids[box], item: downloads[box].item, offset: UInt32(downloads[box].have), chunks: UInt8(count)
            )
            let length = FleetAuthentication.write(request, into: buffer, key: shared[box])
            sockets[box % sockets.count].send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: target)
            downloads[box].nextRequest = now + Double(count * chunk) / rate
        }
        // What came: offers and chunks, authenticated by each box's key; every byte checked against the clip file.
        for socket in sockets {
            while case .datagram(let length) = (try? socket.receive(into: buffer)) ?? .nothing {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
                guard let parsed = try? FleetMessage.parse(bytes), let box = index[parsed.message.receiver.value],
                    FleetAuthentication.isTagged(parsed, in: bytes, by: shared[box])
                else { continue }
                switch parsed.message {
                case .clipOffer(_, let signed):
                    guard downloads[box].item == 0, let manifest = try? ClipManifest(decoding: signed) else { continue }
                    if reference.isEmpty { reference = try clipFile(digest: manifest.digest) }
                    downloads[box].item = manifest.item
                    downloads[box].size = Int(manifest.byteCount)
                    downloads[box].nextRequest = now
                case .clipChunk(_, let item, let offset, let data):
                    datagramBytes += length + 28
                    guard item == downloads[box].item, Int(offset) == downloads[box].have else {
                        downloads[box].outOfOrder += 1
                        continue
                    }
                    let end = Int(offset) + data.count
                    if end > reference.count || !reference[Int(offset)..<end].elementsEqual(data) { mismatches += 1 }
                    downloads[box].have = end
                    bytesReceived += data.count
                    if end == downloads[box].size {
                        downloads[box].whole = now
                        remaining -= 1
                        clips += 1
                    }
                default: continue
                }
            }
        }
        if now - lastReport >= 30 {
            lastReport = now
            let offered = downloads.count { $0.item != 0 }
            log("\(Int(now)) s: \(offered) offered, \(clips) of \(receivers) whole, \(bytesReceived) bytes")
        }
        usleep(500)
    }
    let wall = Date().timeIntervalSince(start)
    let cpu = controllerCPU() - cpuBefore
    let times = downloads.compactMap(\.whole).sorted()
    let size = downloads.first { $0.size > 0 }?.size ?? 0
    func seconds(_ value: Double?) -> String { value.map { String(format: "%.0f s", $0) } ?? "-" }
    print("bulletin:                         \(minutes) min, \(size) bytes as the zone airs it")
    print(
        "receivers:                        \(receivers), fetching at ≤ \(fetchKilobitsPerSecond) kbit/s each (controller caps: 128 kB/s a box, 6.25 MB/s in all)"
    )
    print(
        "whole at every receiver after:    \(times.count == receivers ? seconds(times.last) : "not all (\(times.count))") (first \(seconds(times.first)), median \(seconds(times.isEmpty ? nil : times[times.count / 2])))"
    )
    print(
        "bytes of clip sent:               \(bytesReceived) (\(String(format: "%.3f", Double(bytesReceived) / Double(max(size * receivers, 1)))) × the clip for every box); on the wire with headers \(datagramBytes)"
    )
    print(
        "bandwidth:                        \(String(format: "%.1f", Double(datagramBytes) * 8 / wall / 1e6)) Mbit/s in all, \(String(format: "%.1f", Double(datagramBytes) * 8 / wall / 1e3 / Double(receivers))) kbit/s a box on average"
    )
    print(
        "controller CPU while delivering:  \(String(format: "%.1f", cpu / wall * 100)) % of one core (\(String(format: "%.1f", cpu)) s in \(String(format: "%.0f", wall)) s)"
    )
    print(
        "chunks sent / requests capped:    \(Int(metric("loa_clip_chunks_sent") - chunksBefore)) / \(Int(metric("loa_clip_chunks_capped") - cappedBefore)); out of order at the boxes \(downloads.reduce(0) { $0 + $1.outOfOrder }); bytes differing from the clip \(mismatches)"
    )
}

/// The controller's clip file whose SHA-256 is `digest` (the zone's encoding of the bulletin).
@MainActor func clipFile(digest: [UInt8]) throws -> [UInt8] {
    let folder = work.appendingPathComponent("state/clips")
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".loaclip") {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
        if SHA256.hash(bytes) == digest { return bytes }
    }
    fatalError("no clip file of the controller has the offered digest")
}

/// Runs `tool` with `arguments` to its end; stops the bench if it fails.
func runTool(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { fatalError("\(tool) \(arguments.joined(separator: " ")) failed") }
}
