import Foundation

/// The progress line `loa` keeps on the terminal (stderr) while it sends a file: rewritten in place at each
/// whole percent, ended with what happens next once the file is sent (the controller prepares it).
enum UploadLine {
    /// The line for `sent` of `total` bytes, in `language`.
    static func text(sent: Int64, total: Int64, language: Language = .current) -> String {
        let percent = total > 0 ? Int(sent * 100 / total) : 100
        let line = Message.uploading.filled(
            [
                percent, String(format: "%.1f", Double(sent) / 1_048_576),
                String(format: "%.1f", Double(total) / 1_048_576),
            ],
            in: language)
        return sent >= total ? line + Message.uploadSent.filled([], in: language) : line
    }

    /// Writes the line on stderr when the percent changes (`UploadProgress`).
    @Sendable static func show(sent: Int64, total: Int64) {
        let chunk: Int64 = 1 << 16
        let before = total > 0 ? (sent - min(sent, chunk)) * 100 / total : 0
        let now = total > 0 ? sent * 100 / total : 100
        guard now != before || sent >= total else { return }
        let end = sent >= total ? "\n" : ""
        FileHandle.standardError.write(Data(("\r" + text(sent: sent, total: total) + end).utf8))
    }
}
