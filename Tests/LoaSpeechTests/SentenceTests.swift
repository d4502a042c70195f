import Foundation
import LoaSpeech
import Testing

/// The normaliser's test set: `sentences.tsv`, one `input<TAB>expected spoken form` a line, each read with the
/// built-in abbreviation table and the northern dialect.
@Suite("Vietnamese sentences read aloud")
struct SentenceTests {
    static func cases() throws -> [(input: String, expected: String)] {
        let url = try #require(Bundle.module.url(forResource: "sentences", withExtension: "tsv"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    @Test func atLeastTwoHundredSentences() throws {
        #expect(try Self.cases().count >= 200)
    }

    @Test func everySentenceReadsAsExpected() throws {
        let normaliser = TextNormaliser()
        var wrong: [String] = []
        for (input, expected) in try Self.cases() {
            let spoken = normaliser.normalise(input)
            if spoken != expected { wrong.append(input + "\n   got:      " + spoken + "\n   expected: " + expected) }
        }
        #expect(wrong.isEmpty, "\(wrong.count) sentences read wrong:\n\(wrong.joined(separator: "\n"))")
    }
}
