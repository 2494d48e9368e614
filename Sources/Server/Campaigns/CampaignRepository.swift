import Campaigns
import Foundation

/// A campaign to create (state `draft`, version 1).
public struct NewCampaign: Sendable, Equatable {
    public var businessId: String
    public var definition: CampaignDefinition
    public var actor: CampaignActor

    public init(businessId: String, definition: CampaignDefinition, actor: CampaignActor) {
        self.businessId = businessId
        self.definition = definition
        self.actor = actor
    }
}

/// What a client may change on a campaign: nil leaves a field alone; `startAt: .some(nil)` clears the start time.
/// What may change in which state is ``CampaignPatchRules``; the state itself moves only through
/// ``CampaignRepository/transition(id:businessId:_:)``.
public struct CampaignPatch: Sendable, Equatable {
    public var name: String?
    public var script: CampaignScript?
    public var callerNumber: String?
    public var startAt: Date??
    public var callingWindow: CallingWindow?
    public var pacing: CampaignPacing?
    public var retryPolicy: RetryPolicy?
    public var voicemail: VoicemailBehaviour?

    public init(name: String? = nil, script: CampaignScript? = nil, callerNumber: String? = nil, startAt: Date?? = nil,
                callingWindow: CallingWindow? = nil, pacing: CampaignPacing? = nil, retryPolicy: RetryPolicy? = nil,
                voicemail: VoicemailBehaviour? = nil) {
        self.name = name
        self.script = script
        self.callerNumber = callerNumber
        self.startAt = startAt
        self.callingWindow = callingWindow
        self.pacing = pacing
        self.retryPolicy = retryPolicy
        self.voicemail = voicemail
    }
}

/// A move of a campaign to another state, with who made it and why. With `expectedState` / `expectedVersion` the
/// move is made only while the campaign is so (else ``CampaignConflict``): two concurrent moves never both win.
public struct CampaignStateChange: Sendable, Equatable {
    public var to: CampaignState
    public var actor: CampaignActor
    /// Why, in words; at most 500 characters.
    public var reason: String?
    public var expectedState: CampaignState?
    public var expectedVersion: Int?

    public init(to: CampaignState, actor: CampaignActor, reason: String? = nil, expectedState: CampaignState? = nil,
                expectedVersion: Int? = nil) {
        self.to = to
        self.actor = actor
        self.reason = reason
        self.expectedState = expectedState
        self.expectedVersion = expectedVersion
    }

    public static let maxReasonLength = 500
}

/// The campaign (or recipient) was not as a change expected, or changed while it ran: nothing was written.
public struct CampaignConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let campaignId: String
    public let state: CampaignState
    public let version: Int
    public let message: String

    public init(campaignId: String, state: CampaignState, version: Int, message: String? = nil) {
        self.campaignId = campaignId
        self.state = state
        self.version = version
        self.message = message ?? "campaign \(campaignId) changed meanwhile: it is \(state.rawValue) at version \(version)"
    }

    public var description: String { message }
}

/// An upload of recipients to store: what ``RecipientImport`` made of it.
public struct RecipientUpload: Sendable, Equatable {
    public var recipients: [RecipientDraft]
    /// Data rows in the upload.
    public var rows: Int
    /// Rows folded into an earlier row with the same number.
    public var mergedRows: Int
    public var actor: CampaignActor

    public init(_ imported: ImportedRecipients, actor: CampaignActor) {
        recipients = imported.recipients
        rows = imported.rows
        mergedRows = imported.merges.reduce(0) { $0 + $1.rows.count - 1 }
        self.actor = actor
    }
}

/// What an upload stored.
public struct RecipientsAdded: Sendable, Equatable {
    /// New recipients.
    public var added: Int
    /// Numbers already in the campaign, left as they were (in upload order).
    public var alreadyPresent: [String]
    /// The campaign's recipients now.
    public var total: Int
}

