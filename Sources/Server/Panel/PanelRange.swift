import Foundation
import Hummingbird

/// The range a panel page shows: `range=today|7d|30d` (whole local days ending today, in the business's time
/// zone), or `from`/`to` dates typed in the form (`range=custom`, or either date given). The dates are resolved by
/// the analytics routes' own parser (`AnalyticsRange.parse`), so the page and `GET /v1/analytics/…?from=&to=` read
/// exactly the same calls; a bad value is the same 400.
struct PanelRange: Equatable {
    enum Preset: String, CaseIterable {
        case today, week = "7d", month = "30d", custom
    }

    var preset: Preset
    /// The first and last day shown, as `YYYY-MM-DD` (or as typed, for a custom range).
    var from: String
    var to: String
    var range: AnalyticsRange

    /// Without a range or dates: the last 30 days.
    static let defaultPreset = Preset.month

    init(_ query: Parameters, timeZone: TimeZone, now: Date) throws {
        func value(_ name: String) -> String? {
            query[name[...]].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let today = Self.day(now, timeZone)
        let typed = (from: value("from"), to: value("to"))
        if let name = value("range") {
            guard let known = Preset(rawValue: name) else {
                throw AppError(.badRequest, code: "invalid_parameter",
                               message: "range must be one of \(Preset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            preset = known
        } else {
            preset = typed.from != nil || typed.to != nil ? .custom : Self.defaultPreset
        }
        switch preset {
        case .today: (from, to) = (today, today)
        case .week: (from, to) = (Self.day(now, timeZone, minus: 6), today)
        case .month: (from, to) = (Self.day(now, timeZone, minus: 29), today)
        case .custom:
            to = typed.to ?? today
            from = typed.from ?? to
            if typed.from == nil, typed.to == nil { from = Self.day(now, timeZone, minus: 29) }
        }
        range = try AnalyticsRange.parse(from: from, to: to, timeZone: timeZone, now: now)
    }

    /// `date`'s local day (less `days`) as `YYYY-MM-DD`.
    static func day(_ date: Date, _ timeZone: TimeZone, minus days: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.date(byAdding: .day, value: -days, to: date)!
        return day.formatted(Date.ISO8601FormatStyle(timeZone: timeZone).year().month().day())
    }

    /// The query of this range, for links that keep it (`range=7d`, or `from=…&to=…`).
    var query: String {
        preset == .custom ? "from=\(Self.encoded(from))&to=\(Self.encoded(to))" : "range=\(preset.rawValue)"
    }

    /// `text` as one query value.
    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
