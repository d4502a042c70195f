import LoaWire
import Testing

@testable import LoaController

/// The controller's alert about the key list in force (issue 12, point 8): nothing until 14 days before its
/// signed expiry, then `key-list-expiring` with the days left, and `key-list-expired` once past it; at most once
/// a day.
@Suite("Key list expiry")
struct KeyListExpiryTests {
    let day: UInt64 = 86_400_000

    func list(expiresAt: UInt64) -> KeyList {
        KeyList(version: 4, issuedAt: 0, expiresAt: expiresAt, streamKey: Array(repeating: 1, count: 32), operators: [])
    }

    @Test func alertsFromFourteenDaysBeforeAndOnceExpired() {
        let expires = 1_000 * day
        #expect(KeyListExpiry.alert(for: list(expiresAt: expires), now: expires - 15 * day) == nil)
        let soon = KeyListExpiry.alert(for: list(expiresAt: expires), now: expires - 14 * day)
        #expect(soon?.kind == .keyListExpiring)
        #expect(soon?.detail.hasPrefix("key list version 4 expires in 14 days") == true)
        #expect(
            KeyListExpiry.alert(for: list(expiresAt: expires), now: expires - day + 1)?.detail.contains("in 1 day,")
                == true)
        let gone = KeyListExpiry.alert(for: list(expiresAt: expires), now: expires)
        #expect(gone?.kind == .keyListExpired)
        #expect(gone?.detail.contains("loa keys sign-list") == true)
        #expect(KeyListExpiry.alert(for: list(expiresAt: .max), now: expires) == nil)
    }

    @Test func raisedAtMostOnceADay() {
        #expect(KeyListExpiry.due(now: 5 * day, last: nil))
        #expect(!KeyListExpiry.due(now: 5 * day, last: 5 * day - day + 1))
        #expect(KeyListExpiry.due(now: 5 * day, last: 4 * day))
    }
}