/// How many of a campaign's recipients are in each state.
public struct RecipientCounts: Sendable, Equatable {
    public var byState: [RecipientState: Int]

    public init(byState: [RecipientState: Int]) { self.byState = byState }

    public subscript(_ state: RecipientState) -> Int { byState[state] ?? 0 }
    public var total: Int { byState.values.reduce(0, +) }
    /// Every state by its API name, zeros included (the routes' and the live watch's `recipients` / `by_state`).
    public var byStateName: [String: Int] {
        Dictionary(uniqueKeysWithValues: RecipientState.allCases.map { ($0.rawValue, self[$0]) })
    }
}

/// Where a campaign stands beyond its counts by state, for the live counters' remaining work and pace
/// (``CampaignRepository/progress(campaignId:businessId:since:)``).
public struct CampaignProgress: Sendable, Equatable {
    /// Recipients not finished: pending, dialing, in progress, or busy / no answer / failed with a retry scheduled
    /// (``CampaignRecipient/isFinished`` false). A busy recipient whose budget is spent is finished.
    public var unfinished: Int
    /// The latest `next_attempt_at` among the unfinished (a retry, or a deferral to a calling window); nil when none.
    public var latestScheduled: Date?
    /// Attempts that ended at or after the `since` asked for.
    public var attemptsEndedSince: Int
    /// When the campaign's first attempt started; nil before its first.
    public var firstAttemptAt: Date?

    public init(unfinished: Int, latestScheduled: Date?, attemptsEndedSince: Int, firstAttemptAt: Date?) {
        self.unfinished = unfinished
        self.latestScheduled = latestScheduled
        self.attemptsEndedSince = attemptsEndedSince
        self.firstAttemptAt = firstAttemptAt
    }
}

/// How an attempt ended, as the dialer (or the conversation) reports it.
public struct AttemptEnd: Sendable, Equatable {
    public var outcome: AttemptOutcome
    /// Twilio's `AnsweredBy`, when machine detection ran.
    public var answeredBy: String?
    /// Answers recorded on the call by question field; merged into the recipient's results.
    public var results: [String: String]

    public init(outcome: AttemptOutcome, answeredBy: String? = nil, results: [String: String] = [:]) {
        self.outcome = outcome
        self.answeredBy = answeredBy
        self.results = results
    }
}

/// What ``CampaignRepository/startAttempt(recipientId:businessId:)`` did.
public enum AttemptStart: Sendable, Equatable {
    /// The recipient is `dialing` and the attempt exists: place the call with the attempt's id as its key.
    case started(CampaignRecipient, CampaignAttempt)
    /// The number is on the business's do-not-call list or its customer opted out: the recipient is now
    /// `opted_out`; nothing is to be dialled.
    case suppressed(CampaignRecipient, reason: String)
}

/// A recipient moved without a call: deferred (stays `pending`/its retry state with a later `next_attempt_at`),
/// skipped, or opted out.
public struct RecipientMove: Sendable, Equatable {
    public var to: RecipientState
    /// The next attempt's time (deferring to the calling window); nil clears it.
    public var nextAttemptAt: Date?
    public var reason: String?
    public var actor: CampaignActor
    /// Move only at this version.
    public var expectedVersion: Int?

    public init(to: RecipientState, nextAttemptAt: Date? = nil, reason: String? = nil, actor: CampaignActor,
                expectedVersion: Int? = nil) {
        self.to = to
        self.nextAttemptAt = nextAttemptAt
        self.reason = reason
        self.actor = actor
        self.expectedVersion = expectedVersion
    }
}

