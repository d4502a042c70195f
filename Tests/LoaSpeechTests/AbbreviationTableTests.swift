import LoaSpeech
import Testing

/// A commune extends or overrides the built-in abbreviations with an `ABBR = expansion` file.
@Suite("Abbreviation table")
struct AbbreviationTableTests {
    @Test func aCommuneFileExtendsAndOverridesTheBuiltInTable() throws {
        let file = """
            # Viết tắt của xã Thanh Hà
            TH = thôn Hạ
            NVH = nhà văn hóa

            HTXDV=hợp tác xã dịch vụ
            """
        let commune = try AbbreviationTable.parse(file, path: "viet-tat.txt")
        #expect(commune.entries.count == 3)
        let normaliser = TextNormaliser(abbreviations: .builtIn.merging(commune))
        #expect(
            normaliser.normalise("UBND mời bà con TH đến NVH, HTXDV phát giống.")
                == "Ủy ban nhân dân mời bà con thôn Hạ đến nhà văn hóa, hợp tác xã dịch vụ phát giống.")
        #expect(TextNormaliser().normalise("Trường TH xã") == "Trường tiểu học xã")
    }

    @Test func aLineThatIsNotAnEntryIsRefusedNamingIt() {
        #expect(throws: AbbreviationTableError(path: "viet-tat.txt", line: 2, problem: "no '=' on this line")) {
            try AbbreviationTable.parse("NVH = nhà văn hóa\nthôn Hạ\n", path: "viet-tat.txt")
        }
        #expect(
            AbbreviationTableError(path: "v.txt", line: 3, problem: "'NVH' has nothing after '='").message
                == "v.txt:3: 'NVH' has nothing after '='; write one entry a line as ABBR = expansion")
        #expect(throws: AbbreviationTableError(path: "v.txt", line: 1, problem: "'NVH' has nothing after '='")) {
            try AbbreviationTable.parse("NVH =  \n", path: "v.txt")
        }
        #expect(
            throws: AbbreviationTableError(
                path: "v.txt", line: 1, problem: "the abbreviation before '=' must be one word")
        ) {
            try AbbreviationTable.parse("N V H = nhà văn hóa\n", path: "v.txt")
        }
    }
}
