import LoaSpeech
import Testing

/// The number reader follows the rules an announcer reads by: "mốt", "tư", "lăm"/"nhăm", "linh"/"lẻ",
/// "mười"/"mươi", and "không trăm" inside a larger number.
@Suite("Number reader")
struct NumberReaderTests {
    let north = NumberReader(dialect: .north)
    let south = NumberReader(dialect: .south)

    @Test func unitsAndTens() {
        let expected: [UInt64: String] = [
            0: "không", 1: "một", 4: "bốn", 5: "năm", 10: "mười", 11: "mười một", 14: "mười bốn", 15: "mười lăm",
            20: "hai mươi", 21: "hai mươi mốt", 24: "hai mươi tư", 25: "hai mươi lăm", 55: "năm mươi lăm",
            91: "chín mươi mốt", 99: "chín mươi chín", 70: "bảy mươi",
        ]
        for (value, words) in expected { #expect(north.cardinal(value) == words, "\(value)") }
    }

    @Test func hundredsUseLinhForAnEmptyTen() {
        #expect(north.cardinal(100) == "một trăm")
        #expect(north.cardinal(101) == "một trăm linh một")
        #expect(north.cardinal(104) == "một trăm linh bốn")
        #expect(north.cardinal(105) == "một trăm linh năm")
        #expect(north.cardinal(110) == "một trăm mười")
        #expect(north.cardinal(115) == "một trăm mười lăm")
        #expect(north.cardinal(321) == "ba trăm hai mươi mốt")
        #expect(south.cardinal(105) == "một trăm lẻ năm")
        #expect(south.cardinal(125) == "một trăm hai mươi nhăm")
        #expect(south.cardinal(15) == "mười lăm")
    }

    @Test func thousandsMillionsAndBillions() {
        #expect(north.cardinal(1000) == "một nghìn")
        #expect(north.cardinal(1005) == "một nghìn không trăm linh năm")
        #expect(north.cardinal(1010) == "một nghìn không trăm mười")
        #expect(north.cardinal(1500) == "một nghìn năm trăm")
        #expect(north.cardinal(2026) == "hai nghìn không trăm hai mươi sáu")
        #expect(north.cardinal(15_000) == "mười lăm nghìn")
        #expect(north.cardinal(200_000) == "hai trăm nghìn")
        #expect(north.cardinal(1_000_050) == "một triệu không trăm năm mươi")
        #expect(north.cardinal(1_200_000) == "một triệu hai trăm nghìn")
        #expect(north.cardinal(2_500_000) == "hai triệu năm trăm nghìn")
        #expect(north.cardinal(3_000_000_000) == "ba tỷ")
        #expect(north.cardinal(1_000_000_000_000) == "một nghìn tỷ")
        #expect(north.cardinal(2_021_000_000) == "hai tỷ không trăm hai mươi mốt triệu")
        #expect(south.cardinal(1500) == "một ngàn năm trăm")
    }

    @Test func ordinalsMonthsDigitsAndDecimals() {
        #expect(north.ordinal(1) == "nhất")
        #expect(north.ordinal(2) == "hai")
        #expect(north.ordinal(4) == "tư")
        #expect(north.ordinal(14) == "mười bốn")
        #expect(north.month(4) == "tư")
        #expect(north.month(12) == "mười hai")
        #expect(north.digits("0912") == "không chín một hai")
        #expect(north.decimal(whole: "37", fraction: "5") == "ba mươi bảy phẩy năm")
        #expect(north.decimal(whole: "2", fraction: "25") == "hai phẩy hai mươi lăm")
        #expect(north.decimal(whole: "0", fraction: "05") == "không phẩy không năm")
        #expect(north.decimal(whole: "1", fraction: "125") == "một phẩy một hai năm")
    }
}
