import Foundation

/// When a vendor is expected: a start and an end, said the short way texts say it, in the business's time zone.
///
/// `today 2-6pm`, `tomorrow 9am-12pm`, `Fri 3 Jan 9:30-11am`. The day is relative to "now" in that zone (today,
/// tomorrow, else weekday, day and month — no year; a window is never months away); the meridiem is written once
/// when both ends share it; noon is 12pm, midnight 12am. The dash is an ASCII hyphen: an en dash is not GSM-7.
public struct VisitWindow: Sendable, Equatable, Codable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "today 2-6pm" as seen at `now` in `timeZone`.
    public func phrase(now: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let startDay = calendar.startOfDay(for: start)
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: now), to: startDay).day ?? 0
        let day: String
        switch days {
        case 0: day = "today"
        case 1: day = "tomorrow"
        default:
            let parts = calendar.dateComponents([.weekday, .day, .month], from: start)
            day = "\(Self.weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(Self.months[(parts.month ?? 1) - 1])"
        }
        return "\(day) \(Self.times(start, end, calendar: calendar))"
    }

    /// "2-6pm", "9am-12pm", "11:30am-1pm", "9:30-11am".
    static func times(_ start: Date, _ end: Date, calendar: Calendar) -> String {
        let from = calendar.dateComponents([.hour, .minute], from: start)
        let to = calendar.dateComponents([.hour, .minute], from: end)
        let fromHour = from.hour ?? 0, toHour = to.hour ?? 0
        let fromText = clock(fromHour, from.minute ?? 0), toText = clock(toHour, to.minute ?? 0)
        let sameMeridiem = (fromHour < 12) == (toHour < 12) && start < end
            && calendar.isDate(start, inSameDayAs: end)
        return (sameMeridiem ? fromText : fromText + meridiem(fromHour)) + "-" + toText + meridiem(toHour)
    }

    private static func clock(_ hour: Int, _ minute: Int) -> String {
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        return minute == 0 ? "\(twelve)" : "\(twelve):" + (minute < 10 ? "0\(minute)" : "\(minute)")
    }

    private static func meridiem(_ hour: Int) -> String { hour < 12 ? "am" : "pm" }
}
