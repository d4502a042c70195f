/// Every word the dashboard's pages show, in Vietnamese and English (one entry each: a phrase cannot exist in
/// one language only). Templates read them as `{{t.KEY}}`.
enum DashboardText {
    static let catalogue: [String: (vi: String, en: String)] = [
        "title": ("Loa — Đài truyền thanh xã", "Loa — commune broadcast"),
        "login": ("Đăng nhập", "Log in"),
        "logout": ("Đăng xuất", "Log out"),
        "name": ("Tên đăng nhập", "Account name"),
        "password": ("Mật khẩu", "Password"),
        "wrongPassword": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong name or password."),
        "tooManyLogins": ("Sai quá nhiều lần. Hãy thử lại sau ít phút.", "Too many failed logins. Try again later."),
        "expired": ("Phiên làm việc đã hết hạn. Hãy đăng nhập lại.", "Your session has ended. Please log in again."),
        "formExpired": (
            "Biểu mẫu đã cũ. Hãy tải lại trang rồi thử lại.", "The form is out of date. Reload the page and try again."
        ),
        "overview": ("Tổng quan", "Overview"),
        "broadcast": ("Phát thanh", "Broadcast"),
        "devices": ("Thiết bị", "Devices"),
        "logs": ("Nhật ký & báo cáo", "Log & reports"),
        "zone": ("Thôn / khu vực", "Hamlet / zone"),
        "nowPlaying": ("Đang phát", "Now playing"),
        "next": ("Tiếp theo", "Next"),
        "nothing": ("Không có", "Nothing"),
        "boxesOnline": ("Loa hoạt động", "Boxes online"),
        "offline": ("mất liên lạc", "offline"),
        "muted": ("đang tắt tiếng", "muted"),
        "pending": ("chờ duyệt", "waiting for approval"),
        "online": ("hoạt động", "online"),
        "rejected": ("đã từ chối", "rejected"),
        "alerts": ("Cảnh báo", "Alerts"),
        "noAlerts": ("Không có cảnh báo.", "No alerts."),
        "live": ("Tự động cập nhật", "Live"),
        "signedInAs": ("Đang đăng nhập:", "Signed in as"),
        "language": ("English", "Tiếng Việt"),
        "queued": ("Đã xếp hàng:", "Queued:"),
        "state": ("Trạng thái", "State"),
        "day": ("Ngày", "Day"),
        "show": ("Xem", "Show"),
        "report": ("Báo cáo tháng", "Monthly report"),
        "minutes": ("phút", "minutes"),
        "lastHeard": ("Liên lạc lần cuối", "Last heard"),
        "loss": ("Mất gói", "Loss"),
        "sync": ("Đồng bộ", "Sync"),
        "volume": ("Âm lượng", "Volume"),
        "approve": ("Duyệt", "Approve"),
        "mute": ("Tắt tiếng", "Mute"),
        "unmute": ("Bật tiếng", "Unmute"),
        "testTone": ("Phát âm thử", "Test tone"),
        "textToRead": ("Nội dung cần đọc", "Text to read aloud"),
        "titleField": ("Tiêu đề (không bắt buộc)", "Title (optional)"),
        "priorityField": ("Mức ưu tiên", "Priority"),
        "normal": ("thường", "normal"),
        "priority": ("ưu tiên", "priority"),
        "emergency": ("khẩn cấp", "emergency"),
        "emergencyNote": (
            "Khẩn cấp chỉ phát bằng lệnh có chữ ký (loa emergency start).",
            "An emergency airs only by a signed command (loa emergency start)."
        ),
        "playNow": ("Phát ngay (ngắt mục đang phát)", "Play now (interrupts what is playing)"),
        "send": ("Gửi phát", "Queue it"),
        "queue": ("Hàng chờ phát", "Queue"),
        "cancel": ("Hủy", "Cancel"),
        "noText": ("Hãy nhập nội dung cần đọc.", "Type the text to read aloud."),
        "needsRole": ("Tài khoản này không được phép. Cần vai trò: ", "This account may not do that. Role needed: "),
    ]

    /// The words of `language`, keyed as in `catalogue`.
    static func words(_ language: DashboardLanguage) -> [String: String] {
        catalogue.mapValues { language == .vi ? $0.vi : $0.en }
    }
}
