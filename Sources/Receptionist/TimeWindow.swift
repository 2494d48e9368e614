import Foundation

/// When a caller wants someone, resolved to absolute instants by ``EntityExtractor/timeWindow(in:now:timeZone:)``.
public struct TimeWindow: Sendable, Equatable, Codable {
    /// The caller's words the window was read from, normalised ("tomorrow morning", "after 3").
    public var phrase: String
    /// The earliest acceptable instant.
    public var start: Date
    /// The latest acceptable instant; after `start`.
    public var end: Date

    public init(phrase: String, start: Date, end: Date) {
        self.phrase = phrase
        self.start = start
        self.end = end
    }
}
