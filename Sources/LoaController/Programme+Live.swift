import LoaCodec
import LoaControlAPI
import LoaSource

/// A live broadcast on the air: its origin (an input or a relay) and the clip its recording goes to.
struct LiveBroadcast: Sendable {
    let source: any LiveOrigin
    let clip: Int64
    /// From an input: when the office last said it is still there (`keepLive`), and when the input's longest
    /// broadcast ends, on the monotonic clock (ms), so that a step of the wall clock cuts nobody off. A relay has
    /// neither: its window ends it.
    var heardAt: Int64? = nil
    var endsAt: Int64? = nil
}

/// The chimes live broadcasts start with (`chimes:`), encoded once when the controller starts.
enum LiveChimes {
    /// Encodes each file with `settings` at the programme loudness; a file that cannot be read stops the start with
    /// one line naming it.
    static func encode(_ files: [Priority: String], settings: EncoderSettings, loudness: LoudnessTarget?)
        throws(ControllerError) -> [Priority: EncodedClip]
    {
        var chimes: [Priority: EncodedClip] = [:]
        for (priority, file) in files {
            do throws(ClipError) {
                let level = try loudness.map { target throws(ClipError) in
                    try LevelPlan.measure(path: file, target: target)
                }
                chimes[priority] = try ClipEncoder.encode(path: file, settings: settings, level: level)
            } catch {
                throw ControllerError("the \(priority.rawValue) chime '\(file)' (chimes:): \(error.message)")
            }
        }
        return chimes
    }
}

extension Programme {
    /// Puts live input `input` on the air in `zones` as an item of `priority` (normal or priority; an emergency
    /// goes through the signed emergency command): the input is opened at once (a wrong device is refused and
    /// nothing is queued), encoded in real time once, with the first zone's Opus settings, and aired like any item of
    /// its priority (a priority broadcast cuts a normal item at once; an emergency cuts it). A zone that is busy joins
    /// when it is free, at the live edge. At the programme loudness (`loudness:`) a slow automatic gain brings the
    /// input towards it, under the true-peak ceiling (`LiveLevel`); with `loudness: off` it airs at its own level.
    /// It is recorded as it goes: its clip is the recording, stored when it ends (`stopLive`, or the input ends), so
    /// that the as-played log shows what aired. A broadcast cut short by a controller crash is not resumed (a relay is:
    /// `resumeRelays`).
    ///
    /// A microphone is never left open: whoever started it says every few seconds that it is still there
    /// (`keepLive`; `loa live` does every 2 s), and the broadcast is ended, logged and raised as a `live-cut` alert
    /// once `liveKeepaliveMilliseconds` pass without word, or after the input's `max-minutes`.
    public func startLive(input name: String, zones names: [String], priority: Priority, title: String?)
        throws(ProgrammeError) -> Item
    {
        guard priority != .emergency else {
            throw .live(
                "a live emergency starts only by signed command ('loa emergency start'); use --priority uu-tien or thuong"
            )
        }
        guard let input = inputs.first(where: { $0.name == name }) else {
            throw .unknownInput(name, known: inputs.map(\.name))
        }
        let targets = try resolveZones(names)
        let encoder = zones.first { $0.name == targets[0] }?.encoder ?? zones[0].encoder
        let logger = self.logger
        let source: LiveSource
        do {
            source = try LiveSource.start(
                input: input.name, device: input.device, rate: input.rate, channels: input.channels, encoder: encoder,
                loudness: clips.loudness, log: { logger.info("\($0)") })
        } catch { throw .live(error.message) }
        let heading = title ?? "Trực tiếp (\(input.name))"
        let item = try putOnAir(
            source, title: heading, priority: priority, zones: targets, frameMilliseconds: encoder.frameMilliseconds,
            source: Item.liveSourcePrefix + input.name, slotKey: nil)
        let now = Int64(clock.monotonicNanoseconds() / 1_000_000)
        live[item.id]?.heardAt = now
        live[item.id]?.endsAt = now + Int64(input.maximumMinutes) * 60_000
        logger.info(
            "live item \(item.id) '\(heading)' (\(priority.rawValue)) from input \(input.name) for \(targets.joined(separator: ", "))"
        )
        return item
    }

