import Foundation
import PostgresNIO

// The call log's reads, alert statuses and the business's own Twilio token.

extension PostgresCallRepository {
    func calls(businessId: String, matching filter: CallFilter, limit: Int, cursor: String?) async throws -> Page<CallRecord> {
        let limit = try PageCursor.validatedLimit(limit)
        let before = try cursor.map(PageCursor.init(decoding:))
        // Each condition narrows the (business_id, started_at, sid) index's range or filters the rows it reads.
        var statement = PostgresStatement()
        var sql = "SELECT \(Self.callColumns) FROM calls WHERE business_id = \(try statement.bind(businessId, "text"))"
        if let from = filter.from { sql += " AND started_at >= \(try statement.bind(from, "timestamptz"))" }
        if let to = filter.to { sql += " AND started_at < \(try statement.bind(to, "timestamptz"))" }
        if let outcome = filter.outcome { sql += " AND outcome = \(try statement.bind(outcome.rawValue, "text"))" }
        if let before {
            sql += " AND (\(PGDatabase.microsecondsSQL("started_at")), sid) < "
                + "(\(try statement.bind(try before.postgresMicroseconds(), "bigint")), \(try statement.bind(before.id, "text")))"
        }
        sql += " ORDER BY started_at DESC, sid DESC LIMIT \(limit + 1)"
        let query = statement.query(sql)
        let logger = database.logger
        let rows = try await database.read { connection in
            try await Self.decodeCalls(connection.query(query, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: $0.startedAt, id: $0.sid).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func turns(callSid: String) async throws -> [CallTurn] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeTurns(connection.query(
                "SELECT \(unescaped: Self.turnColumns) FROM call_turns WHERE call_sid = \(callSid) ORDER BY seq", logger: logger))
        }
    }

    func leads(businessId: String, limit: Int, cursor: String?) async throws -> Page<Lead> {
        try await newestFirst(table: "leads", columns: Self.leadColumns, time: "created_at", id: "id",
                              businessId: businessId, limit: limit, cursor: cursor,
                              decode: Self.decodeLeads) { ($0.createdAt, $0.id) }
    }

    /// A business's rows of `table`, newest first by (`time`, `id`), a keyset page at a time; the cursor's key is
    /// the row's time in whole microseconds, so rows that share a time are neither skipped nor repeated.
    private func newestFirst<Record: Sendable>(
        table: String, columns: String, time: String, id: String, businessId: String, limit: Int, cursor: String?,
        decode: @escaping @Sendable (PostgresRowSequence) async throws -> [Record], key: (Record) -> (Date, String)
    ) async throws -> Page<Record> {
        let limit = try PageCursor.validatedLimit(limit)
        let before = try cursor.map(PageCursor.init(decoding:))
        let beforeKey = try before?.postgresMicroseconds()
        let logger = database.logger
        let rows = try await database.read { connection in
            if let before, let beforeKey {
                return try await decode(connection.query("""
                    SELECT \(unescaped: columns) FROM \(unescaped: table)
                    WHERE business_id = \(businessId)
                      AND (\(unescaped: PGDatabase.microsecondsSQL(time)), \(unescaped: id)) < (\(beforeKey), \(before.id))
                    ORDER BY \(unescaped: time) DESC, \(unescaped: id) DESC LIMIT \(limit + 1)
                    """, logger: logger))
            }
            return try await decode(connection.query("""
                SELECT \(unescaped: columns) FROM \(unescaped: table) WHERE business_id = \(businessId)
                ORDER BY \(unescaped: time) DESC, \(unescaped: id) DESC LIMIT \(limit + 1)
                """, logger: logger))
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(postgresAfter: key($0).0, id: key($0).1).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    func leads(callSid: String) async throws -> [Lead] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeLeads(connection.query("""
                SELECT \(unescaped: Self.leadColumns) FROM leads WHERE call_sid = \(callSid) ORDER BY created_at, id
                """, logger: logger))
        }
    }

    func alerts(callSid: String) async throws -> [OwnerAlertRecord] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAlerts(connection.query(
                "SELECT \(unescaped: Self.alertColumns) FROM owner_alerts WHERE call_sid = \(callSid) ORDER BY id", logger: logger))
        }
    }

    func setAlertStatus(id: Int64, businessId: String, status: String) async throws {
        let logger = database.logger
        _ = try await database.read { connection in
            try await connection.query(
                "UPDATE owner_alerts SET status = \(status) WHERE id = \(id) AND business_id = \(businessId)", logger: logger)
        }
    }

    func twilioAuthToken(businessId: String) async throws -> String? {
        let logger = database.logger
        return try await database.read { connection in
            try await connection.query("""
                SELECT auth_token FROM business_twilio_credentials WHERE business_id = \(businessId)
                """, logger: logger).all(String.self).first
        }
    }

    func setTwilioAuthToken(_ token: String?, businessId: String) async throws {
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            // FOR KEY SHARE: the business cannot be deleted until this commits (an insert's foreign key does the same).
            let found = try await connection.query(
                "SELECT id FROM businesses WHERE id = \(businessId) FOR KEY SHARE", logger: logger).all(String.self)
            guard !found.isEmpty else { throw RepositoryError.notFound }
            if let token {
                try await connection.query("""
                    INSERT INTO business_twilio_credentials (business_id, auth_token, updated_at)
                    VALUES (\(businessId), \(token), \(timestamp))
                    ON CONFLICT (business_id) DO UPDATE SET auth_token = excluded.auth_token, updated_at = excluded.updated_at
                    """, logger: logger)
            } else {
                try await connection.query(
                    "DELETE FROM business_twilio_credentials WHERE business_id = \(businessId)", logger: logger)
            }
        }
    }
}
