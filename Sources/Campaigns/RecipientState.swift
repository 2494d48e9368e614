import Foundation

/// Where one recipient of a campaign is. Raw values are public API (REST fields and filters, stored rows, events).
///
/// `pending` → `dialing` (an attempt is being placed) → `in_progress` (answered, the conversation runs) → an
/// outcome. `completed`, `voicemail`, `opted_out` and `skipped` are final (``isFinal``). `busy`, `no_answer` and
/// `failed` are outcomes that may be retried: a recipient in one of them is final once no retry is scheduled
/// (``CampaignRecipient/isFinished``: its `next_attempt_at` is empty because the retry budget is spent or the failure
/// was permanent).
public enum RecipientState: String, Codable, Sendable, CaseIterable {
    /// Not called yet.
    case pending
    /// A call is being placed (an attempt exists; its CallSid may not be known yet).
    case dialing
    /// A person answered: the conversation is under way.
    case inProgress = "in_progress"
    /// A conversation took place (answers, if any, are in the results). Final.
    case completed
    /// The line was busy. Retried while the budget lasts.
    case busy
    /// Nobody answered. Retried while the budget lasts.
    case noAnswer = "no_answer"
    /// The call could not be made: a transient failure (retried while the budget lasts) or a permanent one (an
    /// invalid number, a fax: never retried).
    case failed
    /// An answering machine took the call (a message was left or not, per the campaign). Final.
    case voicemail
    /// The recipient asked not to be called, or their number is on the do-not-call list. Final.
    case optedOut = "opted_out"
    /// Not called: the campaign was cancelled or completed before they were reached, or they were excluded. Final.
    case skipped

    /// Parses a value from a request or a row, ignoring case and surrounding spaces.
    public init?(parsing raw: String) {
        self.init(rawValue: raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The states nothing moves a recipient out of.
    public var isFinal: Bool {
        switch self {
        case .completed, .voicemail, .optedOut, .skipped: true
        case .pending, .dialing, .inProgress, .busy, .noAnswer, .failed: false
        }
    }

    /// Outcomes after which another attempt may be scheduled (`next_attempt_at`).
    public var mayBeRetried: Bool { self == .busy || self == .noAnswer || self == .failed }

    /// A call to the recipient is under way: it holds one of the campaign's concurrent-call slots.
    public var isActive: Bool { self == .dialing || self == .inProgress }
}

/// How one attempt (one call) ended. Raw values are public API (stored rows, events, results).
public enum AttemptOutcome: String, Codable, Sendable, CaseIterable {
    /// A person answered and the conversation ended normally.
    case completed
    case busy
    case noAnswer = "no_answer"
    /// A transient failure (the carrier or Twilio failed, the call could not be placed now): retryable.
    case failed
    /// The number cannot be called (not in service, not a phone, a fax): never retried.
    case invalidNumber = "invalid_number"
    /// An answering machine answered and the voicemail message was left.
    case voicemailLeft = "voicemail_left"
    /// An answering machine answered and the call hung up (voicemail behaviour `hang_up`).
    case machineHungUp = "machine_hung_up"
    /// The recipient asked not to be called again.
    case optedOut = "opted_out"

    /// Busy, no answer and transient failures are tried again (``RetryPolicy``); nothing else is.
    public var isRetryable: Bool { self == .busy || self == .noAnswer || self == .failed }

    /// The recipient's state after an attempt with this outcome.
    public var recipientState: RecipientState {
        switch self {
        case .completed: .completed
        case .busy: .busy
        case .noAnswer: .noAnswer
        case .failed, .invalidNumber: .failed
        case .voicemailLeft, .machineHungUp: .voicemail
        case .optedOut: .optedOut
        }
    }
}
