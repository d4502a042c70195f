import ArgumentParser

/// Every line `loa` shows a person, in English and in Vietnamese: one case per message, each with both texts, so
/// that a message without its translation does not compile. `{1}`, `{2}` … stand for the arguments of `text(_:)`,
/// and each text of a message uses the same ones (a unit test checks it). Words the controller sends (its error
/// lines) are translated where they are known (`ClientErrorWords`); ArgumentParser's own words by `ParserWords`.
enum Message: CaseIterable, Sendable {
    // The program and its shared options.
    case loaAbstract, loaDiscussion, controllerHelp, jsonHelp, csvHelp
    // Queue, say, cancel, status.
    case queueAbstract, queueFileHelp, queueTitleHelp, queueListHelp, queueNow, nothingQueued, queueNeedsFile
    // The clip library.
    case releaseAbstract, released, nothingHeld, heldLine, approveScheduleHelp, scheduleHeld, scheduleReleased
    case heldScheduleLine
    case queueClipHelp, queueFileOrClip, clipsAbstract, clipsListAbstract, clipsAddAbstract, clipsRemoveAbstract
    case clipNameHelp, clipLine, clipsEmpty, clipAdded, clipRemoved, unknownClipName, badClipName
    case zonesHelp, priorityHelp, nowHelp, onInterruptHelp, badPriority, badOnInterrupt, nowNeedsPriority
    case cancelAbstract, itemIdHelp, cancelled, queuedHead, queuedAt, queuedPlaying, uploading, uploadSent
    case controllerStillWorking, itemCountOne, itemCountMany, noBoxOnline
    case atHelp, repeatHelp, everyHelp, badAt, atPassed, badRepeat, badEvery, repeatNeedsEvery, queuedFor
    case untilHelp, badUntil, untilNeedsEvery, untilBeforeAt, tooManyAirings
    case statusAbstract, statusPlaying, statusIdle, statusQueued
    case noSuchFile, fileIsFolder, fileUnreadable, fileEmpty
    case sayAbstract, sayTextHelp, sayTextFileHelp, sayTitleHelp, sayDryRunHelp, textFileUnreadable, textFileNotUTF8
    case sayNeedsText, sayTextTwice, sayTextEmpty, sayTextTooLong
    case liveAbstract, liveStopAbstract, liveInputHelp, livePriorityHelp, liveNoEmergency, liveStarted, liveSpeakNow
    case liveWaiting, liveEnded, liveEndedElsewhere, liveUnreachable, liveReachedAgain
    case relayAbstract, relaySourcesHelp, relayUntilHelp, relayFallbackHelp, relayBadSource, relayBadUntil
    case relayFallbackMissing, relayStarted
    // Log and report.
    case logAbstract, sinceHelp, logZoneHelp, nothingAired, logLine, logSaid, logRecorded, badSince
    case perBoxHelp, logBoxLine, logNoBox, logBoxStarted, logBoxOffline, logBoxesOnTheirOwn
    case reportAbstract, monthHelp, badMonth, reportZone, reportPriority, reportItems, reportHours, reportTotal
    case reportPerBox, reportBox, reportFromCopy, reportConcealed, reportNoBox
    // Receivers and zones.
    case receiversAbstract, receiversListAbstract, noReceivers, receiversHeadings, receiverHelp
    case receiversShowAbstract, receiverSummary, soundCardFailing, noTrustedTime, heartbeatVersion, mutedMark
    case heartbeatPlayback, playingStream, idle, heartbeatCounters, heartbeatRepair, heartbeatJitter
    case heartbeatJitterSpare, heartbeatClips, clipReady, history
    case approveAbstract, approveDiscussion, approveNameHelp, approveZoneHelp, approved
    case moveAbstract, moveZoneHelp, movedWithoutGroup, renameAbstract, newNameHelp, renamed
    case removeReceiverAbstract, receiverRemoved, rejectAbstract, receiverRejected, zoneCommandResult, zoneNotJoined
    case zonesAbstract, zonesHeadings, zoneGone, onlineOf
    case alertsAbstract, alertsLastHelp, noAlerts, alertsHeadings, statusAlerts
    case targetZoneHelp, targetMissing, targetTwice, commandResult, toneOnMutedBox, commandsFailed
    case volumeAbstract, percentHelp, badVolume, muteAbstract, unmuteAbstract, testToneAbstract, refreshAbstract
    case soundOK, soundFailing, never, secondsAgo, minutesAgo, hoursAgo
    // Schedules, emergencies, audit, accounts, TLS.
    case scheduleAbstract, scheduleCheckAbstract, scheduleApplyAbstract, scheduleFileHelp, scheduleChecked,
        scheduleApplied, scheduleShowAbstract, dayHelp, weekHelp, badDay, nothingScheduled, weekdays, scheduleHasErrors,
        scheduleErrorCount, nothingApplied, clipMissing, clipUnreadable, clipUnplayable, clipTooLarge, textUnreadable,
        emergencyAbstract, emergencyStartAbstract, emergencyZonesHelp, emergencyClipHelp, emergencyItemHelp,
        emergencyKeyHelp, emergencyClipOrItem, emergencyStarted, presetHelp, presetsAbstract, presetsUnreadable,
        presetsNotText, presetsNotYAML, presetsNotMapping, presetBadField, presetUnknownField, noPresets, noSuchPreset,
        presetLine, presetsEmpty, emergencyNeedsZones, emergencyNeedsKey, emergencyStopAbstract, emergencyStopKeyHelp,
        emergencyStopped, rootHelp, signWithKey, notPrivateKey, auditAbstract, auditVerifyAbstract, auditLine,
        auditZones, loginAbstract, loginDiscussion, userHelp, sayWhichAccount, passwordPrompt, noPassword, loggedIn,
        logoutAbstract, loggedOut, accountsAbstract, accountAddAbstract, accountNameHelp, roleHelp, newAccountPrompt,
        accountAdded, accountsListAbstract, accountLine, accountRemoveAbstract, accountRemoved, accountRoleAbstract,
        accountRoleSet, accountRevokeAbstract, sessionsEnded, badRole, caHelp, fingerprintHelp, badFingerprint,
        trustQuestion
    // Keys.
    case keysAbstract, keysNewAbstract, operatorNameHelp, keysDirHelp, keyExists, keysWritten, initRootAbstract,
        keysListAbstract, keyListVersion, emergencyMark, signListAbstract, installAbstract, keyListInForce,
        cannotReadFile
    // Key files, time zone, session file.
    case badTimeZone, publicNotRoot, notLoaPrivateKey, privateNotPublic, notThatKey, notPublicKey, cannotWrite,
        noOperator, badKeyRole, fileNamesNoOperator, lastKeyListVersion, badValidDays, cannotMakeFolder,
        cannotSaveSession
    // Key ceremony and key lists.
    case signedListWritten, streamKeyLine, validUntil, noOperators, operatorsHeading, installWith, rootFingerprint,
        rootKeyWritten, rootFilesWritten, andStreamKey
    // The controller's and the libraries' words (`ClientErrorWords`).
    case noController, connectionRefused, noAnswerIn10s, noControllerTLS, clipNotAudio, clipEmpty, clipTruncated
    case unknownZone, unknownItem, itemAlreadyCancelled, wrongPassword, notLoggedIn, sessionExpired, needsRole
    case scheduleNotYAML, emergencyNeedsCommand, emergencyStopNeedsCommand
    // ArgumentParser's words (`ParserWords`).
    case parserUsage, parserArguments, parserOptions, parserSubcommands, parserOverview, parserHelpFlag
    case parserVersionFlag, parserSeeHelp, parserDefault, parserError, parserMissing, parserUnknownOption
    case parserInvalidValue, parserShortUsage, parserMoreInformation, parserSee