    /// Stores the item of live origin `origin` (its clip, the recording, empty for now; a relay's `relayPlan`) and
    /// puts it on the air in `zones`; stops the origin if that fails.
    func putOnAir(
        _ origin: any LiveOrigin, title: String, priority: Priority, zones targets: [String], frameMilliseconds: Int,
        source: String, slotKey: String?, relayPlan: RelayPlan? = nil
    ) throws(ProgrammeError) -> Item {
        let now = clock.now()
        do {
            let clip = try stored { () throws(StoreError) in
                try store.insertClip(
                    title: title, text: nil, frameCount: 0, frameMilliseconds: frameMilliseconds, at: now)
            }
            let item = try stored { () throws(StoreError) in
                try store.insertItem(
                    NewItem(
                        clip: clip, title: title, priority: priority, immediate: priority == .priority,
                        onInterrupt: .resume, zones: targets, queuedAt: now, plannedAt: now, source: source),
                    slotKey: slotKey)
            }
            if let relayPlan {
                try stored { () throws(StoreError) in try store.saveRelayPlan(relayPlan, item: item.id) }
            }
            live[item.id] = LiveBroadcast(source: origin, clip: clip.id)
            for zone in targets { try reconsider(zone) }
            return item
        } catch {
            origin.stop()
            throw error
        }
    }

    /// Ends live item `id`: its input stops, each zone plays what was encoded and moves on, and its recording is
    /// stored as its clip. Returns the item, its length set.
    public func stopLive(_ id: Int64) async throws(ProgrammeError) -> Item {
        guard let broadcast = live[id] else { throw .notLive(id) }
        broadcast.source.stop()
        // The source ends its feed within a frame; a device blocked in a read returns within its period.
        for _ in 0..<100 where !broadcast.source.hasEnded { try? await Task.sleep(for: .milliseconds(10)) }
        try closeLive(id)
        guard let item = try stored({ () throws(StoreError) in try store.item(id) }) else { throw .unknownItem(id) }
        return item
    }

    /// How long a live broadcast from an input stays on the air without word from whoever started it.
    public static let liveKeepaliveMilliseconds: Int64 = 10_000

    /// Live item `id`, from an input, is still wanted: its office is there. Returns the item; a broadcast that has
    /// ended (or a relay, which its window ends) is `notLive`.
    public func keepLive(_ id: Int64) throws(ProgrammeError) -> Item {
        guard live[id]?.heardAt != nil, live[id]?.source.hasEnded == false else { throw .notLive(id) }
        live[id]?.heardAt = Int64(clock.monotonicNanoseconds() / 1_000_000)
        guard let item = try stored({ () throws(StoreError) in try store.item(id) }) else { throw .unknownItem(id) }
        return item
    }

    /// Ends the live broadcasts whose input ended by itself, whose office has gone quiet, or that reached their
    /// input's longest broadcast, and stores their recordings (called every tick).
    func closeEndedLive() throws(ProgrammeError) {
        let now = Int64(clock.monotonicNanoseconds() / 1_000_000)
        for (id, broadcast) in live {
            if broadcast.source.hasEnded {
                if let reason = broadcast.source.endReason { logger.warning("live item \(id): \(reason)") }
            } else if let heard = broadcast.heardAt, now - heard > Self.liveKeepaliveMilliseconds {
                cut(id, "no word from the office for \((now - heard) / 1000) s ('loa live' was killed or cut off)")
            } else if let ends = broadcast.endsAt, now >= ends {
                cut(id, "on the air for its input's longest broadcast ('max-minutes' of inputs:)")
            } else {
                continue
            }
            try closeLive(id)
        }
    }

    /// Logs and raises as a `live-cut` alert that the controller ends live item `id` for `reason`.
    private func cut(_ id: Int64, _ reason: String) {
        logger.warning("live item \(id) ended by the controller: \(reason)")
        alerts.raise(.liveCut, "live item \(id): \(reason)")
    }

    /// Stores the recording of live item `id` as its clip and forgets the broadcast. Zones still sending its last
    /// frames go on reading the feed, which stays whole.
    private func closeLive(_ id: Int64) throws(ProgrammeError) {
        guard let broadcast = live.removeValue(forKey: id) else { return }
        broadcast.source.stop()
        let recording = broadcast.source.feed.recording()
        do { try clips.store([ClipLibrary.Encoding(variant: nil, clip: recording)], clip: broadcast.clip) } catch {
            throw .storage("cannot write the recording of live item \(id) to \(clips.directory.path): \(error)")
        }
        try stored { () throws(StoreError) in
            try store.setLength(clip: broadcast.clip, item: id, frameCount: recording.frameCount)
        }
        logger.info(
            "live item \(id) ended: \(recording.durationMilliseconds / 1000) s recorded as clip \(broadcast.clip)")
    }
}
