import Foundation

/// When a vendor works, per weekday, in the business's time zone: `{"monday": {"open": "08:00", "close": "17:00"}, …}`.
/// A day that is not listed is a day off. A vendor without hours (nil) works any time.
///
/// Times are "HH:mm", 24-hour; "24:00" closes at midnight. A span never crosses midnight: a vendor working nights
/// lists two days, or has no hours at all.
public struct VendorHours: Codable, Sendable, Equatable {
    public enum Day: String, Codable, CodingKeyRepresentable, CaseIterable, Sendable {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday

        /// `Calendar`'s weekday number: 1 = Sunday … 7 = Saturday.
        var calendarWeekday: Int {
            switch self {
            case .sunday: 1
            case .monday: 2
            case .tuesday: 3
            case .wednesday: 4
            case .thursday: 5
            case .friday: 6
            case .saturday: 7
            }
        }
    }

    /// One day's working time.
    public struct Span: Codable, Sendable, Equatable {
        public var open: String
        public var close: String

        public init(open: String, close: String) {
            self.open = open
            self.close = close
        }
    }

    public var days: [Day: Span]

    public init(_ days: [Day: Span]) { self.days = days }

    public init(from decoder: any Decoder) throws {
        days = try decoder.singleValueContainer().decode([Day: Span].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(days)
    }

    /// Minutes since midnight of a strict "HH:mm" (00:00 … 23:59, and "24:00"), else nil.
    public static func minutes(_ time: String) -> Int? {
        let utf8 = Array(time.utf8)
        guard utf8.count == 5, utf8[2] == UInt8(ascii: ":"),
              utf8[0...1].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), utf8[3...4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let hours = Int(time.prefix(2)), let minutes = Int(time.suffix(2))
        else { return nil }
        if hours == 24 && minutes == 0 { return 24 * 60 }
        guard hours < 24, minutes < 60 else { return nil }
        return hours * 60 + minutes
    }

    /// Throws ``TicketValidationError`` (`workingHours.monday must …`) for a time that is not "HH:mm" or a day that
    /// does not open before it closes.
    public func validate() throws(TicketValidationError) {
        for day in Day.allCases {
            guard let span = days[day] else { continue }
            guard let open = Self.minutes(span.open), let close = Self.minutes(span.close) else {
                throw TicketValidationError("workingHours.\(day.rawValue) must give open and close as HH:mm (24-hour)")
            }
            guard open < close else {
                throw TicketValidationError("workingHours.\(day.rawValue) must open before it closes (a span never crosses midnight)")
            }
        }
    }

    /// Whether `date` falls inside the working time of its weekday in `timeZone`.
    public func isWorking(at date: Date, timeZone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let day = Day.allCases.first(where: { $0.calendarWeekday == parts.weekday }), let span = days[day],
              let open = Self.minutes(span.open), let close = Self.minutes(span.close)
        else { return false }
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return open <= minute && minute < close
    }
}
