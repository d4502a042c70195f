import Foundation

/// The abbreviations a commune writes and what is said for each (`UBND` → "Ủy ban nhân dân").
///
/// Matching is exact and case-sensitive on a whole word (`UBND`, `NN&PTNT`, `NĐ-CP`): "ha" or "Ban" are never
/// mistaken for an abbreviation. A commune extends or overrides the built-in table with a plain text file.
public struct AbbreviationTable: Sendable {
    /// Expansion of each abbreviation.
    public private(set) var entries: [String: String]

    public init(entries: [String: String]) { self.entries = entries }

    /// What is said for `word`, if it is an abbreviation.
    public func expansion(of word: Substring) -> String? { entries[String(word)] }

    /// The built-in table extended with `other`'s entries; an entry of `other` replaces a built-in one.
    public func merging(_ other: AbbreviationTable) -> AbbreviationTable {
        AbbreviationTable(entries: entries.merging(other.entries) { _, commune in commune })
    }

    /// Reads a commune's table: one `ABBR = expansion` a line; blank lines and lines starting with `#` are
    /// skipped. `path` only names the file in errors. Throws on the first line that is not an entry.
    public static func parse(_ text: String, path: String) throws(AbbreviationTableError) -> AbbreviationTable {
        var entries: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw AbbreviationTableError(path: path, line: index + 1, problem: "no '=' on this line")
            }
            let abbreviation = String(line[..<equals].trimmingWhitespace()).precomposedStringWithCanonicalMapping
            let expansion = String(line[line.index(after: equals)...].trimmingWhitespace())
                .precomposedStringWithCanonicalMapping
            guard !abbreviation.isEmpty, !abbreviation.contains(where: \.isWhitespace) else {
                throw AbbreviationTableError(
                    path: path, line: index + 1, problem: "the abbreviation before '=' must be one word")
            }
            guard !expansion.isEmpty else {
                throw AbbreviationTableError(
                    path: path, line: index + 1, problem: "'\(abbreviation)' has nothing after '='")
            }
            entries[abbreviation] = expansion
        }
        return AbbreviationTable(entries: entries)
    }

    /// The abbreviations of commune notices, with the expansion an announcer reads.
    public static let builtIn = AbbreviationTable(entries: [
        "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "MTTQ": "Mặt trận Tổ quốc",
        "UBMTTQ": "Ủy ban Mặt trận Tổ quốc", "HTX": "hợp tác xã", "THCS": "trung học cơ sở",
        "THPT": "trung học phổ thông", "TH": "tiểu học", "MN": "mầm non", "BCH": "Ban Chỉ huy",
        "PCCC": "phòng cháy chữa cháy", "PCCCR": "phòng cháy chữa cháy rừng", "PCTT": "phòng chống thiên tai",
        "TKCN": "tìm kiếm cứu nạn", "CAX": "Công an xã", "CA": "Công an", "QS": "quân sự",
        "BCHQS": "Ban Chỉ huy quân sự",
        "BHYT": "bảo hiểm y tế", "BHXH": "bảo hiểm xã hội", "CCCD": "căn cước công dân",
        "CMND": "chứng minh nhân dân", "NTM": "nông thôn mới", "ATGT": "an toàn giao thông",
        "ANTT": "an ninh trật tự", "TDTT": "thể dục thể thao", "GPMB": "giải phóng mặt bằng",
        "KHHGĐ": "kế hoạch hóa gia đình", "TYT": "trạm y tế", "BQL": "ban quản lý", "BCĐ": "Ban Chỉ đạo",
        "BTV": "Ban Thường vụ", "ĐTN": "Đoàn Thanh niên", "HND": "Hội Nông dân", "HCCB": "Hội Cựu chiến binh",
        "HLHPN": "Hội Liên hiệp Phụ nữ", "HPN": "Hội Phụ nữ", "QĐ": "quyết định", "NĐ": "nghị định",
        "CP": "Chính phủ", "NĐ-CP": "nghị định Chính phủ", "TT": "thông tư", "KH": "kế hoạch", "TB": "thông báo",
        "CV": "công văn", "ĐBQH": "đại biểu Quốc hội", "XHCN": "xã hội chủ nghĩa",
        "CHXHCN": "Cộng hòa xã hội chủ nghĩa", "VN": "Việt Nam", "TP": "thành phố", "TX": "thị xã",
        "KT-XH": "kinh tế xã hội", "GD&ĐT": "giáo dục và đào tạo", "GDĐT": "giáo dục và đào tạo",
        "NN&PTNT": "nông nghiệp và phát triển nông thôn", "TN&MT": "tài nguyên và môi trường",
        "LĐ-TB&XH": "lao động thương binh và xã hội", "VH-TT": "văn hóa thông tin", "CSGT": "cảnh sát giao thông",
        "BVTV": "bảo vệ thực vật", "ĐCS": "Đảng Cộng sản", "SĐT": "số điện thoại", "ĐT": "điện thoại",
        "VOV": "Đài Tiếng nói Việt Nam", "ĐTH": "Đài Truyền hình", "TTCN": "tiểu thủ công nghiệp",
        "HS": "học sinh", "GV": "giáo viên", "ĐV": "đoàn viên", "NCT": "người cao tuổi",
        "KDC": "khu dân cư", "TDP": "tổ dân phố", "ATTP": "an toàn thực phẩm", "VSATTP": "vệ sinh an toàn thực phẩm",
        "ATVSTP": "an toàn vệ sinh thực phẩm", "LLVT": "lực lượng vũ trang", "DQTV": "dân quân tự vệ",
    ])
}

/// A line of a commune's abbreviation file that is not an `ABBR = expansion` entry.
public struct AbbreviationTableError: Error, Sendable, Equatable {
    /// The file and line: "viet-tat.txt:3".
    public var location: String
    public var problem: String

    public init(path: String, line: Int, problem: String) {
        location = path + ":" + String(line)
        self.problem = problem
    }

    /// "viet-tat.txt:3: no '=' on this line; write one entry a line as ABBR = expansion".
    public var message: String { location + ": " + problem + "; write one entry a line as ABBR = expansion" }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}
