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
        "noText": (
            "Hãy nhập nội dung cần đọc, hoặc chọn một tệp âm thanh.",
            "Type the text to read aloud, or choose a sound file."
        ),
        "orLibrary": ("Hoặc một bản tin trong thư viện", "Or a clip of the library"),
        "orFile": ("Hoặc một tệp âm thanh (mp3, wav, m4a…)", "Or a sound file (mp3, wav, m4a…)"),
        "fileTooLarge": ("Tệp quá lớn: tối đa", "The file is too large: at most"),
        "uploading": ("Đang tải lên:", "Uploading:"),
        "uploadFailed": (
            "Không gửi được tệp: kiểm tra kết nối rồi thử lại.",
            "The file could not be sent: check the connection and try again."
        ),
        "whenField": ("Thời gian phát", "When"),
        "atField": ("Lúc (bỏ trống: phát theo lượt)", "At (empty: in turn)"),
        "repeatsField": ("Số lần phát", "Times"),
        "everyField": ("Cách nhau", "Every"),
        "hour": ("giờ", "hour"),
        "hours": ("giờ", "hours"),
        "oneDay": ("ngày", "day"),
        "badAt": ("Thời gian phát không đúng: chọn ngày và giờ.", "The time is not valid: choose a day and a time."),
        "atPassed": ("Thời gian phát đã qua: chọn một thời điểm sắp tới.", "That time has passed: choose one to come."),
        "badRepeat": ("Số lần phát phải từ 1 đến 48.", "Times must be from 1 to 48."),
        "badEvery": ("Khoảng cách giữa các lần phát không đúng.", "The time between airings is not valid."),
        "reject": ("Từ chối", "Reject"),
        "schedule": ("Lịch", "Schedule"),
        "heldTitle": ("Chờ duyệt", "Waiting for approval"),
        "soundCard": ("Card âm thanh", "Sound card"),
        "mapImage": ("Ảnh bản đồ xã (PNG, JPEG)", "Commune map image (PNG, JPEG)"),
        "mapTopLeft": ("Tọa độ góc trên bên trái", "Coordinates of the top-left corner"),
        "mapBottomRight": ("Tọa độ góc dưới bên phải", "Coordinates of the bottom-right corner"),
        "mapUpload": ("Tải ảnh bản đồ", "Upload the map"),
        "mapTooLarge": ("Ảnh quá lớn: tối đa 4 MiB.", "The image is too large: at most 4 MiB."),
        "mapNotImage": ("Ảnh bản đồ phải là tệp PNG hoặc JPEG.", "The map image must be a PNG or JPEG file."),
        "badMapCorners": (
            "Tọa độ các góc không đúng: góc trên trái phải ở phía tây bắc góc dưới phải, viết như 21.04000, 105.84000.",
            "The corners are not valid: the top-left must be north-west of the bottom-right, written as 21.04000, 105.84000."
        ),
        "cardGood": ("tốt", "good"),
        "cardFailing": ("HỎNG", "FAILING"),
        "underruns": ("lần thiếu dữ liệu", "underruns"),
        "scheduleWaiting": ("Lịch mới chờ duyệt, số khung giờ:", "A new schedule waits for approval, slots:"),
        "scheduleHeldDone": (
            "Đã gửi lịch mới; lịch có hiệu lực khi người duyệt đồng ý.",
            "The new schedule is sent; it takes effect once approved."
        ),
        "heldBy": ("gửi bởi", "from"),
        "release": ("Duyệt phát", "Release"),
        "allZones": ("Tất cả", "All"),
        "printable": ("Bản in", "Printable"),
        "print": ("In", "Print"),
        "reportTitle": ("Báo cáo thời lượng phát thanh tháng", "Broadcast time report,"),
        "items": ("Số mục", "Items"),
        "airtime": ("Thời lượng (phút:giây)", "Airtime (min:s)"),
        "total": ("Tổng cộng", "Total"),
        "printedAt": ("Lập lúc", "Made at"),
        "outcome-airing": ("đang phát", "airing"),
        "outcome-completed": ("đã phát xong", "completed"),
        "outcome-interrupted": ("bị ngắt", "interrupted"),
        "outcome-cancelled": ("đã hủy", "cancelled"),
        "outcome-failed": ("lỗi", "failed"),
        "outcome-missed": ("bị lỡ (máy chủ tắt)", "missed (controller off)"),
        "map": ("Bản đồ loa", "Map of the boxes"),
        "noMap": (
            "Chưa có loa nào có tọa độ: nhập vĩ độ, kinh độ (từ GPS điện thoại) ở từng loa bên dưới.",
            "No box has coordinates yet: enter latitude, longitude (from a phone's GPS) on each box below."
        ),
        "position": ("Tọa độ (vĩ độ, kinh độ)", "Coordinates (latitude, longitude)"),
        "place": ("Đặt vị trí", "Place"),
        "badPosition": (
            "Tọa độ không đúng: viết vĩ độ, kinh độ như 21.02850, 105.85420.",
            "The coordinates are not valid: write latitude, longitude as 21.02850, 105.85420."
        ),
        "addSlot": ("Thêm khung giờ", "Add a slot"),
        "editSlot": ("Sửa khung giờ", "Edit the slot"),
        "slotName": ("Tên (vd Bản tin sáng)", "Name (e.g. Morning news)"),
        "slotTimes": ("Giờ phát (vd 06:00, 17:30)", "Times (e.g. 06:00, 17:30)"),
        "slotDays": ("Các ngày", "Days"),
        "slotText": ("Văn bản cần đọc", "Text to read aloud"),
        "slotClip": (
            "Hoặc một bản tin trong thư viện (tên, hoặc số của tệp đã lưu; bỏ trống khi sửa: giữ nội dung cũ)",
            "Or a clip of the library (its name, or a stored clip's number; empty when editing: keep the content)"
        ),
        "unknownLibraryClip": ("Không có bản tin này trong thư viện:", "No such clip in the library:"),
        "slotFrom": ("Từ ngày (không bắt buộc)", "From (optional)"),
        "slotUntil": ("Đến ngày (không bắt buộc)", "Until (optional)"),
        "checkSlot": ("Kiểm tra", "Check"),
        "slotsApplied": ("Các khung giờ đang áp dụng", "Slots in force"),
        "edit": ("Sửa", "Edit"),
        "deleteSlot": ("Xóa", "Delete"),
        "undo": ("Hoàn tác lần áp dụng gần nhất", "Undo the last apply"),
        "applied": ("Đã áp dụng lịch mới.", "The new schedule is in force."),
        "confirmTitle": ("Xác nhận thay đổi lịch", "Confirm the change"),
        "confirmApply": ("Xác nhận áp dụng", "Apply it"),
        "back": ("Quay lại", "Back"),
        "willAdd": ("Thêm:", "Adds:"),
        "willReplace": ("Thay:", "Replaces:"),
        "replaceWith": ("bằng:", "with:"),
        "willDelete": ("Xóa:", "Removes:"),
        "willUndo": (
            "Trở lại lịch trước lần áp dụng gần nhất, số khung giờ:",
            "Puts back the schedule before the last apply, slots:"
        ),
        "nothingToUndo": ("Chưa có lần áp dụng nào để hoàn tác.", "There is no apply to undo."),
        "conflict": ("Trùng giờ:", "Overlap:"),
        "everyDay": ("hằng ngày", "every day"),
        "relayWord": ("Tiếp sóng", "Relay of"),
        "previousWeek": ("Tuần trước", "Previous week"),
        "thisWeek": ("Tuần này", "This week"),
        "nextWeek": ("Tuần sau", "Next week"),
        "weekday1": ("T2", "Mon"),
        "weekday2": ("T3", "Tue"),
        "weekday3": ("T4", "Wed"),
        "weekday4": ("T5", "Thu"),
        "weekday5": ("T6", "Fri"),
        "weekday6": ("T7", "Sat"),
        "weekday7": ("CN", "Sun"),
        "badTimes": (
            "Giờ phát không đúng: viết như 06:00, 17:30.", "The times are not valid: write them as 06:00, 17:30."
        ),
        "noDays": ("Chọn ít nhất một ngày.", "Choose at least one day."),
        "noZones": ("Chọn ít nhất một thôn.", "Choose at least one zone."),
        "noContent": (
            "Hãy nhập văn bản cần đọc hoặc chọn một bản tin trong thư viện.",
            "Type a text to read aloud or choose a clip of the library."
        ),
        "badDate": ("Ngày không đúng.", "The date is not valid."),
        "unknownSlot": (
            "Không có khung giờ này (có thể vừa bị sửa): tải lại trang.",
            "There is no such slot (it may have just changed): reload the page."
        ),
        "noName": ("Hãy đặt tên cho khung giờ.", "Give the slot a name."),
        "moveTo": ("Chuyển thôn", "Move"),
        "setVolume": ("Đặt âm lượng (%)", "Set volume (%)"),
        "rename": ("Đổi tên", "Rename"),
        "removeBox": ("Xóa khỏi danh sách", "Remove from the list"),
        "badVolume": ("Âm lượng phải là số nguyên từ 0 đến 100.", "The volume must be a whole number from 0 to 100."),
        "emergencyPage": ("Khẩn cấp", "Emergency"),
        "emergencyStarted": ("Đã phát khẩn cấp:", "Emergency on the air:"),
        "emergencyStopped": ("Đã dừng phát khẩn cấp, số mục:", "Emergency stopped, items:"),
        "keyNote": (
            "Chọn tệp khóa (.key) của người có quyền phát khẩn cấp. Lệnh được ký ngay trên máy này; khóa không bao giờ được gửi đi.",
            "Choose the key file (.key) of an operator who may start emergencies. The command is signed on this computer; the key is never sent."
        ),
        "keyFile": ("Tệp khóa", "Key file"),
        "keyMissing": (
            "Hãy chọn tệp khóa trước (đủ số người ký).", "Choose the key file first (as many as must sign)."
        ),
        "keyIsPublic": (
            "Đây là tệp khóa công khai (.pub). Hãy chọn tệp khóa riêng (.key).",
            "That is a public key file (.pub). Choose the private key file (.key)."
        ),
        "keyUnreadable": ("Tệp này không phải tệp khóa của Loa.", "That file is not a Loa key file."),
        "needsHTTPS": (
            "Trình duyệt chỉ ký được qua HTTPS: hãy mở trang bằng https:// (tls: trong cấu hình).",
            "The browser signs only over HTTPS: open the page with https:// (tls: in the configuration)."
        ),
        "noPresets": (
            "Chưa có mẫu khẩn cấp nào (emergency-presets: trong cấu hình), hoặc dùng lệnh loa emergency start.",
            "No emergency presets yet (emergency-presets: in the configuration); or use loa emergency start."
        ),
        "presetName": ("Tên mẫu", "Preset"),
        "startEmergency": ("Ký và phát khẩn cấp", "Sign and start the emergency"),
        "stopEmergency": ("Dừng khẩn cấp", "Stop the emergency"),
        "stopAll": ("Ký và dừng mọi phát khẩn cấp", "Sign and stop every emergency"),
        "clipUnreadable": (
            "Không đọc được tệp âm thanh của mẫu này trên máy chủ.",
            "This preset's sound file cannot be read on the server."
        ),
        "noCommand": (
            "Không có lệnh đã ký: hãy tải lại trang và thử lại.", "No signed command: reload the page and try again."
        ),
        "unknownPreset": ("Không có mẫu khẩn cấp này.", "There is no such emergency preset."),
        "refused": ("Lệnh khẩn cấp bị từ chối:", "The emergency command was refused:"),
        "refusedUnknownKey": (
            "khóa này không có trong danh sách người được phép của xã.", "this key is not in the commune's key list."
        ),
        "refusedBadSignature": ("chữ ký không đúng.", "the signature does not verify."),
        "refusedNotPermitted": ("người này không có quyền phát khẩn cấp.", "this operator may not start emergencies."),
        "refusedTooFew": ("cần chữ ký của hai người khác nhau.", "it needs the signatures of two different operators."),
        "refusedTime": (
            "hết hạn hoặc giờ không khớp: hãy tải lại trang và ký lại.",
            "expired or out of time: reload the page and sign again."
        ),
        "refusedReplayed": ("lệnh này đã được dùng rồi.", "this command was used before."),
        "refusedClip": ("tệp âm thanh đã thay đổi sau khi ký.", "the sound file changed after it was signed."),
        "refusedOtherCommune": ("lệnh được ký cho xã khác.", "it was signed for another commune."),
        "refusedOther": ("lý do như sau", "as follows"),
        "needsRole": ("Tài khoản này không được phép. Cần vai trò: ", "This account may not do that. Role needed: "),
    ]

    /// The words of `language`, keyed as in `catalogue`.
    static func words(_ language: DashboardLanguage) -> [String: String] {
        catalogue.mapValues { language == .vi ? $0.vi : $0.en }
    }
}
