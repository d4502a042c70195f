/// How a region reads numbers: the north says "linh", "lăm" and "nghìn"; the south "lẻ", "nhăm" and "ngàn".
public enum Dialect: String, Sendable, CaseIterable {
    case north
    case south
}

/// Reads numbers as Vietnamese words, by the rules a commune announcer follows.
///
/// Cardinals: 21 "hai mươi mốt", 24 "hai mươi tư", 15 "mười lăm", 25 "hai mươi lăm" ("nhăm" in the south),
/// 105 "một trăm linh năm" ("lẻ"), 1 005 "một nghìn không trăm linh năm", 2 000 000 "hai triệu",
/// 3 000 000 000 "ba tỷ". A group after the first that has no hundreds is read with "không trăm"; empty groups
/// are left out (1 000 050 "một triệu không trăm năm mươi").
public struct NumberReader: Sendable {
    public var dialect: Dialect

    public init(dialect: Dialect = .north) { self.dialect = dialect }

    static let digitNames = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

    /// The name of one digit, 0 to 9.
    public func digit(_ value: Int) -> String { Self.digitNames[value] }

    /// A whole number in words.
    public func cardinal(_ value: UInt64) -> String {
        if value == 0 { return "không" }
        var words: [String] = []
        read(value, leading: true, into: &words)
        return words.joined(separator: " ")
    }

    /// An ordinal's number after "thứ": 1 "nhất", 4 "tư", any other number as a cardinal ("thứ hai", "thứ mười").
    public func ordinal(_ value: UInt64) -> String {
        switch value {
        case 1: "nhất"
        case 4: "tư"
        default: cardinal(value)
        }
    }

    /// A month's number after "tháng": April is "tháng tư"; every other month is its cardinal.
    public func month(_ value: UInt64) -> String { value == 4 ? "tư" : cardinal(value) }

    /// Digits read one by one ("0912" → "không chín một hai"); characters that are not digits are skipped.
    public func digits<S: StringProtocol>(_ text: S) -> String {
        text.compactMap { $0.wholeNumberValue }.map { digit($0) }.joined(separator: " ")
    }

    /// A decimal number written with a comma: `whole` and `fraction` are digit strings ("37", "5" → "ba mươi bảy
    /// phẩy năm"). A fraction of one or two digits that does not start with 0 is read as a number ("2,25" → "hai
    /// phẩy hai mươi lăm"); any other fraction digit by digit ("0,05" → "không phẩy không năm").
    public func decimal(whole: some StringProtocol, fraction: some StringProtocol) -> String {
        let wholeWords = UInt64(whole).map(cardinal) ?? digits(whole)
        let fractionWords =
            fraction.count <= 2 && !fraction.hasPrefix("0")
            ? (UInt64(fraction).map(cardinal) ?? digits(fraction))
            : digits(fraction)
        return wholeWords + " phẩy " + fractionWords
    }

    private func read(_ value: UInt64, leading: Bool, into words: inout [String]) {
        let billion: UInt64 = 1_000_000_000
        if value >= billion {
            read(value / billion, leading: leading, into: &words)
            words.append("tỷ")
            if value % billion > 0 { read(value % billion, leading: false, into: &words) }
            return
        }
        var first = leading
        let groups = [(value / 1_000_000, "triệu"), (value / 1000 % 1000, thousand), (value % 1000, "")]
        for (group, scale) in groups where group > 0 {
            readGroup(Int(group), full: !first, into: &words)
            if !scale.isEmpty { words.append(scale) }
            first = false
        }
    }

    /// One group of three digits; `full` reads its hundreds even when they are 0 ("không trăm linh năm").
    private func readGroup(_ value: Int, full: Bool, into words: inout [String]) {
        let hundreds = value / 100
        let tens = value / 10 % 10
        let units = value % 10
        let hasHundreds = hundreds > 0 || full
        if hasHundreds { words += [digit(hundreds), "trăm"] }
        switch tens {
        case 0:
            guard units > 0 else { return }
            if hasHundreds { words.append(dialect == .north ? "linh" : "lẻ") }
            words.append(digit(units))
        case 1:
            words.append("mười")
            if units == 5 {
                words.append("lăm")
            } else if units > 0 {
                words.append(digit(units))
            }
        default:
            words += [digit(tens), "mươi"]
            switch units {
            case 0: break
            case 1: words.append("mốt")
            case 4: words.append("tư")
            case 5: words.append(dialect == .north ? "lăm" : "nhăm")
            default: words.append(digit(units))
            }
        }
    }

    private var thousand: String { dialect == .north ? "nghìn" : "ngàn" }
}
