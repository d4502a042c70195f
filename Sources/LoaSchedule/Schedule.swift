import Foundation

/// A commune's broadcast schedule: slots at fixed local times, each playing a list of clips and reading texts aloud
/// in some zones.
///
/// The file format is YAML, documented in `Schedules/README.md`. A `Schedule` is what a file says after
/// parsing; `ScheduleChecker` decides whether it can be applied.
public struct Schedule: Sendable, Equatable {
    /// One fixed-time slot.
    public struct Slot: Sendable, Equatable, Codable {
        /// A name for people ("Bản tin sáng").
        public var name: String
        /// Zone names, or ["all"] for every zone.
        public var zones: [String]
        /// Local start times, minutes after midnight.
        public var times: [Int]
        /// Days of the week it plays, 1 = Monday … 7 = Sunday.
        public var weekdays: Set<Int>
        /// First and last local date it plays ("2026-12-01"), both included; nil for no bound.
        public var from: LocalDate?
        public var until: LocalDate?
        /// The clips, played one after another; paths as written in the file.
        public var clips: [String]
        /// Texts read aloud after the clips, one after another (`say:`), as written in the file.
        public var texts: [String]
        /// Line and column of the slot in its file, for messages.
        public var line: Int
        public var column: Int
        /// Where each of `zones` and `clips` is written (same order and count), so that a message can point at
        /// the word itself; empty when the slot was not read from a file (messages then use the slot's place).
        public var zonePlaces: [Place]
        public var clipPlaces: [Place]
        public var textPlaces: [Place]
        /// A relayed station (`relay:`, then `backup:`), for `relayMinutes` from each start time, with a clip
        /// (`fallback:`, a path as written) played while no source gives audio; nil for a slot of clips and texts.
        public var relay: Relay?

        /// What a relay slot relays.
        public struct Relay: Sendable, Equatable, Codable {
            /// The station's URLs: the primary, then the backups.
            public var sources: [String]
            /// How long it lasts from each start time, in minutes (`until: "06:30"` or `length: 30m`).
            public var minutes: Int
            public var fallback: String?
            public var fallbackPlace: Place?

            public init(sources: [String], minutes: Int, fallback: String? = nil, fallbackPlace: Place? = nil) {
                self.sources = sources
                self.minutes = minutes
                self.fallback = fallback
                self.fallbackPlace = fallbackPlace
            }
        }

        public init(
            name: String, zones: [String], times: [Int], weekdays: Set<Int>, from: LocalDate?, until: LocalDate?,
            clips: [String], line: Int, column: Int, zonePlaces: [Place] = [], clipPlaces: [Place] = [],
            texts: [String] = [], textPlaces: [Place] = [], relay: Relay? = nil
        ) {
            self.relay = relay
            self.name = name
            self.zones = zones
            self.times = times
            self.weekdays = weekdays
            self.from = from
            self.until = until
            self.clips = clips
            self.line = line
            self.column = column
            self.zonePlaces = zonePlaces
            self.clipPlaces = clipPlaces
            self.texts = texts
            self.textPlaces = textPlaces
        }

        /// The place of the slot itself.
        public var place: Place { Place(line: line, column: column) }

        /// Where zone number `index` is written, else the slot's place.
        public func placeOfZone(_ index: Int) -> Place {
            zonePlaces.indices.contains(index) ? zonePlaces[index] : place
        }

        /// Where clip number `index` is written, else the slot's place.
        public func placeOfClip(_ index: Int) -> Place {
            clipPlaces.indices.contains(index) ? clipPlaces[index] : place
        }

        /// Where text number `index` is written, else the slot's place.
        public func placeOfText(_ index: Int) -> Place {
            textPlaces.indices.contains(index) ? textPlaces[index] : place
        }

        /// True if the slot plays on `date` (a local date).
        public func plays(on date: LocalDate) -> Bool {
            if let from, date < from { return false }
            if let until, date > until { return false }
            return weekdays.contains(date.weekday)
        }
    }

    /// A line and column in a schedule file, both from 1.
    public struct Place: Sendable, Equatable, Codable {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    public var slots: [Slot]
    /// Where the file was, to resolve relative clip paths.
    public var directory: String

    public init(slots: [Slot], directory: String) {
        self.slots = slots
        self.directory = directory
    }

    /// The absolute path of a clip as written in the file.
    public func resolve(_ clip: String) -> String {
        clip.hasPrefix("/") ? clip : URL(fileURLWithPath: directory).appendingPathComponent(clip).standardized.path
    }
}

/// A radio station's address as a relay takes it: `http://HOST/PATH` or `https://HOST/PATH` (Icecast, Shoutcast,
/// HLS). The schedule's `relay:`, `loa relay` and the controller check it with this one rule.
public enum StationAddress {
    /// True if `text` is such an address.
    public static func isValid(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return ["http", "https"].contains(scheme) && url.host?.isEmpty == false
    }
}

/// A calendar date without a time or zone, ordered.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses "YYYY-MM-DD"; nil if it is not a real date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (1...12).contains(month),
            (1...LocalDate.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Days since 1970-01-01 (proleptic Gregorian).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
