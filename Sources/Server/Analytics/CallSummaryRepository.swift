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
}
