import Events
import Foundation
import Logging
import PostgresNIO

/// Appending to the event log inside a PostgreSQL write transaction: the one place events are written there.
///
/// Consumers read the log by id (`id > checkpoint`). On PostgreSQL ids are handed out when rows are inserted but
/// become visible when their transactions commit, in any order — a consumer could see id 11, move its checkpoint
/// past it, and never see id 10 committed a moment later. So an appending transaction first takes a transaction-
/// scoped advisory lock: appends (and their commits) happen one transaction at a time, in id order, on every node.
/// Append events at the end of a transaction so the lock is held only for the commit.
enum PostgresEventAppender {
    /// The advisory-lock key of the event log ("FDevents").
    static let lockKey: Int64 = 0x4644_6576_656E_7473

    @discardableResult
    static func append(_ connection: PostgresConnection, _ drafts: [EventDraft], at timestamp: Date,
                       logger: Logger) async throws -> [StoredEvent] {
        guard !drafts.isEmpty else { return [] }
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        var stored: [StoredEvent] = []
        for draft in drafts {
            let rows = try await connection.query("""
                INSERT INTO events (business_id, stream, sequence, type, payload, created_at)
                VALUES (\(draft.businessId), \(draft.stream.rawValue),
                        (SELECT COALESCE(MAX(sequence), 0) + 1 FROM events WHERE stream = \(draft.stream.rawValue)),
                        \(draft.type.rawValue), \(draft.payload), \(timestamp))
                RETURNING id, sequence
                """, logger: logger)
            for try await (id, sequence) in rows.decode((Int64, Int64).self) {
                stored.append(StoredEvent(id: id, businessId: draft.businessId, stream: draft.stream,
                                          sequence: sequence, type: draft.type, payload: draft.payload,
                                          createdAt: timestamp))
            }
        }
        // Delivered to every listening node when (and only if) this transaction commits.
        try await PGDatabase.notify(connection, "events", logger: logger)
        return stored
    }

    @discardableResult
    static func append(_ connection: PostgresConnection, _ draft: EventDraft, at timestamp: Date,
                       logger: Logger) async throws -> StoredEvent {
        try await append(connection, [draft], at: timestamp, logger: logger)[0]
    }
}
