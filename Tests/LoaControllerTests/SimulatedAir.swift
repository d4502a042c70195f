import Foundation
import LoaController
import LoaSource
import Synchronization

/// The controller's clock, moved by hand: the wall clock also backwards (as an NTP step would), the monotonic
/// clock forward by as much as the wall clock moves forward, never back.
final class ManualClock: ControllerClock {
    private let value: Mutex<(wall: Int64, monotonic: UInt64)>
    init(_ start: Int64) { value = Mutex((start, 0)) }
    func now() -> Int64 { value.withLock { $0.wall } }
    func monotonicNanoseconds() -> UInt64 { value.withLock { $0.monotonic } }
    func set(_ time: Int64) {
        value.withLock { clock in
            clock.monotonic += UInt64(max(0, time - clock.wall)) * 1_000_000
            clock.wall = time
        }
    }
}

/// The air, simulated: an item plays for exactly its length on the manual clock.
final class SimulatedAir: Air, @unchecked Sendable {
    struct Playing {
        var airing: Int64
        var startFrame: Int
        var frameCount: Int
        var frameMilliseconds: Int
        var startedAt: Int64
    }

    private let state = Mutex<(playing: [String: Playing], events: [AirEvent])>(([:], []))
    let clock: ManualClock

    init(clock: ManualClock) { self.clock = clock }

    func play(_ item: ReadyItem, zone: String) {
        let now = clock.now()
        state.withLock { state in
            if let old = state.playing[zone] {
                state.events.append(.stopped(airing: old.airing, zone: zone, at: now, frame: frame(old, now)))
            }
            state.playing[zone] = Playing(
                airing: item.id, startFrame: item.startFrame, frameCount: item.clip?.frameCount ?? 0,
                frameMilliseconds: item.frameMilliseconds, startedAt: now)
            state.events.append(.started(airing: item.id, zone: zone, at: now))
        }
    }

    func stop(zone: String) {
        let now = clock.now()
        state.withLock { state in
            if let old = state.playing.removeValue(forKey: zone) {
                state.events.append(.stopped(airing: old.airing, zone: zone, at: now, frame: frame(old, now)))
            }
        }
    }

    func onAir(zone: String) -> (airing: Int64, frame: Int)? {
        let now = clock.now()
        return state.withLock { state in state.playing[zone].map { ($0.airing, frame($0, now)) } }
    }

    /// Ends what has played to its end by now, and hands over every event since the last call.
    func takeEvents() -> [AirEvent] {
        let now = clock.now()
        return state.withLock { state in
            for (zone, playing) in state.playing {
                let end =
                    playing.startedAt + Int64((playing.frameCount - playing.startFrame) * playing.frameMilliseconds)
                if end <= now {
                    state.events.append(
                        .finished(airing: playing.airing, zone: zone, at: end, frame: playing.frameCount))
                    state.playing[zone] = nil
                }
            }
            defer { state.events.removeAll() }
            return state.events
        }
    }

    private func frame(_ playing: Playing, _ now: Int64) -> Int {
        min(playing.frameCount, playing.startFrame + Int(max(0, now - playing.startedAt)) / playing.frameMilliseconds)
    }
}

/// A clip of `seconds` seconds (its bytes are never decoded in simulation).
func silentClip(seconds: Int) -> EncodedClip {
    var clip = EncodedClip(frameMilliseconds: 20)
    let packet: [UInt8] = [0xF8, 0xFF, 0xFE]
    for _ in 0..<(seconds * 50) { packet.withUnsafeBytes { clip.append($0) } }
    clip.sourceSamples = seconds * 48_000
    return clip
}
