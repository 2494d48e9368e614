import Foundation

/// Times of day as a receptionist says them: "8 a.m.", "10:30 a.m.", "noon", "2:15 p.m.", "midnight".
public enum SpokenClock {
    /// `date`'s time of day in `timeZone`.
    public static func time(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let hour = parts.hour ?? 0, minute = parts.minute ?? 0
        if hour == 12 && minute == 0 { return "noon" }
        if hour == 0 && minute == 0 { return "midnight" }
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        let suffix = hour < 12 ? "a.m." : "p.m."
        return minute == 0 ? "\(twelve) \(suffix)" : String(format: "%d:%02d %@", twelve, minute, suffix)
    }
}
