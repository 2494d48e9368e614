import Foundation

/// Where a recipient's time zone came from. Raw values are public API.
public enum ZoneSource: String, Codable, Sendable, CaseIterable {
    /// The upload's `timezone` column (an IANA name).
    case timezone
    /// The upload's `postcode` column: a US ZIP code of a +1 number, through ``USZIPTimeZones``.
    case postcode
    /// Neither: the business's own time zone.
    case business
}

/// One person a campaign calls. Row of `campaign_recipients`; one per phone number in a campaign.
public struct CampaignRecipient: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    public var campaignId: String
    /// E.164.
    public var phone: String
    public var state: RecipientState
    /// The upload's other columns by variable name (`first_name` → "Ana"); what the script's `{{variables}}` read.
    public var variables: [String: String]
    /// IANA time zone the calling window is checked in.
    public var timeZone: String
    public var zoneSource: ZoneSource
    /// Calls placed so far (attempts started).
    public var attempts: Int
    /// When the next attempt may start; nil when none is scheduled (not called yet: see `state`; or final).
    public var nextAttemptAt: Date?
    /// How the last attempt ended; nil before the first ends.
    public var lastOutcome: AttemptOutcome?
    /// The CallSid of the last attempt, once Twilio gave one.
    public var lastCallSid: String?
    /// Answers by question field (``CampaignQuestion/field``), as text in the form of their ``AnswerKind``.
    public var results: [String: String]
    /// What came of the script's appointment question (booked, confirmed, declined, refused); nil until the call that
    /// answered it completed, or when the script has none.
    public var appointment: RecipientAppointment?
    /// Order of upload within the campaign, 1, 2, 3 …: listings and results follow it.
    public var position: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// 1 when added, +1 with every change; changes are conditional on it.
    public var version: Int

    public init(id: String = UUID().uuidString.lowercased(), businessId: String, campaignId: String, phone: String,
                state: RecipientState = .pending, variables: [String: String], timeZone: String, zoneSource: ZoneSource,
                attempts: Int = 0, nextAttemptAt: Date? = nil, lastOutcome: AttemptOutcome? = nil,
                lastCallSid: String? = nil, results: [String: String] = [:], appointment: RecipientAppointment? = nil,
                position: Int, createdAt: Date, updatedAt: Date, version: Int = 1) {
        self.id = id
        self.businessId = businessId
        self.campaignId = campaignId
        self.phone = phone
        self.state = state
        self.variables = variables
        self.timeZone = timeZone
        self.zoneSource = zoneSource
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastOutcome = lastOutcome
        self.lastCallSid = lastCallSid
        self.results = results
        self.appointment = appointment
        self.position = position
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// Nothing more will happen to this recipient: a final state, or a retryable outcome with no retry scheduled.
    public var isFinished: Bool { state.isFinal || (state.mayBeRetried && nextAttemptAt == nil) }

    /// Whether the dialer may start an attempt at `now` (calling window and suppression aside): never called, or a
    /// retry that is due.
    public func isDue(at now: Date) -> Bool {
        switch state {
        case .pending: return nextAttemptAt.map { $0 <= now } ?? true
        case .busy, .noAnswer, .failed: return nextAttemptAt.map { $0 <= now } ?? false
        default: return false
        }
    }

    /// The recipient with its open attempt taken back before its call was dialled (the calling window closed while
    /// the call waited for a dial slot): the attempt no longer counts, and the recipient returns to the state the
    /// last ended attempt left it in (`pending` before any), due again at the calling window's first opening at or
    /// after `notBefore` in its zone — or `skipped` when the campaign has been completed or cancelled meanwhile, as the
    /// recipients still waiting were. Nil when `attempt` is not this recipient's call being dialled (it was dialled,
    /// it ended, or the recipient moved on).
    public func withdrawing(_ attempt: CampaignAttempt, campaign: Campaign, notBefore: Date,
                            at timestamp: Date) -> CampaignRecipient? {
        guard attempt.recipientId == id, attempt.callSid == nil, attempt.endedAt == nil, state == .dialing,
              attempts == attempt.number
        else { return nil }
        var withdrawn = self
        withdrawn.attempts -= 1
        if campaign.state == .completed || campaign.state == .cancelled {
            withdrawn.state = .skipped
            withdrawn.nextAttemptAt = nil
        } else {
            withdrawn.state = lastOutcome?.recipientState ?? .pending
            withdrawn.nextAttemptAt = campaign.callingWindow.nextAllowed(atOrAfter: max(notBefore, timestamp), in: zone)
        }
        withdrawn.updatedAt = timestamp
        withdrawn.version += 1
        return withdrawn
    }

    /// The recipient's time zone (UTC if the stored name is somehow unknown).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

/// One call to a recipient. Row of `campaign_attempts`.
public struct CampaignAttempt: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID: the attempt's identity before Twilio gives the call a sid (the outbound request's
    /// idempotency key).
    public var id: String
    public var businessId: String
    public var campaignId: String
    public var recipientId: String
    /// 1 for the first call to the recipient, 2 for the first retry, ….
    public var number: Int
    /// Twilio's CallSid, stored as soon as the REST call returns it; an attempt that has one is never dialled again.
    public var callSid: String?
    public var startedAt: Date
    public var endedAt: Date?
    public var outcome: AttemptOutcome?
    /// Twilio's `AnsweredBy` (`human`, `machine_end_beep`, `fax`, `unknown`, …) when machine detection ran.
    public var answeredBy: String?

    public init(id: String = UUID().uuidString.lowercased(), businessId: String, campaignId: String,
                recipientId: String, number: Int, callSid: String? = nil, startedAt: Date, endedAt: Date? = nil,
                outcome: AttemptOutcome? = nil, answeredBy: String? = nil) {
        self.id = id
        self.businessId = businessId
        self.campaignId = campaignId
        self.recipientId = recipientId
        self.number = number
        self.callSid = callSid
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.answeredBy = answeredBy
    }
}

/// A number the business must not call: checked right before every campaign dial. Row of `do_not_call`.
public struct DoNotCallEntry: Codable, Sendable, Equatable {
    public var businessId: String
    /// E.164.
    public var phone: String
    /// Why, in words ("asked on a call", "customer request by email"); at most 200 characters.
    public var reason: String?
    public var createdAt: Date

    public init(businessId: String, phone: String, reason: String?, createdAt: Date) {
        self.businessId = businessId
        self.phone = phone
        self.reason = reason
        self.createdAt = createdAt
    }

    public static let maxReasonLength = 200
}