/// Storage of campaigns, their recipients and the attempts to call them. Every write appends its events to
/// `campaign:<id>` in the same transaction.
///
/// Errors: `RepositoryError.notFound` for an unknown (or another business's) campaign, recipient or attempt;
/// `CampaignValidationError` for a bad definition; `RepositoryError.invalid` for other bad input;
/// `IllegalCampaignTransition` for a move the table forbids; `CampaignConflict` when the campaign is not in a state
/// the change allows, or a conditional change lost to another.
public protocol CampaignRepository: Sendable {
    /// Creates a draft. The caller number must be one of the business's numbers (`RepositoryError.invalid` on
    /// `callerNumber` otherwise). Appends `campaign.created`.
    func create(_ campaign: NewCampaign) async throws -> Campaign
    func get(id: String, businessId: String) async throws -> Campaign?
    /// Campaigns in creation order (then id), paginated; only those in `state` when given.
    func list(businessId: String, state: CampaignState?, limit: Int, cursor: String?) async throws -> Page<Campaign>
    /// Applies `patch` under ``CampaignPatchRules`` (a refused field is `CampaignConflict`); a script that uses a
    /// variable some stored recipient lacks is `CampaignValidationError` on `script`. Appends `campaign.updated` only
    /// when something changed.
    func update(id: String, businessId: String, _ patch: CampaignPatch, actor: CampaignActor) async throws -> Campaign
    /// Deletes a draft campaign with its recipients; appends `campaign.deleted`. Any other state: `CampaignConflict`.
    func delete(id: String, businessId: String, actor: CampaignActor) async throws
    /// Moves the campaign when the table allows it and it is as `change` expects; appends `campaign.state_changed`.
    /// A move to `cancelled` or `completed` skips every recipient still waiting for a call (pending, or a retry
    /// scheduled): they become `skipped`. Calls in progress finish.
    func transition(id: String, businessId: String, _ change: CampaignStateChange) async throws -> Campaign
    /// Stores an upload's recipients, all or nothing: numbers already in the campaign are left as they were.
    /// Refused (`CampaignConflict`) once the campaign is completed or cancelled. Appends `campaign.recipients_added`.
    func addRecipients(campaignId: String, businessId: String, _ upload: RecipientUpload) async throws -> RecipientsAdded
    /// Recipients in upload order, paginated; only those in `state` when given.
    func recipients(campaignId: String, businessId: String, state: RecipientState?, limit: Int,
                    cursor: String?) async throws -> Page<CampaignRecipient>
    func recipient(id: String, businessId: String) async throws -> CampaignRecipient?
    func counts(campaignId: String, businessId: String) async throws -> RecipientCounts
    /// The recipients still to finish, the latest next attempt scheduled among them, the attempts ended at or after
    /// `since`, and the first attempt's start: what the pace and time left of the live counters are made of.
    func progress(campaignId: String, businessId: String, since: Date) async throws -> CampaignProgress

    // MARK: The dialer's steps

