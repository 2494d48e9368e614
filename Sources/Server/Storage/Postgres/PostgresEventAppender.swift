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

    /// Two round trips however many events: the lock (with the commit-time notification to other nodes), then one
    /// multi-row insert. The lock must be its own statement: under READ COMMITTED each statement reads a snapshot
    /// taken when it starts, so only a statement that starts after the lock is granted sees the sequences that the
    /// previous holder committed.
    @discardableResult
    static func append(_ connection: PostgresConnection, _ drafts: [EventDraft], at timestamp: Date,
                       logger: Logger) async throws -> [StoredEvent] {
        guard !drafts.isEmpty else { return [] }
        // pg_notify is delivered to every listening node when (and only if) this transaction commits.
        try await connection.query("""
            SELECT pg_advisory_xact_lock(\(lockKey)), pg_notify(\(PGDatabase.notificationChannel), 'events')
            """, logger: logger)
        var statement = PostgresStatement()
        var rows: [String] = []
        for (order, draft) in drafts.enumerated() {
            rows.append("""
                (\(try statement.bind(order, "integer")), \(try statement.bind(draft.businessId, "text")),
                 \(try statement.bind(draft.stream.rawValue, "text")), \(try statement.bind(draft.type.rawValue, "text")),
                 \(try statement.bind(draft.payload, "text")))
                """)
        }
        let createdAt = try statement.bind(timestamp, "timestamptz")
        // Rows are inserted (and take their ids) in `ord` order; a stream's events in one call are numbered on from
        // the stream's last sequence in that order.
        let sql = """
            INSERT INTO events (business_id, stream, sequence, type, payload, created_at)
            SELECT v.business_id, v.stream,
                   COALESCE((SELECT MAX(e.sequence) FROM events e WHERE e.stream = v.stream), 0)
                       + row_number() OVER (PARTITION BY v.stream ORDER BY v.ord),
                   v.type, v.payload, \(createdAt)
            FROM (VALUES \(rows.joined(separator: ", "))) AS v(ord, business_id, stream, type, payload)
            ORDER BY v.ord
            RETURNING id, stream, sequence
            """
        let returned = try await connection.query(statement.query(sql), logger: logger)
            .all((Int64, String, Int64).self)
            .sorted { $0.0 < $1.0 }
        guard returned.count == drafts.count else {
            throw PostgresEventAppendMismatch(expected: drafts.count, inserted: returned.count)
        }
        return try zip(drafts, returned).map { draft, row in
            // Ids follow `ord`; a row that does not belong to its draft would mean they did not.
            guard row.1 == draft.stream.rawValue else {
                throw PostgresEventAppendMismatch(expected: drafts.count, inserted: returned.count)
            }
            return StoredEvent(id: row.0, businessId: draft.businessId, stream: draft.stream, sequence: row.2,
                               type: draft.type, payload: draft.payload, createdAt: timestamp)
        }
    }

    @discardableResult
    static func append(_ connection: PostgresConnection, _ draft: EventDraft, at timestamp: Date,
                       logger: Logger) async throws -> StoredEvent {
        try await append(connection, [draft], at: timestamp, logger: logger)[0]
    }
}

/// The multi-row event insert did not return one row per event, in order (it never should: the write is rolled back).
struct PostgresEventAppendMismatch: Error, CustomStringConvertible {
    let expected: Int
    let inserted: Int
    var description: String { "event append returned \(inserted) rows out of order for \(expected) events" }
}
