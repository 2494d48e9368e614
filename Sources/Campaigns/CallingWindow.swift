import Foundation

/// The hours of the day a campaign may call a recipient, in the **recipient's** local time: by default 08:00–21:00
/// (the US rule for telephone solicitations, 8am–9pm at the called party's location). A campaign may narrow it
/// (09:00–17:00) but never widen it past 08:00–21:00.
///
/// Times are local wall-clock times, so the window follows daylight saving time: 08:00 in New York is 13:00 UTC in
/// winter and 12:00 UTC in summer, and on the days the clocks change the window still opens at 08:00 local.
/// Start inclusive, end exclusive: a window ending 21:00 allows 20:59:59, not 21:00.
public struct CallingWindow: Sendable, Equatable, Hashable {
    /// Minutes after local midnight the window opens (480 = 08:00).
    public var startMinute: Int
    /// Minutes after local midnight the window closes (1260 = 21:00); after ``startMinute``.
    public var endMinute: Int

    /// The earliest opening any campaign may have: 08:00.
    public static let earliestStart = 8 * 60
    /// The latest closing any campaign may have: 21:00.
    public static let latestEnd = 21 * 60
    /// 08:00–21:00.
    public static let standard = CallingWindow(startMinute: earliestStart, endMinute: latestEnd)

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// The window checked: inside 08:00–21:00 and at least 15 minutes long.
    /// - Throws: ``CampaignValidationError`` on `calling_window.start` or `calling_window.end`.
    public func validated() throws(CampaignValidationError) -> CallingWindow {
        guard startMinute >= Self.earliestStart, startMinute < Self.latestEnd else {
            throw CampaignValidationError(field: "calling_window.start",
                "calling_window.start must be between 08:00 and 21:00 (the recipient's local time); \(Self.clock(startMinute)) is not")
        }
        guard endMinute <= Self.latestEnd, endMinute > Self.earliestStart else {
            throw CampaignValidationError(field: "calling_window.end",
                "calling_window.end must be between 08:00 and 21:00 (the recipient's local time); \(Self.clock(endMinute)) is not")
        }
        guard endMinute - startMinute >= 15 else {
            throw CampaignValidationError(field: "calling_window.end",
                "calling_window.end must be at least 15 minutes after calling_window.start")
        }
        return self
    }

    /// Whether a call may start at `instant` for a recipient in `zone`.
    public func allows(_ instant: Date, in zone: TimeZone) -> Bool {
        let minute = Self.minuteOfDay(instant, in: zone)
        return minute >= startMinute && minute < endMinute
    }

    /// The first instant at or after `instant` when a call may start for a recipient in `zone`: `instant` itself
    /// when the window is open, else the next local opening time (later today, or tomorrow). Days are stepped as
    /// calendar days in `zone`, never as 24 hours, so a day of 23 or 25 hours (a DST change) opens at the local
    /// opening time too.
    public func nextAllowed(atOrAfter instant: Date, in zone: TimeZone) -> Date {
        if allows(instant, in: zone) { return instant }
        let calendar = Self.calendar(zone)
        var day = calendar.dateComponents([.year, .month, .day], from: instant)
        if Self.minuteOfDay(instant, in: zone) >= startMinute {
            // Past today's window: tomorrow's opening. Step from local noon, which exists on every day.
            day.hour = 12
            let noon = calendar.date(from: day)!
            day = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: 1, to: noon)!)
        }
        day.hour = startMinute / 60
        day.minute = startMinute % 60
        day.second = 0
        // No IANA zone moves its clocks between 08:00 and 21:00 today; were the opening time skipped by a change,
        // Foundation would resolve it to an instant next to the gap (not tested).
        let opening = calendar.date(from: day)!
        return opening > instant ? opening : instant
    }

    /// When the window open at `instant` closes for a recipient in `zone` (today's local closing time, the first
    /// instant a call may no longer start); nil when the window is closed at `instant`. A call queued while the window
    /// is open must be dialled before this.
    public func closing(after instant: Date, in zone: TimeZone) -> Date? {
        guard allows(instant, in: zone) else { return nil }
        let calendar = Self.calendar(zone)
        var day = calendar.dateComponents([.year, .month, .day], from: instant)
        day.hour = endMinute / 60
        day.minute = endMinute % 60
        day.second = 0
        return calendar.date(from: day)
    }

    /// The local time of day of `instant` in `zone`, in minutes after midnight.
    public static func minuteOfDay(_ instant: Date, in zone: TimeZone) -> Int {
        let parts = calendar(zone).dateComponents([.hour, .minute], from: instant)
        return parts.hour! * 60 + parts.minute!
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// "08:00" for 480.
    public static func clock(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// Parses "HH:mm" (00:00–24:00) into minutes after midnight.
    public static func minute(parsing text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0...59).contains(minute),
              hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }
}

extension CallingWindow: Codable {
    enum CodingKeys: String, CodingKey { case start, end }

    /// `{"start": "08:00", "end": "21:00"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys) throws -> Int {
            let text = try container.decode(String.self, forKey: key)
            guard let minute = Self.minute(parsing: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "must be a time of day as HH:mm, e.g. 09:30")
            }
            return minute
        }
        self.init(startMinute: try read(.start), endMinute: try read(.end))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.clock(startMinute), forKey: .start)
        try container.encode(Self.clock(endMinute), forKey: .end)
    }
}
