import Foundation

/// Turns a typed Vietnamese notice into the words an announcer says, for a voice that reads words only.
///
/// It reads numbers (`2.500` "hai nghìn năm trăm", `2,5` "hai phẩy năm"), ordinals (`thứ 4` "thứ tư"), dates
/// (`15/10/2026`, `15/10`, `10/2026`, `15-17/10`), times (`7h30`, `19:00`), phone numbers (digit by digit in their
/// groups), units after a number (`km`, `ha`, `°C`, `%`), ranges (`20-25` "hai mươi đến hai mươi lăm"), Roman
/// numerals after "quý", "khóa", "thứ" …, and the abbreviations of its table. Everything else, punctuation
/// included, is kept as written; runs of spaces become one.
public struct TextNormaliser: Sendable {
    public var abbreviations: AbbreviationTable
    public var numbers: NumberReader

    public init(abbreviations: AbbreviationTable = .builtIn, dialect: Dialect = .north) {
        self.abbreviations = abbreviations
        numbers = NumberReader(dialect: dialect)
    }

    /// The spoken form of `text`.
    public func normalise(_ text: String) -> String {
        var reading = Reading(text: text.precomposedStringWithCanonicalMapping, normaliser: self)
        return reading.run()
    }
}

/// One pass over a text: at each position the first rule that matches writes its words and moves on.
/// The rules for numbers, dates, times, phones, units and ranges are in `Reading+Numbers.swift`.
struct Reading {
    let text: String
    let normaliser: TextNormaliser
    var position: String.Index
    var out = ""
    /// Whether the last number read was an ordinal ("thứ 2"), so a range after it reads "đến thứ".
    var lastWasOrdinal = false

    init(text: String, normaliser: TextNormaliser) {
        self.text = text
        self.normaliser = normaliser
        position = text.startIndex
    }

    var numbers: NumberReader { normaliser.numbers }
    var rest: Substring { text[position...] }
    var previous: Character? { position == text.startIndex ? nil : text[text.index(before: position)] }

    mutating func run() -> String {
        while position < text.endIndex {
            let character = text[position]
            if character.isASCII && character.isWholeNumber || startsNegativeNumber {
                if previous?.isLetter == true { out += " " }
                lastWasOrdinal = false
                if date() || time() || phone() || number() {
                    range()
                    continue
                }
            }
            if character == "/" && slash() { continue }
            if character.isLetter && previous?.isLetter != true && word() { continue }
            out.append(character)
            position = text.index(after: position)
        }
        return Self.tidy(out)
    }

    // MARK: Words

    /// An abbreviation of the table, or a Roman numeral after "quý", "khóa", "thứ" …; else nothing.
    mutating func word() -> Bool {
        if let compound = rest.prefixMatch(of: /[\p{L}\p{M}]+(?:[&\-][\p{L}\p{M}]+)+/),
            let expansion = normaliser.abbreviations.expansion(of: compound.0)
        {
            emit(expansion, upTo: compound.range.upperBound)
            return true
        }
        guard let run = rest.prefixMatch(of: /[\p{L}\p{M}]+/) else { return false }
        if let expansion = normaliser.abbreviations.expansion(of: run.0) {
            emit(expansion, upTo: run.range.upperBound)
            return true
        }
        if follows("mỗi"), let (unit, end) = unitName(at: position) {
            emit(unit, upTo: end)
            return true
        }
        let romanContexts = ["quý", "khóa", "khoá", "kỳ", "đợt", "phần", "chương", "thứ", "thế kỷ", "lần"]
        if romanContexts.contains(where: follows), let value = Self.roman(run.0) {
            emit(follows("thứ") ? numbers.ordinal(value) : numbers.cardinal(value), upTo: run.range.upperBound)
            return true
        }
        out += run.0
        position = run.range.upperBound
        return true
    }

    // MARK: Parts

    mutating func emit(_ words: String, upTo end: String.Index) {
        out += words
        position = end
    }

    func read(_ digits: Substring) -> String { UInt64(digits).map(numbers.cardinal) ?? numbers.digits(digits) }

    /// Whether what has been written so far ends with the word or words `words` (any case, before spaces or ':').
    func follows(_ words: String) -> Bool {
        let written = out.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :"))
        guard written.hasSuffix(words) else { return false }
        let before = written.dropLast(words.count)
        return before.last.map { !$0.isLetter } ?? true
    }

    var startsNegativeNumber: Bool {
        guard text[position] == "-", previous == nil || previous!.isWhitespace else { return false }
        let next = text.index(after: position)
        return next < text.endIndex && text[next].isASCII && text[next].isWholeNumber
    }

    static func isDay(_ day: Int) -> Bool { (1...31).contains(day) }
    static func isMonth(_ month: Int) -> Bool { (1...12).contains(month) }

    /// The value of a Roman numeral from I to XXXIX written in capitals, else nil.
    static func roman(_ text: Substring) -> UInt64? {
        let values: [Character: Int] = ["I": 1, "V": 5, "X": 10]
        guard !text.isEmpty, text.count <= 7, text.allSatisfy({ values[$0] != nil }) else { return nil }
        let digits = text.map { values[$0]! }
        var total = 0
        for (index, value) in digits.enumerated() {
            total += index + 1 < digits.count && value < digits[index + 1] ? -value : value
        }
        // Only the canonical spelling (IV, not IIII) is a numeral.
        return total > 0 && canonicalRoman(total) == text ? UInt64(total) : nil
    }

    static func canonicalRoman(_ value: Int) -> String {
        var value = value
        var result = ""
        for (number, letters) in [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")] {
            while value >= number {
                result += letters
                value -= number
            }
        }
        return result
    }

    /// Slashes and hyphens between words become spaces; runs of spaces become one.
    static func tidy(_ text: String) -> String {
        var result = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            var spoken = character
            if character == "/" {
                spoken = " "
            } else if character == "-", index > 0, index + 1 < characters.count, characters[index - 1].isLetter,
                characters[index + 1].isLetter
            {
                spoken = " "
            }
            if spoken == " " && (result.last == " " || result.isEmpty) { continue }
            result.append(spoken)
        }
        return result.last == " " ? String(result.dropLast()) : result
    }
}
