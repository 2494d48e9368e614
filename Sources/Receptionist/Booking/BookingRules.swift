import Foundation

/// A business's booking rules, as plain values: opening hours per weekday and the scheduling limits. The server
/// builds one from its settings; the phone path can build the same one to offer times.
public struct BookingPolicy: Sendable, Equatable {
    /// Opening hours per weekday, keyed by `Calendar` weekday (1 = Sunday … 7 = Saturday), as minutes since local
    /// midnight (`close` may be 1440, the end of the day). A missing weekday is closed.
    public var hours: [Int: OpeningHours]
    /// Length of one offered slot, in minutes (> 0).
    public var slotMinutes: Int
    /// At most this many appointments start on one local day; nil for no limit.
    public var maxJobsPerDay: Int?
    /// Minutes kept free between two appointments (driving from one job to the next).
    public var travelBufferMinutes: Int
    /// When true, only emergencies may start before 12:00 local time.
    public var reserveMorningsForEmergencies: Bool
    /// The business's time zone: hours, days and mornings are local to it.
    public var timeZone: TimeZone

    public init(
        hours: [Int: OpeningHours], slotMinutes: Int = 60, maxJobsPerDay: Int? = nil, travelBufferMinutes: Int = 0,
        reserveMorningsForEmergencies: Bool = false, timeZone: TimeZone
    ) {
        self.hours = hours
        self.slotMinutes = slotMinutes
        self.maxJobsPerDay = maxJobsPerDay
        self.travelBufferMinutes = travelBufferMinutes
        self.reserveMorningsForEmergencies = reserveMorningsForEmergencies
        self.timeZone = timeZone
    }

    /// Minutes since midnight before which a start counts as "morning".
    public static let noonMinutes = 12 * 60
}

/// One day's opening hours in minutes since local midnight; `open < close ≤ 1440`.
public struct OpeningHours: Sendable, Equatable {
    public var open: Int
    public var close: Int

    public init(open: Int, close: Int) {
        self.open = open
        self.close = close
    }
}

/// A time range: a proposed booking, an existing appointment, or a free slot.
public struct BookingInterval: Sendable, Equatable, Hashable, Codable {
    public var start: Date
    public var end: Date
    /// Emergencies may use reserved mornings.
    public var isEmergency: Bool

    public init(start: Date, end: Date, isEmergency: Bool = false) {
        self.start = start
        self.end = end
        self.isEmergency = isEmergency
    }
}

/// A calendar day (no time, no zone), e.g. the `date` of an availability query.
public struct LocalDate: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses a strict "YYYY-MM-DD" that names a real day, else nil.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The local day `date` falls on in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let parts = Self.calendar(timeZone).dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// Local midnight of this day in `timeZone` (the first instant of the day where midnight does not exist).
    public func startOfDay(in timeZone: TimeZone) -> Date {
        let calendar = Self.calendar(timeZone)
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        return calendar.startOfDay(for: noon)
    }

    /// The instant `minutes` after local midnight by the wall clock (1440 = the next day's midnight). A wall time
    /// skipped by a DST jump resolves to the instant just after the jump.
    public func instant(atMinute minutes: Int, in timeZone: TimeZone) -> Date {
        if minutes >= 24 * 60 { return next.startOfDay(in: timeZone) }
        let calendar = Self.calendar(timeZone)
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: minutes / 60, minute: minutes % 60))!
    }

    /// The following day.
    public var next: LocalDate {
        let utc = TimeZone(identifier: "UTC")!
        return LocalDate(Self.calendar(utc).date(byAdding: .day, value: 1, to: startOfDay(in: utc))!, in: utc)
    }

    /// `Calendar` weekday, 1 = Sunday … 7 = Saturday.
    public var weekday: Int {
        let utc = TimeZone(identifier: "UTC")!
        return Self.calendar(utc).component(.weekday, from: startOfDay(in: utc))
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}

