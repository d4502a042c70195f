import LoaCrypto
import LoaSystem
import LoaTrust
import LoaWire
import Synchronization

/// Answers receivers' challenges with the controller's time and the key list, signed by the stream key.
///
/// Contract: answers are metered. Each source address gets `perSource` answers a second (`limits:
/// trust-per-second:`, in bursts of as many) and all sources together `SignatureBudget.perSecond`, so a flood of
/// requests, spoofed or not, costs a bounded number of signatures and a bounded reflected volume, while a box at
/// another address is still answered.
public final class TrustResponder: Sendable {
    let keys: KeyStore
    private let meters: Mutex<(perSource: SourceMeter, overall: SignatureBudget)>

    public init(keys: KeyStore, perSource: Int = RequestLimits().trustPerSecond) {
        self.keys = keys
        meters = Mutex((SourceMeter(perSecond: perSource), SignatureBudget(now: MonotonicClock.now())))
    }

    /// The answer to a trust request from `source` at `now` (monotonic nanoseconds), in the request's version, or
    /// nil if `bytes` is not one or the source's (or everyone's) allowance is spent.
    public func answer(_ bytes: UnsafeRawBufferPointer, from source: IPv4Address, now: UInt64) -> [UInt8]? {
        guard bytes.count == 20, case .request(let nonce)? = try? TrustMessage(decoding: Array(bytes)) else {
            return nil
        }
        let allowed = meters.withLock { $0.perSource.take(source, now: now) && $0.overall.spend(now: now) }
        guard allowed else { return nil }
        let list = keys.current.encoded
        // One reading of the clock for both fields; a version 1 request (a box of an earlier release) gets a
        // version 1 answer, without the nanoseconds.
        let nanoseconds = SealClock.nanoseconds()
        return TrustAnswer.make(
            nonce: nonce, time: UInt64(nanoseconds / 1_000_000),
            nanoseconds: TrustMessage.version(of: bytes) >= 2 ? UInt64(nanoseconds) : nil, keyList: list,
            signedBy: keys.streamKey)
    }
}
