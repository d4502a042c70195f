import Foundation

/// The rules that start at a digit: dates, times, phone numbers, numbers with their units, and ranges.
extension Reading {
    /// `15/10/2026`, `15.10.2026`, `15-10-2026`, `15-17/10/2026`, `10/2026`, `15/10`.
    mutating func date() -> Bool {
        if let match = rest.prefixMatch(of: /(\d{1,2})\s*[-–]\s*(\d{1,2})\/(\d{1,2})(?:\/(\d{4}))?(?!\d)/),
            let first = Int(match.1), let last = Int(match.2), let month = Int(match.3),
            Self.isDay(first), Self.isDay(last), Self.isMonth(month)
        {
            let day = follows("ngày") ? "" : "ngày "
            let year = match.4.map { " năm " + read($0) } ?? ""
            emit(
                day + read(match.1) + " đến ngày " + read(match.2) + " tháng " + numbers.month(UInt64(month)) + year,
                upTo: match.range.upperBound)
            return true
        }
        if let match = rest.prefixMatch(of: /(\d{1,2})([\/.\-])(\d{1,2})\2(\d{4})(?!\d)/),
            let day = Int(match.1), let month = Int(match.3), Self.isDay(day), Self.isMonth(month)
        {
            let prefix = follows("ngày") ? "" : "ngày "
            emit(
                prefix + read(match.1) + " tháng " + numbers.month(UInt64(month)) + " năm " + read(match.4),
                upTo: match.range.upperBound)
            return true
        }
        if let match = rest.prefixMatch(of: /(\d{1,2})\/(\d{4})(?!\d)/), let month = Int(match.1), Self.isMonth(month) {
            let prefix = follows("tháng") ? "" : "tháng "
            emit(prefix + numbers.month(UInt64(month)) + " năm " + read(match.2), upTo: match.range.upperBound)
            return true
        }
        if let match = rest.prefixMatch(of: /(\d{1,2})\/(\d{1,2})(?![\d\/])/), let day = Int(match.1),
            let month = Int(match.2), Self.isDay(day), Self.isMonth(month)
        {
            let prefix = follows("ngày") ? "" : "ngày "
            emit(prefix + read(match.1) + " tháng " + numbers.month(UInt64(month)), upTo: match.range.upperBound)
            return true
        }
        return false
    }

