import Foundation

/// At most `limit` events in any `window` seconds.
public struct WidgetRateLimit: Sendable, Equatable {
    public var limit: Int
    public var window: TimeInterval

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Given the times of the events in the window ending at `now` (any order), nil when one more is allowed, else how
    /// many seconds until the oldest of them leaves the window (at least 1).
    public func retryAfter(recent: [Date], now: Date) -> Int? {
        let inWindow = recent.filter { $0 > now.addingTimeInterval(-window) }.sorted()
        guard inWindow.count >= limit else { return nil }
        // The (count − limit + 1)-th oldest must leave the window before one more fits.
        let leaving = inWindow[inWindow.count - limit]
        return max(1, Int((leaving.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }
}