    /// Running campaigns, and scheduled ones whose start time is at or before `now`, of every business: what the
    /// dialer looks at.
    func activeCampaigns(now: Date) async throws -> [Campaign]
    /// Recipients the dialer may call at `now` (calling window and suppression aside), in upload order: pending ones
    /// whose `next_attempt_at` is empty or due, and retries that are due.
    func dueRecipients(campaignId: String, businessId: String, now: Date, limit: Int) async throws -> [CampaignRecipient]
    /// The attempts not yet ended: each holds one of the campaign's concurrent-call slots.
    func openAttempts(campaignId: String, businessId: String) async throws -> [CampaignAttempt]
    /// Starts the next attempt on a due recipient of a running campaign, in one transaction: checks the do-not-call
    /// list and the customer's opt-out (then the recipient becomes `opted_out` instead, `.suppressed`), else the
    /// recipient becomes `dialing`, its attempt count rises and the attempt row is made. Appends
    /// `campaign.attempt_started` (or `campaign.recipient_changed`). `CampaignConflict` when the campaign is not
    /// running, the recipient is not due, or its budget is spent.
    func startAttempt(recipientId: String, businessId: String) async throws -> AttemptStart
    /// Stores the CallSid Twilio gave the attempt's call; appends `campaign.attempt_dialed`. Storing the same sid
    /// again changes nothing; a different one is `CampaignConflict` (an attempt is dialled once).
    func recordCallSid(attemptId: String, businessId: String, callSid: String) async throws -> CampaignAttempt
    /// A person answered: the recipient becomes `in_progress`; appends `campaign.attempt_answered`.
    func markAnswered(attemptId: String, businessId: String, answeredBy: String?) async throws -> CampaignRecipient
    /// Ends the attempt: the recipient takes the outcome's state, answers are merged into its results, and a retry
    /// is scheduled by the campaign's retry policy (retryable outcomes while the budget lasts). An `opted_out`
    /// outcome also puts the number on the do-not-call list. Appends `campaign.attempt_ended` (and
    /// `do_not_call.added`). Ending an attempt already ended changes nothing and returns the recipient.
    func finishAttempt(attemptId: String, businessId: String, _ end: AttemptEnd) async throws -> CampaignRecipient
    /// Takes back an attempt whose call was never dialled (its `call.create` job found no dial slot before the
    /// calling window closed): deletes the attempt, and the recipient returns to its state before it, due at the
    /// window's first opening at or after `notBefore` (``CampaignRecipient/withdrawing(_:campaign:notBefore:at:)``).
    /// Appends `campaign.attempt_withdrawn`. An attempt already gone changes nothing and returns nil;
    /// `CampaignConflict` when the attempt was dialled or ended.
    func withdrawAttempt(attemptId: String, businessId: String, notBefore: Date, reason: String) async throws
        -> CampaignRecipient?
    /// Moves a recipient without a call (deferral, skip, opt-out); appends `campaign.recipient_changed`. Only
    /// `pending`, `busy`, `no_answer` and `failed` recipients move, to `pending` (deferred), their own state (a new
    /// `next_attempt_at`), `skipped` or `opted_out`.
    func moveRecipient(id: String, businessId: String, _ move: RecipientMove) async throws -> CampaignRecipient
    /// Stores what the recipient's completed attempt `attemptId` did with the CRM appointment (the script's
    /// appointment question); appends `campaign.appointment_recorded`. Storing what is already stored changes nothing.
    /// `RepositoryError.notFound` when the attempt is not the recipient's.
    func recordAppointment(recipientId: String, businessId: String, attemptId: String,
                           _ appointment: RecipientAppointment) async throws -> CampaignRecipient
    /// A recipient's attempts, oldest first.
    func attempts(recipientId: String, businessId: String) async throws -> [CampaignAttempt]
    /// The attempt that placed the call `callSid`, if a campaign placed it.
    func attempt(callSid: String, businessId: String) async throws -> CampaignAttempt?
}

/// A business's do-not-call list. Adding and removing append `do_not_call.added` / `.removed` to
/// `do_not_call:<business id>`.
public protocol DoNotCallRepository: Sendable {
    /// Adds `phone` (E.164; `RepositoryError.invalid` otherwise); adding a listed number again changes nothing and
    /// returns the stored entry with `added` false.
    func add(businessId: String, phone: String, reason: String?, actor: CampaignActor) async throws
        -> (entry: DoNotCallEntry, added: Bool)
    /// Removes `phone`; false when it was not listed.
    func remove(businessId: String, phone: String, actor: CampaignActor) async throws -> Bool
    /// Entries in the order they were added (then by number), paginated.
    func list(businessId: String, limit: Int, cursor: String?) async throws -> Page<DoNotCallEntry>
    func entry(businessId: String, phone: String) async throws -> DoNotCallEntry?
}

/// The condition, in SQL both backends read alike, that a `campaign_recipients` row is not finished
/// (``CampaignRecipient/isFinished`` false): still to be called or in a call, or a retryable outcome with a retry
/// scheduled.
enum CampaignProgressSQL {
    static let unfinished = """
        (state IN ('pending', 'dialing', 'in_progress')
         OR (state IN ('busy', 'no_answer', 'failed') AND next_attempt_at IS NOT NULL))
        """
}

