import Foundation
import Hummingbird
import HummingbirdTesting
import LoaControlAPI
import Logging
import Testing

@testable import LoaController

/// A flood of refused emergency commands cannot fill the disk: each refusal is kept as a digest and its first
/// 64 bytes, and beyond 20 a minute per source they are only counted, in one summary entry.
@Suite struct AuditFloodTests {
    @Test func refusedCommandsAreStoredCompactlyAndRateLimited() async throws {
        let controller = try TestController()
        defer { try? FileManager.default.removeItem(at: controller.directory) }
        var logger = Logger(label: "loa-flood-test")
        logger.logLevel = .critical
        let parts = try controller.controller.assemble()
        let database = controller.directory.appendingPathComponent("state/loa.sqlite").path
        let before = try bytes(database)
        // Each command is 12 KiB of junk (base64 in the header, under its 16 KiB limit).
        let flood = 1_000
        let startMinute = Int(Date().timeIntervalSince1970 / 60)
        try await parts.api.application(logger: logger).test(.router) { client in
            for index in 0..<flood {
                var junk = [UInt8](repeating: UInt8(index & 0xff), count: 12_288)
                junk[0] = UInt8(index >> 8)
                try await client.execute(
                    uri: "/emergency", method: .post,
                    headers: [.init("X-Loa-Command")!: Data(junk).base64EncodedString()]
                ) { response in #expect(response.status == .forbidden) }
            }
        }
        // The meter counts per wall-clock minute: a loaded machine may spread the flood over several.
        let minutes = Int(Date().timeIntervalSince1970 / 60) - startMinute + 1
        parts.api.desk.auditLog.flushSummaries()
        let rows = try sqlite(database, "SELECT count(*), sum(count), max(length(command)) FROM audit")
        let fields = rows.split(separator: "|").compactMap { Int($0) }
        try #require(fields.count == 3, "\(rows)")
        // Every refusal is accounted for, but few are stored one by one: 20 in each minute the flood touched, and
        // one summary as each minute ends.
        #expect(fields[1] == flood, "\(rows)")
        #expect(fields[0] <= minutes * (20 + 1) + 1, "\(rows) over \(minutes) minutes")
        #expect(fields[0] < flood / 10, "\(rows)")
        #expect(fields[2] <= 128, "the first 64 bytes, hex: \(rows)")
        let growth = try bytes(database) - before
        #expect(growth / flood < 100, "\(growth) bytes for \(flood) refusals")
        #expect(try parts.api.desk.auditLog.verify().firstBrokenRow == nil)
    }

    @Test func refusalsFromManyAddressesAreBoundedInAll() {
        // 3,000 addresses, 5 refusals each, in one minute: each address is under its own 20, but the log takes
        // 600 rows at most; the rest come back as one summary per address when the minute ends.
        var meter = RefusalMeter(perMinute: 20)
        var stored = 0
        for _ in 0..<5 {
            for source in 0..<3_000 where meter.admit(source: "10.0.\(source / 250).\(source % 250)", minute: 7).0 {
                stored += 1
            }
        }
        #expect(stored == RefusalMeter.overallPerMinute)
        let (admitted, summaries) = meter.admit(source: "10.9.9.9", minute: 8)
        #expect(admitted)
        #expect(summaries.map(\.count).reduce(0, +) == 5 * 3_000 - stored)
    }

    /// The database's size once its write-ahead log is folded in.
    private func bytes(_ database: String) throws -> Int {
        let lines = try sqlite(database, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA page_count; PRAGMA page_size;")
            .split(separator: "\n").compactMap { Int($0) }
        return lines.reduce(1, *)
    }

    private func sqlite(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