    /// `7h30`, `7h`, `7g30` (but `5g` is grams), `19:00`, `19:05`: "bảy giờ ba mươi phút", "mười chín giờ".
    mutating func time() -> Bool {
        let hourText: Substring
        var minuteText: Substring?
        let end: String.Index
        if let match = rest.prefixMatch(of: /(\d{1,2})(?:h|g(?=\d))(?:(\d{2})(?:ph|p|')?)?(?![\p{L}\d])/) {
            (hourText, minuteText, end) = (match.1, match.2, match.range.upperBound)
        } else if let match = rest.prefixMatch(of: /(\d{1,2}):(\d{2})(?!\d)/) {
            (hourText, minuteText, end) = (match.1, match.2, match.range.upperBound)
        } else {
            return false
        }
        guard let hour = Int(hourText), hour <= 24 else { return false }
        let minute = minuteText.flatMap { Int($0) } ?? 0
        guard minute < 60 else { return false }
        var words = numbers.cardinal(UInt64(hour)) + " giờ"
        if minute > 0 { words += " " + numbers.cardinal(UInt64(minute)) + " phút" }
        emit(words, upTo: end)
        return true
    }

    /// Phone numbers, digit by digit in groups: `0912 345 678`, `0912345678`, `19001234`, and any number after
    /// "gọi", "điện thoại", "đường dây nóng" … (`gọi 113`).
    mutating func phone() -> Bool {
        var groups: [Substring] = []
        var end = position
        if let match = rest.prefixMatch(of: /(0\d{2,4})[ .\-](\d{3,4})[ .\-](\d{3,4})(?!\d)/) {
            groups = [match.1, match.2, match.3]
            end = match.range.upperBound
        } else if let match = rest.prefixMatch(of: /(?:0\d{8,10}|1[89]00\d{4})(?!\d)/) {
            let digits = match.0
            let sizes = digits.count == 11 ? [4, 3, 4] : digits.count == 9 || digits.count == 8 ? [4, 4] : [4, 3, 3]
            var start = digits.startIndex
            for size in sizes where start < digits.endIndex {
                let stop = digits.index(start, offsetBy: size, limitedBy: digits.endIndex) ?? digits.endIndex
                groups.append(digits[start..<stop])
                start = stop
            }
            if start < digits.endIndex { groups.append(digits[start...]) }
            end = match.range.upperBound
        } else if ["gọi", "điện thoại", "đường dây nóng", "hotline", "tổng đài"].contains(where: follows),
            let match = rest.prefixMatch(of: /\d{3,}(?:[ .]\d{3,4})*(?!\d)/)
        {
            groups = match.0.split(whereSeparator: { $0 == " " || $0 == "." })
            end = match.range.upperBound
        } else {
            return false
        }
        emit(groups.map { numbers.digits($0) }.joined(separator: ", "), upTo: end)
        return true
    }

    /// A number, negative after a space, with thousands dots and a decimal comma, then its unit if one follows.
    mutating func number() -> Bool {
        var start = position
        var words = ""
        if text[position] == "-" {
            words = "âm "
            start = text.index(after: position)
        }
        guard let match = text[start...].prefixMatch(of: /(\d{1,3}(?:\.\d{3})+|\d+)(?:[,.](\d+))?(?!\d)/) else {
            return false
        }
        let whole = match.1.filter { $0 != "." }
        if let fraction = match.2 {
            words += numbers.decimal(whole: whole, fraction: fraction)
        } else if let value = UInt64(whole) {
            lastWasOrdinal = follows("thứ")
            words +=
                follows("thứ")
                ? numbers.ordinal(value) : follows("tháng") ? numbers.month(value) : numbers.cardinal(value)
        } else {
            words += numbers.digits(whole)
        }
        emit(words, upTo: match.range.upperBound)
        unit()
        if position < text.endIndex, text[position].isLetter { out += " " }
        return true
    }

    /// `24/24` reads "hai mươi tư trên hai mươi tư"; `đồng/kg` reads "đồng một ki lô gam".
    mutating func slash() -> Bool {
        let next = text.index(after: position)
        guard next < text.endIndex, let previous else { return false }
        if previous.isWholeNumber && text[next].isWholeNumber {
            emit(" trên ", upTo: next)
            return true
        }
        guard previous.isLetter, let (unit, end) = unitName(at: next) else { return false }
        emit(" một " + unit, upTo: end)
        return true
    }

    /// The unit right after a number (one space allowed between).
    mutating func unit() {
        var start = position
        if start < text.endIndex, text[start] == " " { start = text.index(after: start) }
        if let (unit, end) = unitName(at: start) { emit(" " + unit, upTo: end) }
    }

    /// The spoken name of the unit written at `start`, and where it ends.
    func unitName(at start: String.Index) -> (String, String.Index)? {
        let candidate = text[start...]
        for unit in UnitNames.longestFirst where candidate.hasPrefix(unit) {
            let end = candidate.index(candidate.startIndex, offsetBy: unit.count)
            if end < text.endIndex, text[end].isLetter || text[end].isNumber { continue }
            return (UnitNames.spoken[unit]!, end)
        }
        return nil
    }

    /// After a number, date or time: `-` or `–` before another number reads "đến" ("thứ 2-6": "đến thứ").
    mutating func range() {
        guard let match = rest.prefixMatch(of: /\s*[-–]\s*(?=\d)/) else { return }
        emit(lastWasOrdinal ? " đến thứ " : " đến ", upTo: match.range.upperBound)
    }
}
