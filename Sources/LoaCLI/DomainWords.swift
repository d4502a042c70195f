import Foundation
import LoaControlAPI

extension Priority {
    /// The priority a person typed: the English words (`normal`, `priority`, `emergency`) or the Vietnamese ones,
    /// with or without diacritics, spaces or hyphens (`thuong`, `thường`, `uu-tien`, `ưu tiên`, `khan-cap`,
    /// `khẩn cấp`), in any case; nil for anything else.
    init?(typed text: String) {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            .trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "đ", with: "d")
        let word = folded.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).joined(separator: "-")
        switch word {
        case "normal", "thuong": self = .normal
        case "priority", "uu-tien", "uutien": self = .priority
        case "emergency", "khan-cap", "khancap": self = .emergency
        default: return nil
        }
    }

    /// Its name in `language`, as `loa` shows it ("priority", "ưu tiên").
    func name(in language: Language = .current) -> String {
        switch (self, language) {
        case (_, .english): return rawValue
        case (.normal, .vietnamese): return "thường"
        case (.priority, .vietnamese): return "ưu tiên"
        case (.emergency, .vietnamese): return "khẩn cấp"
        }
    }
}

extension Outcome {
    /// How an airing ended, in `language` ("completed", "đã phát xong").
    func name(in language: Language = .current) -> String {
        guard language == .vietnamese else { return rawValue }
        switch self {
        case .airing: return "đang phát"
        case .completed: return "đã phát xong"
        case .interrupted: return "bị ngắt"
        case .cancelled: return "đã hủy"
        case .failed: return "lỗi"
        case .missed: return "bị lỡ"
        }
    }
}

extension ReceiverState {
    /// A box's state in `language` ("online", "đang hoạt động").
    func name(in language: Language = .current) -> String {
        guard language == .vietnamese else { return rawValue }
        switch self {
        case .pending: return "chờ duyệt"
        case .online: return "đang hoạt động"
        case .offline: return "mất liên lạc"
        case .muted: return "tắt tiếng"
        case .rejected: return "bị từ chối"
        }
    }
}

extension CommandView {
    /// "acknowledged", or "failed: why", in `language` (the reason as the controller gave it).
    func resultName(in language: Language = .current) -> String {
        guard language == .vietnamese else { return resultText }
        let word = result == .acknowledged ? "đã nhận lệnh" : "không thực hiện được"
        return reason.map { "\(word): \($0)" } ?? word
    }
}

extension CommandAction {
    /// The command's name in `language` ("test-tone", "phát âm thử").
    func name(in language: Language = .current) -> String {
        guard language == .vietnamese else { return rawValue }
        switch self {
        case .volume: return "đặt âm lượng"
        case .mute: return "tắt tiếng"
        case .unmute: return "bật tiếng"
        case .testTone: return "phát âm thử"
        case .refresh: return "làm mới"
        case .zone: return "đổi khu vực"
        }
    }
}