    /// The English and the Vietnamese text.
    var texts: (english: String, vietnamese: String) {
        switch self {
        case .loaAbstract:
            return ("Broadcast announcements to the commune's loudspeakers.", "Phát thông báo ra loa của xã.")
        case .loaDiscussion:
            return (
                "Messages are in Vietnamese when LANG (or LOA_LANG=vi) says so, in English otherwise.",
                "Thông báo bằng tiếng Việt khi LANG là vi_VN (hoặc LOA_LANG=vi); LOA_LANG=en để dùng tiếng Anh."
            )
        case .controllerHelp:
            return (
                "The controller's URL (default: $LOA_CONTROLLER, else http://127.0.0.1:8750).",
                "Địa chỉ máy chủ điều khiển (mặc định: $LOA_CONTROLLER, nếu không có thì http://127.0.0.1:8750)."
            )
        case .jsonHelp: return ("Print JSON instead of a table.", "In dạng JSON thay cho bảng.")
        case .csvHelp: return ("Comma-separated values, for a spreadsheet.", "In dạng CSV, để mở bằng bảng tính.")
        case .queueAbstract:
            return (
                "Queue a sound file (WAV, FLAC, Ogg, MP3, AAC/M4A) to play; says when it will air. --list shows the queue.",
                "Đưa một tệp âm thanh (WAV, FLAC, Ogg, MP3, AAC/M4A) vào hàng chờ phát; cho biết khi nào phát. --list xem hàng chờ."
            )
        case .queueFileHelp: return ("The sound file.", "Tệp âm thanh.")
        case .queueTitleHelp:
            return ("A title for the programme (default: the file's name).", "Tên bản tin (mặc định: tên tệp).")
        case .queueListHelp:
            return (
                "Show the pending queue of every zone in play order instead.",
                "Xem hàng chờ của từng khu vực theo thứ tự phát."
            )
        case .queueNow: return ("  now   #{1} [{2}] {3} ({4} of {5})", "  đang  #{1} [{2}] {3} ({4} / {5})")
        case .nothingQueued: return ("  (nothing queued)", "  (không có gì trong hàng chờ)")
        case .queueNeedsFile:
            return (
                "name a sound file to queue, or use --list to see the queue",
                "hãy ghi tên tệp âm thanh cần phát, hoặc dùng --list để xem hàng chờ"
            )
        case .releaseAbstract:
            return (
                "List what waits for approval, or release item ITEM (an approver's or admin's call; approval: on).",
                "Xem các tin chờ duyệt, hoặc duyệt tin ITEM để phát (người duyệt hoặc quản trị; khi bật approval)."
            )
        case .released: return ("#{1} \"{2}\" released → {3}", "Đã duyệt #{1} \"{2}\" → {3}")
        case .approveScheduleHelp:
            return ("Apply the schedule waiting for approval.", "Duyệt và áp dụng lịch đang chờ duyệt.")
        case .scheduleHeld:
            return (
                "{1}: {2} slots sent by {3}, waiting for an approver ('loa approve --schedule')",
                "{1}: {2} khung giờ do {3} gửi, đang chờ duyệt ('loa approve --schedule')"
            )
        case .scheduleReleased: return ("schedule of {1} slots applied", "đã duyệt và áp dụng lịch {1} khung giờ")
        case .heldScheduleLine:
            return (
                "schedule: {1} slots, by {2} (loa approve --schedule)",
                "lịch: {1} khung giờ, do {2} gửi (loa approve --schedule)"
            )
        case .nothingHeld: return ("(nothing waits for approval)", "(không có tin nào chờ duyệt)")
        case .heldLine: return ("#{1} \"{2}\" → {3}, by {4} ({5})", "#{1} \"{2}\" → {3}, do {4} gửi ({5})")
        case .queueClipHelp:
            return (
                "Queue the library's clip of this name instead of a file ('loa clips' lists them).",
                "Phát tệp có tên này trong thư viện thay cho một tệp ('loa clips' liệt kê)."
            )
        case .queueFileOrClip:
            return ("give a sound file or --clip NAME, not both", "ghi một tệp âm thanh hoặc --clip TÊN, không cả hai")
        case .clipsAbstract:
            return (
                "The clip library: recordings kept under a name, queued again with 'loa queue --clip NAME'.",
                "Thư viện bản tin: các tệp đã lưu theo tên, phát lại bằng 'loa queue --clip TÊN'."
            )
        case .clipsListAbstract: return ("List the library.", "Liệt kê thư viện.")
        case .clipsAddAbstract:
            return ("Store a sound file in the library under a name.", "Lưu một tệp âm thanh vào thư viện theo tên.")
        case .clipsRemoveAbstract:
            return (
                "Take a name out of the library (what is queued or scheduled with it still plays).",
                "Bỏ một tên khỏi thư viện (những gì đã xếp lịch bằng nó vẫn phát)."
            )
        case .clipNameHelp: return ("The clip's name, such as hop-dan.", "Tên trong thư viện, ví dụ hop-dan.")
        case .clipLine: return ("{1}  {2} ({3}, clip {4})", "{1}  {2} ({3}, tệp {4})")
        case .clipsEmpty:
            return (
                "(the library is empty: 'loa clips add NAME FILE' adds one)",
                "(thư viện trống: 'loa clips add TÊN TỆP' để thêm)"
            )
        case .clipAdded: return ("'{1}' is in the library: {2} ({3})", "Đã lưu '{1}' vào thư viện: {2} ({3})")
        case .clipRemoved: return ("'{1}' is out of the library", "Đã bỏ '{1}' khỏi thư viện")
        case .unknownClipName:
            return (
                "no clip named '{1}' in the library; 'loa clips' lists the names",
                "không có tệp tên '{1}' trong thư viện; 'loa clips' liệt kê các tên"
            )
        case .badClipName:
            return (
                "'{1}' cannot name a clip: use 1 to 64 letters, digits, '-' or '_' (such as hop-dan)",
                "'{1}' không dùng làm tên được: dùng 1 đến 64 chữ, số, '-' hoặc '_' (ví dụ hop-dan)"
            )
        case .zonesHelp:
            return (
                "Zone, or zones separated by commas, or all.",
                "Khu vực (thôn), nhiều khu vực cách nhau bằng dấu phẩy, hoặc all (tất cả)."
            )
        case .priorityHelp:
            return (
                "normal (in its turn), priority (before normal items) or emergency (at once); also thuong, uu-tien, khan-cap.",
                "thuong (thường: phát theo lượt), uu-tien (ưu tiên: phát trước mục thường) hoặc khan-cap (khẩn cấp: phát ngay)."
            )
        case .nowHelp:
            return (
                "A priority item interrupts a normal one at once instead of waiting for its end.",
                "Mục ưu tiên ngắt ngay mục thường đang phát thay vì chờ phát xong."
            )
        case .onInterruptHelp:
            return (
                "When cut off by a more urgent item: resume where it was cut, or restart.",
                "Khi bị mục khẩn hơn ngắt: resume (phát tiếp từ chỗ bị ngắt) hoặc restart (phát lại từ đầu)."
            )
        case .badPriority:
            return (
                "--priority '{1}' must be normal, priority or emergency (or thuong, uu-tien, khan-cap)",
                "--priority '{1}' không hợp lệ: dùng thuong, uu-tien hoặc khan-cap"
            )
        case .badOnInterrupt:
            return (
                "--on-interrupt '{1}' must be resume or restart",
                "--on-interrupt '{1}' không hợp lệ: dùng resume (phát tiếp) hoặc restart (phát lại từ đầu)"
            )
        case .nowNeedsPriority:
            return (
                "--now is for a priority item: add --priority priority (a normal item waits its turn)",
                "--now chỉ dùng cho mục ưu tiên: thêm --priority uu-tien (mục thường phải chờ đến lượt)"
            )
        case .cancelAbstract:
            return (
                "Remove a queued item, or stop it where it plays.", "Bỏ một mục khỏi hàng chờ, hoặc dừng mục đang phát."
            )
        case .itemIdHelp:
            return (
                "The item's id (from 'loa queue' or 'loa queue --list').",
                "Số của mục (xem bằng 'loa queue' hoặc 'loa queue --list')."
            )
        case .cancelled: return ("cancelled #{1} {2}", "đã hủy #{1} {2}")
        case .noBoxOnline:
            return (
                "warning: no box is online in {1} (0 of {2} approved): it is queued, but nobody may hear it; 'loa zones' shows every zone",
                "chú ý: không có loa nào đang trực tuyến ở {1} (0 / {2} đã duyệt): đã xếp hàng nhưng có thể không ai nghe; 'loa zones' cho xem mọi khu vực"
            )
        case .atHelp:
            return (
                "Air at this time, commune time: 17:00 today, or '05/12/2026 17:00' (default: now).",
                "Phát vào giờ này, giờ địa phương: 17:00 hôm nay, hoặc '05/12/2026 17:00' (mặc định: ngay)."
            )
        case .repeatHelp:
            return ("Air it this many times in all (with --every).", "Phát tất cả bao nhiêu lần (cùng --every).")
        case .everyHelp:
            return (
                "Time between repeats: 1d, 1h, 30m, 1h30m, 90s.",
                "Khoảng cách giữa các lần phát: 1d, 1h, 30m, 1h30m, 90s."
            )
        case .badAt:
            return (
                "--at '{1}' is not a time; write 17:00, or a date and time such as '05/12/2026 17:00'",
                "--at '{1}' không phải giờ; hãy viết 17:00, hoặc ngày giờ như '05/12/2026 17:00'"
            )
        case .atPassed:
            return (
                "--at '{1}' has passed; give a later time, or a date such as '05/12/2026 17:00'",
                "--at '{1}' đã qua; hãy cho giờ muộn hơn, hoặc ngày như '05/12/2026 17:00'"
            )
        case .badRepeat:
            return ("--repeat {1} must be 1 to {2}", "--repeat {1} phải từ 1 đến {2}")
        case .badEvery:
            return (
                "--every '{1}' is not a duration of at least 10 s; write 1d, 1h, 30m, 1h30m or 90s",
                "--every '{1}' không phải khoảng thời gian từ 10 giây; hãy viết 1d, 1h, 30m, 1h30m hoặc 90s"
            )
        case .repeatNeedsEvery:
            return ("--repeat needs --every (such as --every 1h)", "--repeat cần --every (ví dụ --every 1h)")
        case .untilHelp:
            return (
                "Repeat (with --every) until this date, or date and time: 10/12/2026, '10/12/2026 18:00'.",
                "Lặp lại (cùng --every) đến ngày này, hoặc ngày giờ này: 10/12/2026, '10/12/2026 18:00'."
            )
        case .badUntil:
            return (
                "--until '{1}' is not a date; write 10/12/2026, or a date and time such as '10/12/2026 18:00'",
                "--until '{1}' không phải ngày; hãy viết 10/12/2026, hoặc ngày giờ như '10/12/2026 18:00'"
            )
        case .untilNeedsEvery:
            return ("--until needs --every (such as --every 1d)", "--until cần --every (ví dụ --every 1d)")
        case .untilBeforeAt:
            return (
                "--until '{1}' is before the first airing; give a later date",
                "--until '{1}' trước lần phát đầu tiên; hãy cho ngày muộn hơn"
            )
        case .tooManyAirings:
            return (
                "that would air {1} times, more than {2}; give a nearer --until or a longer --every",
                "như vậy sẽ phát {1} lần, quá {2}; hãy cho --until gần hơn hoặc --every dài hơn"
            )
        case .queuedFor: return ("#{1} \"{2}\" → {3}: airs at {4}", "#{1} \"{2}\" → {3}: phát lúc {4}")
        case .queuedHead: return ("#{1} \"{2}\" → {3}", "#{1} \"{2}\" → {3}")
        case .queuedAt: return ("{1}: airs about {2}, after {3}", "{1}: phát khoảng {2}, sau {3}")
        case .itemCountOne: return ("{1} item", "{1} mục")
        case .itemCountMany: return ("{1} items", "{1} mục")
        case .queuedPlaying: return ("{1}: playing now", "{1}: đang phát")
        case .uploading: return ("sending: {1}% ({2} of {3} MiB)", "đang gửi: {1}% ({2} / {3} MiB)")
        case .uploadSent:
            return (
                "; the controller is preparing it (a long clip takes a while)",
                "; máy chủ đang xử lý tệp (tệp dài cần chờ lâu hơn)"
            )
        case .controllerStillWorking:
            return (
                "the controller did not answer within {1} s; it may still be working on it: check with 'loa queue --list' or 'loa status' before sending it again",
                "máy chủ chưa trả lời sau {1} giây; có thể nó vẫn đang xử lý: xem 'loa queue --list' hoặc 'loa status' trước khi gửi lại"
            )
        case .statusAbstract:
            return (
                "Show what each zone is playing and what is queued.",
                "Xem mỗi khu vực đang phát gì và còn gì trong hàng chờ."
            )
        case .statusPlaying:
            return ("{1}: playing #{2} [{3}] {4} at {5} of {6}", "{1}: đang phát #{2} [{3}] {4}, {5} / {6}")
        case .statusIdle: return ("{1}: idle", "{1}: đang nghỉ")
        case .statusQueued: return ("  queued #{1} [{2}] {3} ({4})", "  chờ phát #{1} [{2}] {3} ({4})")
        case .noSuchFile: return ("no file '{1}'; check the path", "không có tệp '{1}'; kiểm tra lại đường dẫn")
        case .fileIsFolder:
            return ("'{1}' is a folder, not a sound file", "'{1}' là một thư mục, không phải tệp âm thanh")
        case .fileUnreadable:
            return ("cannot read '{1}' (permission denied?)", "không đọc được '{1}' (không có quyền đọc?)")
        case .fileEmpty:
            return ("'{1}' is empty; record or export the clip again", "'{1}' rỗng; hãy ghi âm hoặc xuất lại tệp")
        case .sayAbstract:
            return (
                "Read a Vietnamese notice aloud in some zones; says when it will air. --dry-run shows how it reads.",
                "Đọc to một thông báo tiếng Việt ở các khu vực; cho biết khi nào phát. --dry-run xem máy sẽ đọc thế nào."
            )
        case .liveAbstract:
            return (
                "Put the microphone (a live input of the controller) on the air until Enter or Ctrl-C; it is recorded.",
                "Phát trực tiếp từ micrô (một đầu vào của máy chủ) đến khi nhấn Enter hoặc Ctrl-C; buổi phát được ghi lại."
            )
        case .liveStopAbstract:
            return (
                "End a live broadcast started elsewhere.", "Kết thúc một buổi phát trực tiếp đã bắt đầu ở nơi khác."
            )
        case .liveInputHelp:
            return (
                "The controller's live input ('inputs:' in its configuration).",
                "Đầu vào trực tiếp của máy chủ (mục 'inputs:' trong cấu hình)."
            )
        case .livePriorityHelp:
            return (
                "thuong (waits for the item playing) or uu-tien (cuts a normal item at once).",
                "thuong (chờ mục đang phát xong) hoặc uu-tien (cắt ngay mục thường)."
            )
        case .liveNoEmergency:
            return (
                "a live emergency starts only by signed command: use 'loa emergency start'",
                "phát khẩn cấp chỉ bắt đầu bằng lệnh có chữ ký: dùng 'loa emergency start'"
            )
        case .liveStarted:
            return ("#{1} live from '{2}' → {3}", "#{1} phát trực tiếp từ '{2}' → {3}")
        case .liveSpeakNow:
            return (
                "ON AIR: speak now. Press Enter (or Ctrl-C) to end.",
                "ĐANG PHÁT: mời nói. Nhấn Enter (hoặc Ctrl-C) để kết thúc."
            )
        case .liveWaiting:
            return (
                "Waiting for the zones to be free (an item of higher priority plays). Press Enter to give up.",
                "Đang chờ khu vực rảnh (một mục ưu tiên hơn đang phát). Nhấn Enter để thôi."
            )
        case .liveEnded:
            return ("#{1} ended: {2} on the air, recorded", "#{1} đã kết thúc: phát {2}, đã ghi lại")
        case .liveEndedElsewhere:
            return (
                "#{1} is no longer on the air: ended by 'loa live stop', by the input, or after its longest time ('loa log' shows it)",
                "#{1} không còn phát: đã bị dừng bằng 'loa live stop', nguồn vào đã dừng, hoặc đã hết thời gian tối đa ('loa log' cho biết)"
            )
        case .liveUnreachable:
            return (
                "cannot reach the controller ({1}); if it does not answer within 10 s it ends the broadcast by itself",
                "không liên lạc được với máy chủ ({1}); nếu sau 10 giây vẫn không được, máy chủ tự dừng phát"
            )
        case .liveReachedAgain:
            return ("the controller answers again; still on the air", "máy chủ đã trả lời lại; vẫn đang phát")
        case .relayAbstract:
            return (
                "Relay a radio station (VOV, the provincial station) on the air now, until a time or for a length.",
                "Tiếp sóng một đài (VOV, đài tỉnh) ngay bây giờ, đến một giờ hoặc trong một khoảng thời gian."
            )
        case .relaySourcesHelp:
            return (
                "The station's address (http://… or https://…: Icecast, Shoutcast, HLS), then backups in order.",
                "Địa chỉ của đài (http://… hoặc https://…: Icecast, Shoutcast, HLS), sau đó các nguồn dự phòng theo thứ tự."
            )
        case .relayUntilHelp:
            return (
                "When it ends: 06:30, '05/12/2026 06:30', or a length such as 30m or 1h30m.",
                "Khi nào kết thúc: 06:30, '05/12/2026 06:30', hoặc một khoảng như 30m hay 1h30m."
            )
        case .relayFallbackHelp:
            return (
                "A sound file played while no source gives sound.",
                "Tệp âm thanh phát khi không nguồn nào có tiếng."
            )
        case .relayBadSource:
            return (
                "'{1}' is not a station's address: write http://HOST/PATH or https://HOST/PATH",
                "'{1}' không phải địa chỉ của đài: hãy viết http://MÁY/ĐƯỜNG-DẪN hoặc https://MÁY/ĐƯỜNG-DẪN"
            )
        case .relayBadUntil:
            return (
                "--until '{1}' is neither a time nor a length; write 06:30, '05/12/2026 06:30', 30m or 1h30m",
                "--until '{1}' không phải giờ cũng không phải khoảng thời gian; hãy viết 06:30, '05/12/2026 06:30', 30m hoặc 1h30m"
            )
        case .relayFallbackMissing:
            return (
                "cannot read the fallback sound file {1}; check the path",
                "không đọc được tệp âm thanh dự phòng {1}; hãy kiểm tra đường dẫn"
            )
        case .relayStarted:
            return ("#{1} relaying {2} → {3} until {4}", "#{1} tiếp sóng {2} → {3} đến {4}")
        case .sayTextHelp: return ("The text of the notice (or --text-file).", "Nội dung thông báo (hoặc --text-file).")
        case .sayTextFileHelp:
            return (
                "Read the text from this UTF-8 file ('-': standard input).",
                "Lấy nội dung từ tệp văn bản UTF-8 này ('-': đầu vào chuẩn)."
            )
        case .sayTitleHelp:
            return (
                "A title for the programme (default: the text's first line).",
                "Tên bản tin (mặc định: dòng đầu của nội dung)."
            )
        case .sayDryRunHelp:
            return (
                "Print the words the voice would speak and the playing time; queue nothing.",
                "In ra các từ máy sẽ đọc và thời lượng; không phát gì."
            )
        case .textFileUnreadable:
            return ("cannot read '{1}'; check the path", "không đọc được '{1}'; kiểm tra lại đường dẫn")
        case .textFileNotUTF8:
            return (
                "'{1}' is not UTF-8 text; save it as UTF-8",
                "'{1}' không phải văn bản UTF-8; hãy lưu lại với bảng mã UTF-8"
            )
        case .sayNeedsText:
            return (
                "give the text to read aloud, in quotes, or --text-file FILE",
                "hãy ghi nội dung cần đọc trong dấu ngoặc kép, hoặc --text-file TỆP"
            )
        case .sayTextTwice:
            return ("give the text or --text-file, not both", "chỉ ghi nội dung hoặc --text-file, không dùng cả hai")
        case .sayTextEmpty:
            return (
                "the text to read aloud is empty; give the words of the notice",
                "nội dung cần đọc đang trống; hãy ghi nội dung thông báo"
            )
        case .sayTextTooLong:
            return (
                "the text is longer than {1} KiB; split the notice in two",
                "nội dung dài quá {1} KiB; hãy chia thông báo làm hai"
            )
        case .logAbstract:
            return (
                "The as-played log: what actually aired, when, and how it ended.",
                "Nhật ký phát: những gì đã thực sự phát, lúc nào, và kết thúc ra sao."
            )
        case .sinceHelp:
            return (
                "From this date or time in the commune's time zone: dd/mm/yyyy, 'dd/mm/yyyy HH:MM', YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (default: today).",
                "Từ ngày hoặc giờ này (giờ của xã): dd/mm/yyyy hoặc 'dd/mm/yyyy HH:MM' (mặc định: hôm nay)."
            )
        case .logZoneHelp: return ("Only this zone.", "Chỉ khu vực này.")
        case .nothingAired: return ("nothing aired since {1}", "không có gì được phát từ {1}")
        case .logLine: return ("{1}  {2}  #{3} [{4}] {5}  → {6}  until {7}", "{1}  {2}  #{3} [{4}] {5}  → {6}  đến {7}")
        case .logSaid: return ("    said: {1}", "    đã đọc: {1}")
        case .perBoxHelp:
            return (
                "Under each item, how every box played it: frames from its own copy, from the stream, rebuilt, concealed.",
                "Dưới mỗi mục: từng loa đã phát thế nào — số khung từ bản lưu trên loa, từ luồng, khôi phục, che lỗi."
            )
        case .logBoxLine:
            return (
                "    {1}: {2} frames: {3} from its copy, {4} from the stream, {5} rebuilt, {6} concealed",
                "    {1}: {2} khung: {3} từ bản lưu, {4} từ luồng, {5} khôi phục, {6} che lỗi"
            )
        case .logNoBox: return ("    no box has reported playing it", "    chưa loa nào báo đã phát")
        case .logBoxStarted: return (", started {1}", ", bắt đầu {1}")
        case .logBoxOffline:
            return (
                ", offline: played on its own from its copy, the controller out of reach",
                ", ngoại tuyến: loa tự phát từ bản lưu khi mất kết nối với máy chủ"
            )
        case .logBoxesOnTheirOwn:
            return (
                "Played by boxes but not aired by the controller in this period:",
                "Loa đã phát nhưng máy chủ không phát trong khoảng này:"
            )
        case .logRecorded:
            return (
                "    recorded live: clip {1} (STATE/clips/{1}.loaclip)",
                "    ghi âm trực tiếp: tệp {1} (STATE/clips/{1}.loaclip)"
            )
        case .badSince:
            return (
                "--since '{1}' must be a date such as 01/12/2026 or 2026-12-01, or a date and time such as '01/12/2026 17:00'",
                "--since '{1}' không phải ngày hợp lệ: ghi như 01/12/2026, hoặc ngày và giờ như '01/12/2026 17:00'"
            )
        case .reportAbstract:
            return (
                "Broadcast hours and item counts per zone and priority for a month.",
                "Số giờ phát và số mục theo khu vực và mức ưu tiên trong một tháng."
            )
        case .monthHelp:
            return (
                "The month, MM/YYYY or YYYY-MM, in the commune's time zone (default: this month).",
                "Tháng cần báo cáo, ghi mm/yyyy như 12/2026 (mặc định: tháng này)."
            )
        case .badMonth:
            return (
                "--month '{1}' must be a month such as 12/2026 or 2026-12",
                "--month '{1}' không phải tháng hợp lệ: ghi như 12/2026"
            )
        case .reportZone: return ("zone", "khu vực")
        case .reportPriority: return ("priority", "mức")
        case .reportItems: return ("items", "số mục")
        case .reportHours: return ("hours", "số giờ")
        case .reportTotal: return ("total", "tổng")
        case .reportPerBox: return ("Per box", "Theo từng loa")
        case .reportBox: return ("box", "loa")
        case .reportFromCopy: return ("from copy", "từ bản lưu")
        case .reportConcealed: return ("concealed", "che lỗi")
        case .reportNoBox:
            return ("no box has reported playing anything this month", "chưa loa nào báo đã phát trong tháng")
        case .receiversAbstract:
            return (
                "List the speaker boxes: state, sound card, last heard, loss, underruns, version.",
                "Danh sách loa: trạng thái, card âm thanh, lần liên lạc cuối, tỉ lệ mất gói, số lần hụt tiếng, phiên bản."
            )
        case .receiversListAbstract:
            return (
                "The table: name, id, zone, state, sound card, last seen, loss, underruns, version.",
                "Bảng: tên, mã, khu vực, trạng thái, card âm thanh, lần liên lạc cuối, mất gói, hụt tiếng, phiên bản."
            )
        case .noReceivers:
            return (
                "no receivers yet: a box appears here (pending) once its heartbeats reach the controller",
                "chưa có loa nào: một loa hiện ở đây (chờ duyệt) khi tín hiệu của nó về tới máy chủ"
            )
        case .receiversHeadings:
            return (
                "NAME|ID|ZONE|STATE|SOUND|SYNC|DELIVERY|LAST SEEN|LOSS|UNDERRUNS|VERSION",
                "TÊN|MÃ|KHU VỰC|TRẠNG THÁI|ÂM THANH|ĐỒNG BỘ|CÁCH NHẬN|LIÊN LẠC CUỐI|MẤT GÓI|HỤT TIẾNG|PHIÊN BẢN"
            )
        case .receiverHelp:
            return (
                "The receiver's id (or a unique start of it) or name.",
                "Tên loa, hoặc mã của nó (hay vài ký tự đầu của mã)."
            )
        case .receiversShowAbstract:
            return (
                "One receiver: its last heartbeat and recent history.", "Một loa: tín hiệu mới nhất và lịch sử gần đây."
            )
        case .receiverSummary:
            return ("{1} ({2}): {3}, zone {4}, last seen {5}", "{1} ({2}): {3}, khu vực {4}, liên lạc cuối {5}")
        case .soundCardFailing:
            return (
                "  SOUND CARD FAILING: the box is alive but cannot be heard ('loa refresh {1}' reopens it)",
                "  CARD ÂM THANH HỎNG: loa vẫn liên lạc nhưng không phát ra tiếng ('loa refresh {1}' để mở lại)"
            )
        case .noTrustedTime:
            return (
                "  NO TRUSTED TIME: the box cannot get trusted time from the controller and plays nothing (check its trust anchor and its log)",
                "  CHƯA CÓ GIỜ TIN CẬY: loa không lấy được giờ từ máy chủ nên không phát gì (kiểm tra khóa gốc và nhật ký của loa)"
            )
        case .heartbeatVersion:
            return ("  version {1}, up {2} s, volume {3}%{4}", "  phiên bản {1}, đã chạy {2} giây, âm lượng {3}%{4}")
        case .mutedMark: return (" (muted)", " (đang tắt tiếng)")
        case .heartbeatPlayback: return ("  {1}, jitter buffer {2} frames", "  {1}, bộ đệm {2} khung")
        case .playingStream: return ("playing stream {1}", "đang phát luồng {1}")
        case .idle: return ("idle", "đang nghỉ")
        case .heartbeatCounters:
            return (
                "  received {1}, lost {2}, late {3}, FEC {4}, concealed {5}, rejected {6}, underruns {7}",
                "  đã nhận {1}, mất {2}, trễ {3}, khôi phục {4}, che lỗi {5}, từ chối {6}, hụt tiếng {7}"
            )
        case .heartbeatRepair:
            return (
                "  loss repair: missed {1}, asked again {2}, repaired {3}, given up {4}",
                "  bù gói mất: thiếu {1}, xin lại {2}, đã bù {3}, bỏ qua {4}"
            )
        case .heartbeatJitter:
            return ("  jitter buffer: the network calls for {1} ms", "  bộ đệm chống rung: mạng cần {1} ms")
        case .heartbeatJitterSpare:
            return (
                "  jitter buffer: the network calls for {1} ms; the zone's playout delay leaves {2} ms to spare",
                "  bộ đệm chống rung: mạng cần {1} ms; độ trễ phát của vùng còn dư {2} ms"
            )
        case .heartbeatClips:
            return ("  bulletins held ahead: {1}", "  bản tin đã tải trước: {1}")
        case .clipReady: return ("ready", "sẵn sàng")
        case .history: return ("history:", "lịch sử:")
        case .approveAbstract:
            return (
                "Admit a pending receiver (or rename it, or move it to another zone).",
                "Duyệt một loa đang chờ (hoặc đổi tên, chuyển nó sang khu vực khác)."
            )
        case .approveDiscussion:
            return (
                "With a zone, the box is sent the zone's group and joins it at once; this waits for its answer.",
                "Khi ghi khu vực, loa được gửi nhóm của khu vực đó và vào nhóm ngay; lệnh chờ loa trả lời."
            )
        case .approveNameHelp:
            return (
                "A name for it, such as 'thon-dong-truong-hoc' (unique).",
                "Tên cho loa, như 'thon-dong-truong-hoc' (không trùng)."
            )
        case .approveZoneHelp: return ("The zone it plays.", "Khu vực loa phát.")
        case .approved: return ("approved {1} ({2}), zone {3}: {4}", "đã duyệt {1} ({2}), khu vực {3}: {4}")
        case .moveAbstract:
            return (
                "Move a receiver to another zone: it is sent the zone's group and joins it at once.",
                "Chuyển loa sang khu vực khác: loa nhận nhóm của khu vực đó và vào nhóm ngay."
            )
        case .moveZoneHelp:
            return (
                "The zone it plays from now on ('loa zones' lists them).",
                "Khu vực loa phát từ nay ('loa zones' liệt kê các khu vực)."
            )
        case .movedWithoutGroup:
            return (
                "{1} ({2}) is registered in zone {3}; it does not report its group, so none was sent",
                "{1} ({2}) đã được ghi vào khu vực {3}; loa này không báo nhóm nên không gửi nhóm cho nó"
            )
        case .renameAbstract:
            return ("Give a receiver another name (names are unique).", "Đổi tên một loa (tên không được trùng).")
        case .newNameHelp: return ("Its new name, such as 'thon-dong-cho'.", "Tên mới, như 'thon-dong-cho'.")
        case .renamed: return ("renamed {1} to {2}", "đã đổi tên {1} thành {2}")
        case .removeReceiverAbstract:
            return (
                "Forget a receiver: its history goes, and its heartbeats are ignored from now on.",
                "Xóa một loa: xóa lịch sử của nó và bỏ qua tín hiệu của nó từ nay."
            )
        case .receiverRemoved: return ("removed {1} ({2})", "đã xóa {1} ({2})")
        case .rejectAbstract:
            return (
                "Refuse a pending receiver: it is not admitted and raises no more alerts.",
                "Từ chối một loa đang chờ: không nhận nó và không cảnh báo về nó nữa."
            )
        case .receiverRejected: return ("rejected {1} ({2})", "đã từ chối {1} ({2})")
        case .zoneCommandResult: return ("{1} ({2}): zone {3} {4}", "{1} ({2}): khu vực {3} {4}")
        case .zoneNotJoined:
            return (
                "{1} is registered in zone {2} but has not joined it; it shows 'wrong-zone' until it does (try again with 'loa receivers move {1} --zone {2}' once it is online)",
                "{1} đã được ghi vào khu vực {2} nhưng chưa vào nhóm; nó hiện 'wrong-zone' đến khi vào được (chạy lại 'loa receivers move {1} --zone {2}' khi loa có liên lạc)"
            )
        case .zonesAbstract:
            return (
                "List the zones: their multicast group and their boxes (online / all).",
                "Danh sách khu vực: nhóm phát và số loa (đang hoạt động / tổng số)."
            )
        case .zonesHeadings: return ("ZONE|GROUP|BOXES ONLINE", "KHU VỰC|NHÓM|LOA HOẠT ĐỘNG")
        case .alertsAbstract:
            return (
                "List the latest alerts about the speaker boxes (offline, loss, sound card, …), newest last.",
                "Danh sách cảnh báo mới nhất về các loa (mất liên lạc, mất gói, hỏng card âm thanh, …), mới nhất ở cuối."
            )
        case .alertsLastHelp: return ("How many alerts to show.", "Số cảnh báo cần hiện.")
        case .noAlerts: return ("no alerts", "không có cảnh báo nào")
        case .alertsHeadings: return ("TIME|BOX|ALERT|DETAIL", "THỜI ĐIỂM|LOA|CẢNH BÁO|CHI TIẾT")
        case .statusAlerts:
            return (
                "alerts: {1} in the last 24 hours, the latest {2} at {3}: {4} (see 'loa alerts')",
                "cảnh báo: {1} trong 24 giờ qua, mới nhất: {2} lúc {3}: {4} (xem 'loa alerts')"
            )
        case .zoneGone: return ("NOT CONFIGURED (zone-gone)", "CHƯA CẤU HÌNH (zone-gone)")
        case .onlineOf: return ("{1} of {2}", "{1} / {2}")
        case .targetZoneHelp:
            return ("Every approved receiver in this zone instead.", "Thay vào đó: mọi loa đã duyệt trong khu vực này.")
        case .targetMissing:
            return (
                "name the receiver (its name or id), or a zone with --zone",
                "hãy ghi loa (tên hoặc mã), hoặc khu vực bằng --zone"
            )
        case .targetTwice:
            return (
                "name one receiver or a zone with --zone, not both",
                "chỉ ghi một loa hoặc một khu vực bằng --zone, không dùng cả hai"
            )
        case .commandResult: return ("{1} ({2}): {3} {4}", "{1} ({2}): {3} {4}")
        case .toneOnMutedBox:
            return (
                "  {1} is muted: the tone played silently; 'loa unmute {1}' and try again",
                "  {1} đang tắt tiếng nên không nghe thấy âm thử; chạy 'loa unmute {1}' rồi thử lại"
            )
        case .commandsFailed:
            return (
                "{1} of {2} receivers did not acknowledge '{3}'",
                "{1} trên {2} loa không nhận lệnh '{3}'; kiểm tra loa đó bằng 'loa receivers'"
            )
        case .volumeAbstract:
            return (
                "Set the volume of a receiver or of every receiver in a zone.",
                "Đặt âm lượng cho một loa hoặc cho mọi loa trong một khu vực."
            )
        case .percentHelp: return ("Percent, 0-100.", "Phần trăm, từ 0 đến 100.")
        case .badVolume:
            return ("the volume is a percent from 0 to 100", "âm lượng là một số phần trăm từ 0 đến 100")
        case .muteAbstract: return ("Silence a receiver or a zone.", "Tắt tiếng một loa hoặc một khu vực.")
        case .unmuteAbstract: return ("Undo 'loa mute'.", "Bật lại tiếng (ngược với 'loa mute').")
        case .testToneAbstract:
            return (
                "Play a 1 s, 1 kHz tone on a receiver to check its horn by ear.",
                "Phát một tiếng bíp 1 giây, 1 kHz trên loa để nghe thử loa còn kêu không."
            )
        case .refreshAbstract:
            return (
                "Make a receiver re-read its settings and set up again.",
                "Bảo loa đọc lại cài đặt và khởi động lại phần phát."
            )
        case .soundOK: return ("ok", "tốt")
        case .soundFailing: return ("FAILING", "HỎNG")
        case .never: return ("never", "chưa bao giờ")
        case .secondsAgo: return ("{1} s ago", "{1} giây trước")
        case .minutesAgo: return ("{1} min ago", "{1} phút trước")
        case .hoursAgo: return ("{1} h ago", "{1} giờ trước")
        case .scheduleAbstract:
            return (
                "Check, apply and show the broadcast schedule (see Schedules/README.md).",
                "Kiểm tra, áp dụng và xem lịch phát (xem Schedules/README.md)."
            )
        case .scheduleCheckAbstract:
            return (
                "Report every error in a schedule file; applies nothing.",
                "Báo mọi lỗi trong tệp lịch; không áp dụng gì."
            )
        case .scheduleApplyAbstract:
            return (
                "Check a schedule file and make it the schedule: all of it, or nothing if anything is wrong.",
                "Kiểm tra tệp lịch rồi dùng nó làm lịch phát: áp dụng tất cả, hoặc không gì nếu có lỗi."
            )
        case .scheduleFileHelp:
            return (
                "The schedule file (YAML).",
                "Tệp lịch (YAML)."
            )
        case .scheduleChecked:
            return (
                "{1}: {2} slots, no errors",
                "{1}: {2} khung giờ, không có lỗi"
            )
        case .scheduleApplied:
            return (
                "applied {1}: {2} slots",
                "đã áp dụng {1}: {2} khung giờ"
            )
        case .scheduleShowAbstract:
            return (
                "Show the timetable per zone, for a day or a week.",
                "Xem thời gian biểu của từng khu vực, cho một ngày hoặc một tuần."
            )
        case .dayHelp:
            return (
                "The day to show, dd/mm/yyyy or YYYY-MM-DD (default: today).",
                "Ngày cần xem, dd/mm/yyyy (mặc định: hôm nay)."
            )
        case .weekHelp:
            return (
                "Show seven days from that day.",
                "Xem bảy ngày kể từ ngày đó."
            )
        case .badDay:
            return (
                "--day '{1}' must be a date such as 01/12/2026 or 2026-12-01",
                "--day '{1}' không phải ngày hợp lệ: ghi như 01/12/2026"
            )
        case .nothingScheduled:
            return (
                "nothing scheduled",
                "không có gì trong lịch"
            )
        case .weekdays:
            return (
                "Mon|Tue|Wed|Thu|Fri|Sat|Sun",
                "T2|T3|T4|T5|T6|T7|CN"
            )
        case .scheduleHasErrors:
            return (
                "the schedule has errors",
                "tệp lịch có lỗi"
            )
        case .scheduleErrorCount:
            return (
                " ({1} errors; nothing applied)",
                " ({1} lỗi; chưa áp dụng gì)"
            )
        case .nothingApplied:
            return (
                " (nothing applied)",
                " (chưa áp dụng gì)"
            )
        case .clipMissing:
            return (
                "is missing (no file at {1})",
                "không có (không thấy tệp ở {1})"
            )
        case .clipUnreadable:
            return (
                "cannot be read (permission denied)",
                "không đọc được (không có quyền đọc)"
            )
        case .clipUnplayable:
            return (
                "cannot be played: {1}",
                "không phát được: {1}"
            )
        case .clipTooLarge:
            return (
                "is too large for the controller: {1}",
                "quá lớn với máy chủ: {1}"
            )
        case .textUnreadable:
            return (
                "cannot be read aloud: {1}",
                "không đọc to được: {1}"
            )
        case .emergencyAbstract:
            return (
                "Start or stop an emergency broadcast with a signed command.",
                "Bắt đầu hoặc dừng phát khẩn cấp bằng lệnh có chữ ký."
            )
        case .emergencyStartAbstract:
            return (
                "Interrupt every targeted zone at once with a clip (or a stored item), signed with your key.",
                "Ngắt ngay mọi khu vực được chọn để phát một tệp (hoặc một mục đã lưu), ký bằng khóa của bạn."
            )
        case .emergencyZonesHelp:
            return (
                "all, or zones separated by commas.",
                "all (tất cả), hoặc các khu vực cách nhau bằng dấu phẩy."
            )
        case .emergencyClipHelp:
            return (
                "The sound file to broadcast.",
                "Tệp âm thanh cần phát."
            )
        case .emergencyItemHelp:
            return (
                "A stored item to broadcast instead of a file.",
                "Một mục đã lưu để phát thay cho tệp."
            )
        case .emergencyKeyHelp:
            return (
                "Your private key file (twice, for two operators, if the commune requires it).",
                "Tệp khóa riêng của bạn (ghi hai lần, cho hai người, nếu xã yêu cầu)."
            )
        case .emergencyClipOrItem:
            return (
                "give either --clip FILE or --item ID",
                "hãy ghi --clip TỆP hoặc --item SỐ (chỉ một trong hai)"
            )
        case .presetHelp:
            return (
                "A preset of the office (presets.yaml): its clip, zones and key; options given here win.",
                "Một mẫu có sẵn của văn phòng (presets.yaml): tệp, khu vực và khóa; tùy chọn ghi ở đây được ưu tiên."
            )
        case .presetsAbstract:
            return (
                "List the office's emergency presets (LOA_PRESETS, else ~/.config/loa/presets.yaml).",
                "Liệt kê các mẫu khẩn cấp của văn phòng (LOA_PRESETS, hoặc ~/.config/loa/presets.yaml)."
            )
        case .presetsUnreadable: return ("{1}:{2}: {3}", "{1}:{2}: {3}")
        case .presetsNotText: return ("the presets file is not UTF-8 text", "tệp mẫu không phải văn bản UTF-8")
        case .presetsNotYAML:
            return ("the presets file is not valid YAML", "tệp mẫu không đúng định dạng YAML")
        case .presetsNotMapping:
            return (
                "each preset is a name with 'clip:', 'zones:' and 'key:' under it, such as 'bao-lu:'",
                "mỗi mẫu là một tên với 'clip:', 'zones:' và 'key:' bên dưới, ví dụ 'bao-lu:'"
            )
        case .presetBadField:
            return ("preset '{1}' needs '{2}: …' with a value", "mẫu '{1}' cần '{2}: …' có giá trị")
        case .presetUnknownField:
            return (
                "preset '{1}': unknown key '{2}' (keys: clip, zones, key)",
                "mẫu '{1}': khóa lạ '{2}' (các khóa: clip, zones, key)"
            )
        case .noPresets:
            return (
                "no emergency preset '{1}': there are none in {2}",
                "không có mẫu khẩn cấp '{1}': chưa có mẫu nào trong {2}"
            )
        case .noSuchPreset:
            return (
                "no emergency preset '{1}'; presets are: {2} (in {3})",
                "không có mẫu khẩn cấp '{1}'; các mẫu là: {2} (trong {3})"
            )
        case .presetLine: return ("{1}: {2} → {3}{4}", "{1}: {2} → {3}{4}")
        case .presetsEmpty:
            return (
                "no emergency presets in {1}; write one (name, clip:, zones:, key:) as the README shows",
                "chưa có mẫu khẩn cấp nào trong {1}; hãy viết một mẫu (tên, clip:, zones:, key:) như README hướng dẫn"
            )
        case .emergencyNeedsZones:
            return (
                "say where: --zones all (or zone names), or a preset such as 'loa emergency start bao-lu'",
                "hãy ghi nơi phát: --zones all (hoặc tên khu vực), hoặc một mẫu như 'loa emergency start bao-lu'"
            )
        case .emergencyNeedsKey:
            return (
                "sign it: --key YOUR.key (or a preset with 'key:')",
                "hãy ký: --key KHOA.key (hoặc một mẫu có 'key:')"
            )
        case .emergencyStarted:
            return (
                "emergency started in {1}: item {2}",
                "đã bắt đầu phát khẩn cấp ở {1}: mục {2}"
            )
        case .emergencyStopAbstract:
            return (
                "End the emergency broadcast; zones go back to the programme.",
                "Kết thúc phát khẩn cấp; các khu vực trở lại chương trình."
            )
        case .emergencyStopKeyHelp:
            return (
                "Your private key file.",
                "Tệp khóa riêng của bạn."
            )
        case .emergencyStopped:
            return (
                "emergency stopped in {1} ({2})",
                "đã dừng phát khẩn cấp ở {1} ({2})"
            )
        case .rootHelp:
            return (
                "The commune's root public key file (root.pub); default: the controller's (GET /keys/root.pub).",
                "Tệp khóa công khai gốc của xã (root.pub); mặc định: của máy chủ (GET /keys/root.pub)."
            )
        case .signWithKey:
            return (
                "sign with your key: --key NAME.key",
                "hãy ký bằng khóa của bạn: --key TÊN.key"
            )
        case .notPrivateKey:
            return (
                "'{1}' is not a Loa private key file (make one with 'loa keys new NAME')",
                "'{1}' không phải tệp khóa riêng của Loa (tạo bằng 'loa keys new TÊN')"
            )
        case .auditAbstract:
            return (
                "The hash-chained audit log: every state change and refused command, who, from where.",
                "Nhật ký kiểm tra (chuỗi băm): mọi thay đổi và lệnh bị từ chối, ai làm, từ đâu."
            )
        case .auditVerifyAbstract:
            return (
                "Checks the audit log's hash chain: 'N entries, chain intact', or the first broken row.",
                "Kiểm tra chuỗi băm của nhật ký: 'N mục, chuỗi nguyên vẹn', hoặc dòng hỏng đầu tiên."
            )
        case .auditLine:
            return (
                "{1}  {2}  {3}  by {4} from {5}  {6}  — {7}",
                "{1}  {2}  {3}  bởi {4} từ {5}  {6}  — {7}"
            )
        case .auditZones:
            return (
                "zones {1}",
                "khu vực {1}"
            )
        case .loginAbstract:
            return (
                "Log in to the controller; the session is kept in ~/.config/loa/tokens for the next commands.",
                "Đăng nhập vào máy chủ; phiên được giữ trong ~/.config/loa/tokens cho các lệnh sau."
            )
        case .loginDiscussion:
            return (
                "The password is read without echo from the terminal, or from standard input in scripts.",
                "Mật khẩu được nhập mà không hiện trên màn hình, hoặc đọc từ đầu vào chuẩn trong kịch bản."
            )
        case .userHelp:
            return (
                "The account's name (default: $USER).",
                "Tên tài khoản (mặc định: $USER)."
            )
        case .sayWhichAccount:
            return (
                "say which account with --user NAME",
                "hãy ghi tài khoản bằng --user TÊN"
            )
        case .passwordPrompt:
            return (
                "Password for {1} at {2}: ",
                "Mật khẩu của {1} ở {2}: "
            )
        case .noPassword:
            return (
                "no password given (type it, or pipe it on standard input)",
                "chưa nhập mật khẩu (gõ vào, hoặc đưa qua đầu vào chuẩn)"
            )
        case .loggedIn:
            return (
                "logged in as {1} ({2}) until {3} if unused",
                "đã đăng nhập là {1} ({2}); phiên hết hạn lúc {3} nếu không dùng"
            )
        case .logoutAbstract:
            return (
                "End this session and forget its token.",
                "Kết thúc phiên này và quên mã phiên."
            )
        case .loggedOut:
            return (
                "logged out of {1}",
                "đã đăng xuất khỏi {1}"
            )
        case .accountsAbstract:
            return (
                "Manage the operators' accounts (admin).",
                "Quản lý tài khoản người vận hành (quản trị viên)."
            )
        case .accountAddAbstract:
            return (
                "Add an account; its password is read without echo (or from standard input).",
                "Thêm tài khoản; mật khẩu được nhập mà không hiện (hoặc từ đầu vào chuẩn)."
            )
        case .accountNameHelp:
            return (
                "The account's name.",
                "Tên tài khoản."
            )
        case .roleHelp:
            return (
                "viewer, broadcaster, approver (releases broadcasters' items when approval is on), technician or admin.",
                "viewer (xem), broadcaster (phát thanh viên), approver (người duyệt, khi xã bật duyệt tin), technician (kỹ thuật) hoặc admin (quản trị)."
            )
        case .newAccountPrompt:
            return (
                "Password for the new account {1}: ",
                "Mật khẩu cho tài khoản mới {1}: "
            )
        case .accountAdded:
            return (
                "account '{1}' added with the role {2}",
                "đã thêm tài khoản '{1}' với vai trò {2}"
            )
        case .accountsListAbstract:
            return (
                "List the accounts, roles and live sessions.",
                "Danh sách tài khoản, vai trò và phiên đang mở."
            )
        case .accountLine:
            return (
                "{1}\t{2}\t{3} session(s)",
                "{1}\t{2}\t{3} phiên"
            )
        case .accountRemoveAbstract:
            return (
                "Remove an account and end its sessions.",
                "Xóa tài khoản và kết thúc các phiên của nó."
            )
        case .accountRemoved:
            return (
                "account '{1}' removed",
                "đã xóa tài khoản '{1}'"
            )
        case .accountRoleAbstract:
            return (
                "Give an account another role (its sessions end).",
                "Đổi vai trò của tài khoản (các phiên của nó kết thúc)."
            )
        case .accountRoleSet:
            return (
                "account '{1}' is now {2}",
                "tài khoản '{1}' giờ là {2}"
            )
        case .accountRevokeAbstract:
            return (
                "End every session of an account.",
                "Kết thúc mọi phiên của một tài khoản."
            )
        case .sessionsEnded:
            return (
                "every session of '{1}' ended",
                "mọi phiên của '{1}' đã kết thúc"
            )
        case .badRole:
            return (
                "the role '{1}' must be viewer, broadcaster, approver, technician or admin",
                "vai trò '{1}' không hợp lệ: dùng viewer, broadcaster, approver, technician hoặc admin"
            )
        case .caHelp:
            return (
                "Trust an https controller whose certificate a CA in this PEM file signed (default: $LOA_CA).",
                "Tin máy chủ https có chứng chỉ do CA trong tệp PEM này ký (mặc định: $LOA_CA)."
            )
        case .fingerprintHelp:
            return (
                "The SHA-256 fingerprint the controller printed at start (default: $LOA_TLS_FINGERPRINT): pins its certificate without asking, or re-pins a replaced one.",
                "Dấu vân tay SHA-256 máy chủ in ra khi khởi động (mặc định: $LOA_TLS_FINGERPRINT): ghi nhớ chứng chỉ mà không hỏi, hoặc ghi nhớ lại chứng chỉ đã thay."
            )
        case .badFingerprint:
            return (
                "'{1}' is not a SHA-256 fingerprint: give the 64 hex digits the controller printed (AB:CD:…)",
                "'{1}' không phải dấu vân tay SHA-256: hãy ghi 64 chữ số hex máy chủ đã in ra (AB:CD:…)"
            )
        case .trustQuestion:
            return (
                "The controller at {1} is not known yet. Its TLS certificate's SHA-256 fingerprint is\n  {2}\nCompare it with the one loa-controller printed when it started. Trust it (yes/no)? ",
                "Máy chủ ở {1} chưa được biết. Dấu vân tay SHA-256 của chứng chỉ TLS là\n  {2}\nHãy so với dấu vân tay loa-controller in ra khi khởi động. Tin máy chủ này (yes/no)? "
            )
        case .keysAbstract:
            return (
                "Operator keys and the commune's signed key list.",
                "Khóa của người vận hành và danh sách khóa có chữ ký của xã."
            )
        case .keysNewAbstract:
            return (
                "Make an operator key pair: NAME.key (private, mode 0600: keep it to yourself) and NAME.pub.",
                "Tạo cặp khóa cho người vận hành: TÊN.key (khóa riêng, tự giữ) và TÊN.pub."
            )
        case .operatorNameHelp:
            return (
                "The operator's name, e.g. chu-tich.",
                "Tên người vận hành, như chu-tich."
            )
        case .keysDirHelp:
            return (
                "The folder to write the two files in.",
                "Thư mục để ghi hai tệp."
            )
        case .keyExists:
            return (
                "'{1}' exists already; choose another name or folder",
                "'{1}' đã có; hãy chọn tên hoặc thư mục khác"
            )
        case .keysWritten:
            return (
                "wrote {1} (private, keep it safe) and {2} (give it to the commune's key keeper)",
                "đã ghi {1} (khóa riêng, hãy giữ cẩn thận) và {2} (đưa cho người giữ khóa của xã)"
            )
        case .initRootAbstract:
            return (
                "Make the commune root key and the first signed key list (on the laptop with the USB stick, not on the controller).",
                "Tạo khóa gốc của xã và danh sách khóa đầu tiên (trên máy tính xách tay có USB, không trên máy chủ)."
            )
        case .keysListAbstract:
            return (
                "Show the key list in force.",
                "Xem danh sách khóa đang dùng."
            )
        case .keyListVersion:
            return (
                "key list version {1}; stream key {2}",
                "danh sách khóa phiên bản {1}; khóa luồng {2}"
            )
        case .emergencyMark:
            return (
                " (emergency)",
                " (khẩn cấp)"
            )
        case .signListAbstract:
            return (
                "Sign the next key list with the commune root key kept offline; install it with 'loa keys install'.",
                "Ký danh sách khóa mới bằng khóa gốc của xã (giữ ngoài mạng); cài bằng 'loa keys install'."
            )
        case .installAbstract:
            return (
                "Install a key list signed elsewhere with the root key (made by 'loa keys sign-list').",
                "Cài danh sách khóa đã ký bằng khóa gốc (tạo bằng 'loa keys sign-list')."
            )
        case .keyListInForce:
            return (
                "key list version {1} in force",
                "danh sách khóa phiên bản {1} đã có hiệu lực"
            )
        case .cannotReadFile:
            return (
                "cannot read '{1}'",
                "không đọc được '{1}'"
            )
        case .badTimeZone:
            return (
                "LOA_TIMEZONE '{1}' is not a time zone; use a name such as Asia/Ho_Chi_Minh",
                "LOA_TIMEZONE '{1}' không phải múi giờ; dùng tên như Asia/Ho_Chi_Minh"
            )
        case .publicNotRoot:
            return (
                "'{1}' is a public key; sign with the commune root's private key (root.key)",
                "'{1}' là khóa công khai; hãy ký bằng khóa riêng gốc của xã (root.key)"
            )
        case .notLoaPrivateKey:
            return (
                "'{1}' is not a Loa private key file",
                "'{1}' không phải tệp khóa riêng của Loa"
            )
        case .privateNotPublic:
            return (
                "'{1}' is a private key; give {2} (its .pub file)",
                "'{1}' là khóa riêng; hãy đưa tệp .pub ({2})"
            )
        case .notThatKey:
            return (
                "'{1}' is not {2}",
                "'{1}' không phải {2}"
            )
        case .notPublicKey:
            return (
                "{1} is not a Loa public key",
                "{1} không phải khóa công khai của Loa"
            )
        case .cannotWrite:
            return (
                "cannot write '{1}': {2}",
                "không ghi được '{1}': {2}"
            )
        case .noOperator:
            return (
                "there is no operator '{1}' in key list version {2}",
                "không có người vận hành '{1}' trong danh sách khóa phiên bản {2}"
            )
        case .badKeyRole:
            return (
                "the role '{1}' is neither emergency nor plain",
                "vai trò '{1}' không hợp lệ: dùng emergency hoặc plain"
            )
        case .fileNamesNoOperator:
            return (
                "'{1}' does not name an operator",
                "'{1}' không cho biết tên người vận hành (đặt tên tệp là TÊN.pub)"
            )
        case .lastKeyListVersion:
            return (
                "key list version {1} is the last one",
                "danh sách khóa phiên bản {1} là phiên bản cuối cùng"
            )
        case .badValidDays:
            return (
                "--valid-days {1} is not 1 to 3650: give how many days the list is valid",
                "--valid-days {1} không nằm trong 1 đến 3650: ghi số ngày danh sách có hiệu lực"
            )
        case .cannotMakeFolder:
            return (
                "cannot make the folder '{1}': {2}",
                "không tạo được thư mục '{1}': {2}"
            )
        case .cannotSaveSession:
            return (
                "cannot save the session in {1}: {2}",
                "không lưu được phiên đăng nhập vào {1}: {2}"
            )
        case .signedListWritten:
            return (
                "wrote {1}: key list version {2} (was {3}), signed by root key {4}",
                "đã ghi {1}: danh sách khóa phiên bản {2} (trước là {3}), ký bằng khóa gốc {4}"
            )
        case .streamKeyLine:
            return (
                "stream key {1}",
                "khóa luồng {1}"
            )
        case .validUntil:
            return (
                "valid until {1}: sign the next one before then (the controller alerts 14 days ahead; boxes adopt no expired list)",
                "có hiệu lực đến {1}: hãy ký danh sách mới trước ngày đó (máy chủ cảnh báo trước 14 ngày; loa không nhận danh sách hết hạn)"
            )
        case .noOperators:
            return (
                "no operators",
                "không có người vận hành"
            )
        case .operatorsHeading:
            return (
                "operators:",
                "người vận hành:"
            )
        case .installWith:
            return (
                "install it with 'loa keys install {1}'",
                "cài bằng 'loa keys install {1}'"
            )
        case .rootFingerprint:
            return (
                "root key fingerprint {1}",
                "dấu vân tay khóa gốc {1}"
            )
        case .rootKeyWritten:
            return (
                "wrote {1}/root.key: the commune root private key; keep it on the chairman's USB stick only",
                "đã ghi {1}/root.key: khóa riêng gốc của xã; chỉ giữ trong USB của chủ tịch"
            )
        case .rootFilesWritten:
            return (
                "wrote {1}/root.pub, keylist.bin (version 1){2}: start the controller once with 'loa-controller --keys {1}', then remove root.key from any copy",
                "đã ghi {1}/root.pub, keylist.bin (phiên bản 1){2}: khởi động máy chủ một lần với 'loa-controller --keys {1}', rồi xóa root.key khỏi mọi bản sao"
            )
        case .andStreamKey:
            return (
                " and stream.key",
                " và stream.key"
            )
        case .noController:
            return (
                "no controller answers at {1} ({2}); start it with 'loa-controller', or point --controller or LOA_CONTROLLER at the right one",
                "không có máy chủ điều khiển nào trả lời ở {1} ({2}); hãy bật máy chủ ('loa-controller'), hoặc ghi đúng địa chỉ bằng --controller hay LOA_CONTROLLER"
            )
        case .connectionRefused: return ("connection refused", "bị từ chối kết nối")
        case .noAnswerIn10s: return ("no answer within 10 s", "không trả lời trong 10 giây")
        case .noControllerTLS:
            return (
                "cannot reach the controller at {1} over TLS; check that it runs and that the address is right (--controller)",
                "không kết nối được máy chủ ở {1} qua TLS; kiểm tra máy chủ đang chạy và địa chỉ đúng (--controller)"
            )
        case .clipNotAudio:
            return (
                "not an audio file Loa can read; save or export it as WAV, FLAC, Ogg Vorbis/Opus, MP3 or AAC/M4A and try again",
                "tệp này không phải tệp âm thanh Loa đọc được; hãy lưu hoặc xuất lại thành WAV, FLAC, Ogg, MP3 hoặc AAC/M4A rồi thử lại"
            )
        case .clipEmpty:
            return (
                "the audio file is empty (no samples); record or export the clip again",
                "tệp âm thanh không có tiếng nào; hãy ghi âm hoặc xuất lại tệp"
            )
        case .clipTruncated:
            return (
                "the audio file is truncated (it ends too early); copy or export the clip again",
                "tệp âm thanh bị cụt (kết thúc sớm hơn khai báo); hãy chép hoặc xuất lại tệp"
            )
        case .unknownZone:
            return ("unknown zone '{1}'; zones are: {2}", "không có khu vực '{1}'; các khu vực là: {2}")
        case .unknownItem:
            return (
                "no item {1}; 'loa queue --list' shows the queue",
                "không có mục {1}; 'loa queue --list' để xem hàng chờ"
            )
        case .itemAlreadyCancelled:
            return (
                "item {1} was already cancelled; nothing to cancel", "mục {1} đã bị hủy từ trước; không cần hủy nữa"
            )
        case .wrongPassword: return ("wrong name or password", "sai tên hoặc mật khẩu; hãy nhập lại")
        case .notLoggedIn:
            return (
                "not logged in: log in with 'loa login --controller URL' (or set LOA_TOKEN)",
                "chưa đăng nhập: hãy chạy 'loa login' (hoặc đặt LOA_TOKEN)"
            )
        case .sessionExpired:
            return (
                "your session has expired or was revoked: log in again with 'loa login --controller URL'",
                "phiên đăng nhập đã hết hạn hoặc bị thu hồi: hãy chạy lại 'loa login'"
            )
        case .needsRole:
            return (
                "{1} needs the role {2} (or admin); account '{3}' is {4}",
                "tài khoản '{3}' ({4}) không được làm việc này ({1}): cần vai trò {2} hoặc admin; hãy nhờ quản trị viên"
            )
        case .scheduleNotYAML:
            return (
                "not valid YAML ({1}); check the indentation and the colons on this line",
                "tệp lịch viết sai cú pháp YAML ở đây; kiểm tra thụt lề và dấu hai chấm ở dòng này ({1})"
            )
        case .emergencyNeedsCommand:
            return (
                "an emergency airs only by a signed command: use 'loa emergency start' (priority=emergency is refused here)",
                "chỉ lệnh có chữ ký mới phát khẩn cấp được: dùng 'loa emergency start --key TỆP-KHÓA'"
            )
        case .emergencyStopNeedsCommand:
            return (
                "an emergency item stops only by a signed command: use 'loa emergency stop'",
                "chỉ lệnh có chữ ký mới dừng được phát khẩn cấp: dùng 'loa emergency stop --key TỆP-KHÓA'"
            )
        case .parserUsage: return ("USAGE:", "CÁCH DÙNG:")
        case .parserArguments: return ("ARGUMENTS:", "THAM SỐ:")
        case .parserOptions: return ("OPTIONS:", "TÙY CHỌN:")
        case .parserSubcommands: return ("SUBCOMMANDS:", "LỆNH:")
        case .parserOverview: return ("OVERVIEW:", "TỔNG QUAN:")
        case .parserHelpFlag: return ("Show help information.", "Xem hướng dẫn này.")
        case .parserVersionFlag: return ("Show the version.", "Xem phiên bản.")
        case .parserSeeHelp: return ("for detailed help.", "để xem hướng dẫn chi tiết.")
        case .parserDefault: return ("(default:", "(mặc định:")
        case .parserError: return ("Error: ", "Lỗi: ")
        case .parserMissing: return ("Missing expected argument", "Thiếu tham số")
        case .parserUnknownOption: return ("Unknown option", "Không có tùy chọn")
        case .parserInvalidValue: return ("is invalid for", "không hợp lệ cho")
        case .parserShortUsage: return ("Usage:", "Cách dùng:")
        case .parserSee: return ("See '", "Xem '")
        case .parserMoreInformation: return ("for more information.", "để biết thêm.")
        }
    }

    /// The text in `language` with `{n}` replaced by the n-th argument.
    func filled(_ arguments: [any CustomStringConvertible], in language: Language) -> String {
        var text = language == .vietnamese ? texts.vietnamese : texts.english
        for (index, argument) in arguments.enumerated().reversed() {
            text = text.replacingOccurrences(of: "{\(index + 1)}", with: argument.description)
        }
        return text
    }

    /// The text in the user's language (`Language.current`) with `{n}` replaced by the n-th argument.
    func text(_ arguments: any CustomStringConvertible...) -> String { filled(arguments, in: .current) }

    /// "1 item", "3 items" ("3 mục") in `language`.
    static func items(_ count: Int, in language: Language = .current) -> String {
        (count == 1 ? itemCountOne : itemCountMany).filled([count], in: language)
    }

    /// The text as an option's or argument's help.
    var help: ArgumentHelp { ArgumentHelp(text()) }
}
