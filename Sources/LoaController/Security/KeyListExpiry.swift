import LoaWire

/// When the key list in force needs a person: from `KeyList.expiryWarning` (14 days) before its signed expiry
/// (`key-list-expiring`), and once it has expired (`key-list-expired`: boxes adopt no expired list, so a box set
/// up or reset from then on gets no trusted time; boxes that hold it play on).
///
/// Contract: `alert` is a pure rule on the list and the time (Unix ms); `due` says whether one is to be raised
/// again (at most once a day). The fleet's loop checks it every minute and raises what it returns.
enum KeyListExpiry {
    static let repeatEvery: UInt64 = 86_400_000

    /// The alert the list calls for at `now`, or nil while it is more than 14 days from its expiry.
    static func alert(for list: KeyList, now: UInt64) -> (kind: Alert.Kind, detail: String)? {
        let renew = "sign and install a newer one ('loa keys sign-list', then 'loa keys install')"
        if list.isExpired(at: now) {
            return (
                .keyListExpired,
                "key list version \(list.version) expired at \(isoTime(Int64(list.expiresAt))); boxes adopt no expired "
                    + "list: \(renew)"
            )
        }
        let left = list.expiresAt - now
        guard left <= KeyList.expiryWarning else { return nil }
        let days = (left + 86_399_999) / 86_400_000
        return (
            .keyListExpiring,
            "key list version \(list.version) expires in \(days) day\(days == 1 ? "" : "s"), at "
                + "\(isoTime(Int64(list.expiresAt))): \(renew)"
        )
    }

    /// Whether an alert is due at `now` after the last one raised at `last` (nil: none yet).
    static func due(now: UInt64, last: UInt64?) -> Bool { last.map { now &- $0 >= repeatEvery } ?? true }
}
