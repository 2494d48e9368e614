import Foundation

/// How fast a running campaign is getting through its recipients, measured from what actually finished recently,
/// and how long the rest will take at that pace — the "time left" of its live counters.
///
/// The pace is the attempts that **ended** (any outcome: a conversation, a busy line, a voicemail …) in the last
/// ``window`` (30 minutes), per second of that window; when the campaign's first call started less than 30 minutes ago
/// the window is only that long, so a campaign ten minutes in is not judged by twenty minutes it did not run. The time
/// left is the later of:
/// - the recipients still to finish ÷ the pace (each needs at least one more attempt; calls already under way count,
///   as they still hold a slot), and
/// - the latest retry or calling-window deferral already scheduled (`next_attempt_at`): the campaign cannot finish
///   before it.
///
/// It is an estimate of calling time at the recent pace: it does not add the hours a recipient's calling window is
/// closed beyond the deferrals already scheduled, nor retries not yet needed. Unknown (nil) until an attempt has ended
/// in the window.
public struct CampaignPace: Sendable, Equatable {
    /// How far back ended attempts are counted: 30 minutes.
    public static let window: TimeInterval = 30 * 60

    /// Attempts that ended in the measured window.
    public var attemptsEnded: Int
    /// The measured window's length in seconds: ``window``, or less when the first call started more recently.
    public var measuredOver: TimeInterval

    /// - Parameters:
    ///   - attemptsEnded: attempts whose end is at or after `now − window`.
    ///   - firstAttemptAt: when the campaign's first attempt started (nil: none yet).
    public init(attemptsEnded: Int, firstAttemptAt: Date?, now: Date) {
        self.attemptsEnded = attemptsEnded
        let running = firstAttemptAt.map { now.timeIntervalSince($0) } ?? 0
        measuredOver = min(Self.window, max(0, running))
    }

    /// Attempts ended per second; nil before one has ended in the window.
    public var perSecond: Double? {
        guard attemptsEnded > 0, measuredOver > 0 else { return nil }
        return Double(attemptsEnded) / measuredOver
    }

    /// Attempts ended per hour at this pace; nil before one has ended in the window.
    public var perHour: Double? { perSecond.map { $0 * 3600 } }

    /// Seconds until the campaign is done at this pace: 0 when nobody is left; else the later of `remaining` ÷ the
    /// pace and `latestScheduled` (the latest `next_attempt_at` of a recipient still to finish) − `now`; nil without a
    /// pace.
    public func timeLeft(remaining: Int, latestScheduled: Date?, now: Date) -> TimeInterval? {
        if remaining <= 0 { return 0 }
        guard let perSecond else { return nil }
        let atPace = Double(remaining) / perSecond
        let waiting = latestScheduled.map { max(0, $0.timeIntervalSince(now)) } ?? 0
        return max(atPace, waiting)
    }
}
