import Analytics
import Foundation

/// A call's post-call record: its summary, structured fields and the caller's sentiment over the call.
public struct CallSummaryRecord: Sendable, Equatable {
    public var callSid: String
    public var businessId: String
    public var summary: String
    /// The summarizer's structured fields, JSON (snake_case keys, sorted).
    public var fields: String
    public var followUpNeeded: Bool
    /// Nil when the caller said nothing to score.
    public var sentiment: CallSentimentSummary?
    public var createdAt: Date

    public init(callSid: String, businessId: String, summary: String, fields: String, followUpNeeded: Bool,
                sentiment: CallSentimentSummary?, createdAt: Date) {
        self.callSid = callSid
        self.businessId = businessId
        self.summary = summary
        self.fields = fields
        self.followUpNeeded = followUpNeeded
        self.sentiment = sentiment
        self.createdAt = createdAt
    }
}

/// A call's post-call record as stored, for pages that show it (the panel's call page).
public struct StoredCallSummary: Sendable, Equatable {
    public var summary: String
    /// The summarizer's structured fields, JSON (snake_case keys): decodes as `Analytics.CallSummary`.
    public var fields: String
    public var followUpNeeded: Bool
    /// Over the call, in [−1, 1]; nil when the caller said nothing to score.
    public var sentimentScore: Double?
    public var sentimentLabel: String?
    public var sentimentTrend: String?
    /// The caller's sentiment in [−1, 1] on each scored turn, by the turn's `seq`.
    public var turnSentiments: [Int: Double]
    public var createdAt: Date

    public init(summary: String, fields: String, followUpNeeded: Bool, sentimentScore: Double?, sentimentLabel: String?,
                sentimentTrend: String?, turnSentiments: [Int: Double], createdAt: Date) {
        self.summary = summary
        self.fields = fields
        self.followUpNeeded = followUpNeeded
        self.sentimentScore = sentimentScore
        self.sentimentLabel = sentimentLabel
        self.sentimentTrend = sentimentTrend
        self.turnSentiments = turnSentiments
        self.createdAt = createdAt
    }
}

/// Storage of post-call work (``CallSummaryJob``): what the summary reads besides the call, and what it writes.
/// Scoped by business id like every repository.
public protocol CallSummaryRepository: Sendable {
    /// Titles of the business's knowledge entries with these ids (the answers' citations); ids that are another
    /// business's, or no longer stored, are absent.
    func entryTitles(ids: Set<String>, businessId: String) async throws -> [String: String]

    /// Stores `record` as the call's summary (replacing an earlier one) and each caller turn's sentiment score, in
    /// one transaction. Idempotent: storing the same record again leaves the same rows.
    /// - Parameter turnSentiments: score in [−1, 1] by `CallTurn.id`; turns of other calls are left alone.
    /// - Throws: `RepositoryError.notFound` when the call is not the business's.
    func save(_ record: CallSummaryRecord, turnSentiments: [Int64: Double]) async throws

    /// The call's stored summary with its turns' sentiment; nil when it has none yet, or the call is not the
    /// business's.
    func summary(callSid: String, businessId: String) async throws -> StoredCallSummary?
}
