import Foundation

/// The time range of an analytics request: `from` (inclusive) to `to` (exclusive), resolved in the business's
/// time zone. Query values are dates (`2026-11-01`, a whole day in the business's zone; `to` includes its day)
/// or ISO 8601 date-times with an offset (`2026-11-01T08:00:00-05:00`).
struct AnalyticsRange: Equatable {
    var from: Date
    var to: Date

    /// Longest range one request may ask for.
    static let maxDays = 366
    /// Without `from`, this many days before `to`.
    static let defaultDays = 30

    static func parse(from fromText: String?, to toText: String?, timeZone: TimeZone, now: Date) throws -> AnalyticsRange {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let to = try toText.map { try parse($0, name: "to", endOfDay: true, calendar: calendar) } ?? now
        let from = try fromText.map { try parse($0, name: "from", endOfDay: false, calendar: calendar) }
            ?? calendar.date(byAdding: .day, value: -defaultDays, to: to)!
        guard from < to else {
            throw AppError(.badRequest, code: "invalid_range", message: "from must be before to")
        }
        guard to.timeIntervalSince(from) <= Double(maxDays) * 86_400 + 3_600 else {
            throw AppError(.badRequest, code: "invalid_range", message: "a range may cover at most \(maxDays) days")
        }
        return AnalyticsRange(from: from, to: to)
    }

    /// One bound: a date (its start, or with `endOfDay` the start of the next day, in `calendar`'s zone) or an ISO
    /// 8601 date-time with offset. 400 `invalid_parameter` naming `name` otherwise. Also read by the panel's filters.
    static func parse(_ text: String, name: String, endOfDay: Bool, calendar: Calendar) throws -> Date {
        let text = text.trimmingCharacters(in: .whitespaces)
        let day = text.split(separator: "-", omittingEmptySubsequences: false)
        if text.count == 10, day.count == 3, let year = Int(day[0]), let month = Int(day[1]), let dayOfMonth = Int(day[2]),
           (1...12).contains(month), (1...31).contains(dayOfMonth),
           let start = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth)),
           calendar.component(.day, from: start) == dayOfMonth {
            return endOfDay ? calendar.date(byAdding: .day, value: 1, to: start)! : start
        }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        throw AppError(.badRequest, code: "invalid_parameter",
                       message: "\(name) must be a date (2026-11-01) or an ISO 8601 date-time with offset (2026-11-01T08:00:00Z)")
    }
}
