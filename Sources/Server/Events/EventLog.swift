import Events
import Foundation

/// Which events to read: after an id (exclusive), oldest first.
public struct EventQuery: Sendable, Equatable {
    /// Only this business's events. Nil reads every business's (consumers and operator tools only — never a
    /// tenant route).
    public var businessId: String?
    public var after: Int64
    public var stream: EventStream?
    /// Only these types; nil for all.
    public var types: Set<EventType>?
    public var limit: Int

    public init(businessId: String?, after: Int64 = 0, stream: EventStream? = nil, types: Set<EventType>? = nil,
                limit: Int = 100) {
        self.businessId = businessId
        self.after = after
        self.stream = stream
        self.types = types
        self.limit = limit
    }
}

/// The durable event log. Events are appended by the storage layer inside the transaction of the change they
/// describe (never through this protocol's callers afterwards); this is how the log is read, how consumers keep
/// their position in it, and how old events are pruned.
public protocol EventLog: Sendable {
    /// Events matching `query`, in id order, at most `query.limit` (clamped to 1…1000).
    func events(_ query: EventQuery) async throws -> [StoredEvent]
    /// The newest event id (0 for an empty log).
    func lastEventId() async throws -> Int64
    /// The consumer's durable position: every event up to this id was handled (0 when it never ran).
    func checkpoint(consumer: String) async throws -> Int64
    /// Moves the consumer's position forward to `eventId` (never backwards).
    func advanceCheckpoint(consumer: String, to eventId: Int64) async throws
    /// Every consumer's position.
    func checkpoints() async throws -> [String: Int64]
    /// Deletes events older than `date` that every consumer has handled, keeping the newest event of each stream
    /// (so a stream's numbering continues). Returns how many were deleted.
    func prune(before date: Date) async throws -> Int
    /// Appends events in their own transaction (for writers that have nothing else to commit).
    @discardableResult
    func append(_ drafts: [EventDraft]) async throws -> [StoredEvent]
}
