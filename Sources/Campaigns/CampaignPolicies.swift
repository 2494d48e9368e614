import Foundation

/// How fast a campaign dials: at most this many of its calls in progress at once. The account's calls per second
/// is the server's (`FRONTDESK_OUTBOUND_CALLS_PER_SECOND`), shared by every campaign and every other outbound call.
public struct CampaignPacing: Codable, Sendable, Equatable, Hashable {
    /// 1–``maxConcurrentCallsLimit``; default 2.
    public var maxConcurrentCalls: Int

    public static let maxConcurrentCallsLimit = 50
    public static let standard = CampaignPacing(maxConcurrentCalls: 2)

    public init(maxConcurrentCalls: Int) { self.maxConcurrentCalls = maxConcurrentCalls }

    public func validated() throws(CampaignValidationError) -> CampaignPacing {
        guard (1...Self.maxConcurrentCallsLimit).contains(maxConcurrentCalls) else {
            throw CampaignValidationError(field: "pacing.max_concurrent_calls",
                                          "pacing.max_concurrent_calls must be 1–\(Self.maxConcurrentCallsLimit)")
        }
        return self
    }
}

/// How a recipient who was not reached is tried again: at most ``maxAttempts`` calls in all, each at least
/// ``minimumGap`` after the previous one ended, and only after a busy line, no answer or a transient failure —
/// never after a conversation, a voicemail, an opt-out or an invalid number.
public struct RetryPolicy: Codable, Sendable, Equatable, Hashable {
    /// Calls in all, the first included: 1–``maxAttemptsLimit``; default 3.
    public var maxAttempts: Int
    /// Seconds from the end of one attempt to the earliest next one: at least ``shortestGap`` (2 h); default 2 h.
    public var minimumGap: TimeInterval

    public static let maxAttemptsLimit = 5
    /// Two hours: the closest two calls to one person may be.
    public static let shortestGap: TimeInterval = 2 * 3600
    /// Seven days: a longer gap is surely a mistake (minutes for hours).
    public static let longestGap: TimeInterval = 7 * 86_400
    public static let standard = RetryPolicy(maxAttempts: 3, minimumGap: shortestGap)

    public init(maxAttempts: Int, minimumGap: TimeInterval) {
        self.maxAttempts = maxAttempts
        self.minimumGap = minimumGap
    }

    public func validated() throws(CampaignValidationError) -> RetryPolicy {
        guard (1...Self.maxAttemptsLimit).contains(maxAttempts) else {
            throw CampaignValidationError(field: "retry_policy.max_attempts",
                                          "retry_policy.max_attempts must be 1–\(Self.maxAttemptsLimit)")
        }
        guard minimumGap >= Self.shortestGap, minimumGap <= Self.longestGap else {
            throw CampaignValidationError(field: "retry_policy.retry_gap_minutes",
                                          "retry_policy.retry_gap_minutes must be 120–10080 (2 hours to 7 days)")
        }
        return self
    }

    /// When the recipient may be called again after an attempt that ended at `endedAt` with `outcome`, the
    /// `attemptsMade`-th call to them; nil when they must not be (the outcome is not retryable, or the budget is
    /// spent). The dialer still waits for the recipient's calling window.
    public func nextAttempt(after outcome: AttemptOutcome, attemptsMade: Int, endedAt: Date) -> Date? {
        guard outcome.isRetryable, attemptsMade < maxAttempts else { return nil }
        return endedAt.addingTimeInterval(minimumGap)
    }
}

/// What a campaign call does when an answering machine picks up (Twilio's `AnsweredBy` is `machine_end_*`).
/// Raw values are public API.
public enum VoicemailBehaviour: String, Codable, Sendable, CaseIterable {
    /// Leave the script's voicemail message after the beep (the script must have one).
    case leaveMessage = "leave_message"
    /// Hang up without a message.
    case hangUp = "hang_up"
}