/// Why a booking is refused. The server answers 409 with ``code`` and ``message``.
public enum BookingRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The end is not after the start.
    case invalidRange
    /// It starts before now.
    case inThePast
    /// It does not lie within the opening hours of its (local) day, or that day is closed.
    case outsideHours
    /// Mornings are kept for emergencies and this is not one.
    case morningReserved
    /// The day already has `limit` appointments.
    case dayFull(limit: Int)
    /// It overlaps `existing`, counting the travel buffer on both sides.
    case overlaps(BookingInterval)

    /// Stable machine-readable reason.
    public var code: String {
        switch self {
        case .invalidRange: "invalid_range"
        case .inThePast: "in_the_past"
        case .outsideHours: "outside_hours"
        case .morningReserved: "morning_reserved"
        case .dayFull: "day_full"
        case .overlaps: "overlaps"
        }
    }

    public var description: String {
        switch self {
        case .invalidRange: "the appointment must end after it starts"
        case .inThePast: "the appointment starts in the past"
        case .outsideHours: "the appointment is outside business hours"
        case .morningReserved: "mornings (before 12:00) are reserved for emergencies"
        case .dayFull(let limit): "that day is full (at most \(limit) appointments a day)"
        case .overlaps: "the appointment overlaps another one (including travel time between jobs)"
        }
    }
}

/// Booking rules as pure functions of values: whether a proposed appointment is allowed, and which slots of a day
/// are free. Every rule is evaluated in the policy's time zone, on real instants, so DST days have the length the
/// wall clock gives them (23 or 25 hours).
public struct BookingRules: Sendable {
    public var policy: BookingPolicy

    public init(policy: BookingPolicy) {
        self.policy = policy
    }

    /// The reason `proposed` cannot be booked next to `existing` (the other appointments that hold time — not
    /// cancelled ones, and not the one being rescheduled), or nil when it can.
    ///
    /// Checked in this order: range, past, hours, reserved morning, day limit, overlap.
    public func check(_ proposed: BookingInterval, existing: [BookingInterval], now: Date) -> BookingRejection? {
        guard proposed.end > proposed.start else { return .invalidRange }
        guard proposed.start >= now else { return .inThePast }
        let day = LocalDate(proposed.start, in: policy.timeZone)
        guard let (open, close) = openInterval(on: day), proposed.start >= open, proposed.end <= close else {
            return .outsideHours
        }
        if policy.reserveMorningsForEmergencies, !proposed.isEmergency,
           proposed.start < day.instant(atMinute: BookingPolicy.noonMinutes, in: policy.timeZone) {
            return .morningReserved
        }
        if let limit = policy.maxJobsPerDay {
            let sameDay = existing.filter { LocalDate($0.start, in: policy.timeZone) == day }.count
            if sameDay >= limit { return .dayFull(limit: limit) }
        }
        let buffer = TimeInterval(policy.travelBufferMinutes * 60)
        if let clash = existing.sorted(by: { $0.start < $1.start }).first(where: {
            proposed.start < $0.end.addingTimeInterval(buffer) && $0.start < proposed.end.addingTimeInterval(buffer)
        }) {
            return .overlaps(clash)
        }
        return nil
    }

    /// The slots of `day` that `check` would accept: `slotMinutes` long, stepped from opening time on real
    /// instants until closing time (a DST day offers one slot more or less), in order.
    ///
    /// - Parameter emergency: offer the slots an emergency could take (reserved mornings included).
    public func availability(on day: LocalDate, existing: [BookingInterval], now: Date, emergency: Bool = false) -> [BookingInterval] {
        guard policy.slotMinutes > 0, let (open, close) = openInterval(on: day) else { return [] }
        let step = TimeInterval(policy.slotMinutes * 60)
        var slots: [BookingInterval] = []
        var start = open
        while start.addingTimeInterval(step) <= close {
            let slot = BookingInterval(start: start, end: start.addingTimeInterval(step), isEmergency: emergency)
            if check(slot, existing: existing, now: now) == nil { slots.append(slot) }
            start = start.addingTimeInterval(step)
        }
        return slots
    }

    /// Opening and closing instants of `day`, or nil when it is closed.
    public func openInterval(on day: LocalDate) -> (Date, Date)? {
        guard let hours = policy.hours[day.weekday], hours.open < hours.close else { return nil }
        let open = day.instant(atMinute: hours.open, in: policy.timeZone)
        let close = day.instant(atMinute: hours.close, in: policy.timeZone)
        return open < close ? (open, close) : nil
    }
}
