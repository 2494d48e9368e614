import Events
import Foundation
import PostgresNIO

/// `EventLog` on PostgreSQL. Reading by id (`id > after`) is safe with several writing nodes because appends commit
/// in id order (``PostgresEventAppender`` holds a global lock through each appending transaction's commit).
struct PostgresEventLog: EventLog {
    let database: PGDatabase
    let now: @Sendable () -> Date

    init(database: PGDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// The columns `decodeAll(_:)` reads, in order.
    static let columns = "id, business_id, stream, sequence, type, payload, created_at"

    func events(_ query: EventQuery) async throws -> [StoredEvent] {
        // Only types this build knows (a newer version's events are left for it), filtered before LIMIT so a run
        // of unknown events never makes a page look like the end of the log.
        let types = (query.types ?? Set(EventType.allCases)).map(\.rawValue).sorted()
        guard !types.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(query.after)
        var conditions = ["id > $1"]
        if let businessId = query.businessId {
            binds.append(businessId)
            conditions.append("business_id = $\(binds.count)")
        }
        if let stream = query.stream {
            binds.append(stream.rawValue)
            conditions.append("stream = $\(binds.count)")
        }
        binds.append(types)
        conditions.append("type = ANY($\(binds.count))")
        binds.append(min(max(query.limit, 1), 1000))
        let sql = """
            SELECT \(Self.columns) FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT $\(binds.count)
            """
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger))
        }
    }

    func lastEventId() async throws -> Int64 {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("SELECT COALESCE(max(id), 0) FROM events", logger: logger).all(Int64.self).first ?? 0
        }
    }

    func checkpoint(consumer: String) async throws -> Int64 {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query(
                "SELECT last_event_id FROM event_checkpoints WHERE consumer = \(consumer)", logger: logger)
                .all(Int64.self).first ?? 0
        }
    }

    /// One upsert that keeps the greater position: two nodes advancing one consumer at once end at the further.
    func advanceCheckpoint(consumer: String, to eventId: Int64) async throws {
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            _ = try await connection.query("""
                INSERT INTO event_checkpoints (consumer, last_event_id, updated_at) VALUES (\(consumer), \(eventId), \(timestamp))
                ON CONFLICT (consumer) DO UPDATE
                SET last_event_id = GREATEST(event_checkpoints.last_event_id, excluded.last_event_id),
                    updated_at = excluded.updated_at
                """, logger: logger)
        }
    }

    func checkpoints() async throws -> [String: Int64] {
        let logger = database.logger
        let rows = try await database.read { connection in
            try await connection.query(
                "SELECT consumer, last_event_id FROM event_checkpoints", logger: logger).all((String, Int64).self)
        }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    /// One statement, so the consumers' slowest position and each stream's newest event are read from the same
    /// snapshot as the rows deleted. An event appended meanwhile is newer than every position read, so it stays.
    func prune(before date: Date) async throws -> Int {
        let logger = database.logger
        let deleted = try await database.write { connection in
            try await connection.query("""
                DELETE FROM events
                WHERE created_at < \(date)
                  AND id <= (SELECT COALESCE(min(last_event_id), 0) FROM event_checkpoints)
                  AND id NOT IN (SELECT max(id) FROM events GROUP BY stream)
                RETURNING id
                """, logger: logger).all(Int64.self)
        }
        return deleted.count
    }

    @discardableResult
    func append(_ drafts: [EventDraft]) async throws -> [StoredEvent] {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            try await PostgresEventAppender.append(connection, drafts, at: timestamp, logger: logger)
        }
    }

    // MARK: - Rows

    /// Decodes rows selected with ``columns``, skipping types this build does not know (written by a newer one).
    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        for try await (id, businessId, stream, sequence, type, payload, createdAt)
            in rows.decode((Int64, String?, String, Int64, String, String, Date).self) {
            guard let type = EventType(rawValue: type) else { continue }
            events.append(StoredEvent(id: id, businessId: businessId, stream: EventStream(rawValue: stream),
                                      sequence: sequence, type: type, payload: payload, createdAt: createdAt))
        }
        return events
    }
}
